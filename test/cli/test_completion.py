"""`slap completion bash|zsh`: scripts generated from the command tree, exercised in the
shell they are for."""
import shutil
import subprocess

import pytest

from conftest import listed_commands


def bash_complete(slap, script, line):
    """COMPREPLY for the command line `line` (completing its last word, "" after a space)."""
    path = slap.cwd / "slap.bash"
    path.write_text(script)
    words = line.split(" ")
    program = (f"source {path}\n"
               f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
               f"COMP_CWORD={len(words) - 1}\n"
               "_slap\n"
               "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    proc = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    return [w for w in proc.stdout.split("\n") if w]


def test_bash_completes_every_command_of_the_table(slap):
    r = slap("completion", "bash")
    assert r.code == 0, r
    listed = set(bash_complete(slap, r.out, "slap "))
    assert {"build", "show", "sync", "node", "completion"} <= listed
    assert set(listed_commands(slap)) <= listed
    assert bash_complete(slap, r.out, "slap sy") == ["sync"]


def test_bash_completes_subcommands_and_their_options(slap):
    script = slap("completion", "bash").out
    assert sorted(bash_complete(slap, script, "slap sync ")) == ["pull", "push"]
    assert "--json" in bash_complete(slap, script, "slap build --j")  # global, falls through
    assert bash_complete(slap, script, "slap sync pull ") == []  # then the peer URL
    assert {"format", "instance", "status"} <= set(bash_complete(slap, script, "slap node "))
    assert "--partitions" in bash_complete(slap, script, "slap node format --")
    # Options of another command are not offered.
    offered = bash_complete(slap, script, "slap config --")
    assert "--json" in offered and "--freeze" not in offered
    assert "--freeze" in bash_complete(slap, script, "slap release --fr")


def test_bash_leaves_file_names_to_readline_after_a_leaf_command(slap):
    script = slap("completion", "bash").out
    assert bash_complete(slap, script, "slap build ") == []  # complete -o default: files


def test_zsh_script_lists_commands_with_summaries(slap):
    r = slap("completion", "zsh")
    assert r.code == 0, r
    assert r.out.startswith("#compdef slap\n")
    assert "'build:install the parts of a profile" in r.out
    zsh = shutil.which("zsh")
    if zsh:
        subprocess.run([zsh, "-n", "-c", r.out], check=True)


def test_unknown_shell_is_a_usage_error(slap):
    r = slap("completion", "fish")
    assert r.code == 2, r
    assert "unknown shell 'fish'" in r.err


def test_json_carries_the_script(slap):
    r = slap("--json", "completion", "bash")
    assert r.code == 0, r
    assert "complete -o default" in r.json["result"]["script"]
