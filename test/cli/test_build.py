"""slap build: incremental builds of examples/hello, verified downloads, failures, Ctrl-C."""
import os
import re
import shutil
import signal
import subprocess
import tarfile
import time

import pytest

from conftest import SLAP, copy_hello, share_parts


@pytest.fixture
def release(slap):
    """A copy of examples/hello and components/hello in the test directory."""
    return copy_hello(slap.cwd)


@pytest.fixture
def server(static_server):
    return static_server


def actions(run):
    return {p["name"]: p["action"] for p in run.json["result"]["parts"]}


def test_hello_builds_then_noop(slap, release):
    r = slap("build", cwd=release)
    assert r.code == 0, r
    assert subprocess.run([release / "bin" / "hello-world"], capture_output=True, text=True).stdout == "Hello from slap, world!\n"
    start = time.monotonic()
    r = slap("build", "--json", cwd=release)
    elapsed = time.monotonic() - start
    assert r.code == 0, r
    assert r.json["result"]["changed"] is False
    assert set(actions(r).values()) == {"update"}
    print(f"no-op rebuild: {elapsed * 1000:.0f} ms")
    assert elapsed < 1.0


def test_changed_option_rebuilds_part_and_dependents_only(slap, release):
    assert slap("build", cwd=release).code == 0
    r = slap("build", "--json", "hello:greeting=Hi", cwd=release)
    assert r.code == 0, r
    # instance-profile's template sees hello's location only, which did not change (hello is
    # not shared here: its directory does not depend on its options).
    assert actions(r) == {"hello": "reinstall", "directory": "update", "hello-wrapper": "reinstall",
                          "hello-config": "reinstall", "instance-profile": "update"}
    assert subprocess.run([release / "bin" / "hello-world"], capture_output=True, text=True).stdout == "Hi, world!\n"


def test_dry_run_changes_nothing(slap, release):
    r = slap("build", "--dry-run", cwd=release)
    assert r.code == 0, r
    assert "install    hello (slapos.recipe.cmmi)" in r.out
    assert not (release / ".installed.cfg").exists() and not (release / "bin").exists()


def test_removed_part_is_uninstalled(slap, release):
    assert slap("build", cwd=release).code == 0
    assert (release / "etc" / "hello.conf").exists()
    r = slap("build", "--json", "buildout:parts=hello hello-wrapper", cwd=release)
    assert r.code == 0, r
    assert actions(r)["hello-config"] == "uninstall"
    assert not (release / "etc" / "hello.conf").exists()
    assert "hello-config" not in (release / ".installed.cfg").read_text()


def profile(slap, text):
    (slap.cwd / "buildout.cfg").write_text("[buildout]\n" + text)


def test_wrong_md5_is_refused_and_nothing_cached(slap, server):
    root, url = server
    (root / "data.txt").write_text("payload\n")
    profile(slap, f"parts = d\n[d]\nrecipe = slapos.recipe.build:download\nurl = {url}/data.txt\nmd5sum = 00000000000000000000000000000000\n")
    r = slap("build")
    assert r.code == 1, r
    assert "expected md5 00000000000000000000000000000000" in r.err and "got " in r.err
    cache = slap.home / ".cache" / "slap" / "download"
    leftovers = [p for p in cache.rglob("*") if p.is_file() and not p.name.endswith(".lock")] if cache.exists() else []
    assert leftovers == []


def test_offline_missing_file_names_url(slap, server):
    root, url = server
    profile(slap, f"parts = d\n[d]\nrecipe = slapos.recipe.build:download\nurl = {url}/absent.tgz\n")
    r = slap("--offline", "build")
    assert r.code == 1, r
    assert f"{url}/absent.tgz" in r.err and "offline" in r.err


def test_unknown_recipe_fails_before_building(slap):
    profile(slap, "parts = a b\n[a]\nrecipe = plone.recipe.command\ncommand = touch built\n[b]\nrecipe = no.such.recipe\n")
    r = slap("build")
    assert r.code == 3, r
    assert "part 'b' uses recipe 'no.such.recipe', which slap does not implement" in r.err
    assert "buildout.cfg:7:1" in r.err
    assert not (slap.cwd / "built").exists() and not (slap.cwd / "parts").exists()


def test_archive_path_traversal_is_refused(slap, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        payload = tmp_path / "p"
        payload.write_text("x")
        tar.add(payload, arcname="../escaped.txt")
    profile(slap, f"parts = u\n[u]\nrecipe = slapos.recipe.build:download-unpacked\nurl = {evil}\n")
    r = slap("build")
    assert r.code != 0, r
    assert "../escaped.txt" in r.err
    assert not (slap.cwd / "parts" / "escaped.txt").exists() and not (slap.cwd / "escaped.txt").exists()


def test_failure_in_parallel_build_keeps_state_consistent(slap):
    profile(slap, "parts = slow bad after\n"
                  "[slow]\nrecipe = plone.recipe.command\ncommand = sleep 0.5 && touch slow.done\nstop-on-error = true\n"
                  "[bad]\nrecipe = plone.recipe.command\ncommand = echo compiling; echo 'error: it broke' >&2; exit 2\nstop-on-error = true\n"
                  "[after]\nrecipe = plone.recipe.command\ncommand = touch after.done\nstop-on-error = true\ndep = ${slow:recipe} ${bad:recipe}\n")
    r = slap("-j", "2", "build")
    assert r.code == 1, r
    assert "exited with status 2" in r.err and "error: it broke" in r.err and "part 'bad'" in r.err
    assert (slap.cwd / "slow.done").exists() and not (slap.cwd / "after.done").exists()
    state = (slap.cwd / ".installed.cfg").read_text()
    assert "[slow]" in state and "[bad]" not in state and "[after]" not in state
    r = slap("build", "bad:command=true")
    assert r.code == 0, r
    assert (slap.cwd / "after.done").exists()


def test_ctrl_c_stops_cleanly(slap):
    nap = f"sleep 30.{os.getpid()}"  # a command line no other test run on this machine has
    profile(slap, "parts = quick sleeper\n"
                  "[quick]\nrecipe = plone.recipe.command\ncommand = true\n"
                  f"[sleeper]\nrecipe = plone.recipe.command\ncommand = {nap}\nstop-on-error = true\n")
    env = dict(slap.env)
    proc = subprocess.Popen([SLAP, "build"], cwd=slap.cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while not (slap.cwd / ".installed.cfg").exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # [quick] is recorded once it is installed
    time.sleep(0.5)
    start = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 130, err
    assert time.monotonic() - start < 8
    assert "[quick]" in (slap.cwd / ".installed.cfg").read_text()
    assert subprocess.run(["pgrep", "-f", nap], capture_output=True).returncode == 1


def test_a_removed_shared_part_is_built_again(slap, release):
    shared = share_parts(slap) / "hello"
    assert slap("build", cwd=release).code == 0
    shutil.rmtree(shared)
    r = slap("build", "--json", cwd=release)
    assert r.code == 0, r
    assert actions(r)["hello"] == "reinstall"
    assert subprocess.run([release / "bin" / "hello-world"], capture_output=True, text=True).stdout == "Hello from slap, world!\n"


def run_on_a_terminal(slap, *args, columns=100):
    """Runs slap with stdout and stderr on a pseudo-terminal; returns (exit code, output)."""
    import fcntl, os, pty, struct, termios
    master, replica = pty.openpty()
    fcntl.ioctl(replica, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = dict(slap.env, TERM="xterm")
    proc = subprocess.Popen([SLAP, *args], cwd=slap.cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=replica, stderr=replica)
    os.close(replica)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return proc.wait(timeout=60), out.decode(errors="replace")


def test_parallel_parts_each_get_a_progress_line_on_a_terminal_only(slap):
    profile(slap, "parts = first second\n"
                  "[first]\nrecipe = plone.recipe.command\ncommand = sleep 1.2\n"
                  "[second]\nrecipe = plone.recipe.command\ncommand = sleep 1.2\n")
    code, out = run_on_a_terminal(slap, "-j", "2", "build")
    assert code == 0, out
    # Both parts are on screen at once, each on its own line with its elapsed time, under
    # the overall count; the block is redrawn in place and erased at the end.
    assert "[0/2] building" in out
    block = re.search(r"\[0/2\] building \d+s\r?\n(first|second) \ds\r?\n(first|second) \ds", out)
    assert block and block.group(1) != block.group(2), out
    assert "\x1b[J" in out and "\x1b[2A" in out
    # Off a terminal (a pipe): none of it.
    (slap.cwd / ".installed.cfg").unlink()
    r = slap("-j", "2", "build")
    assert r.code == 0, r
    assert "building" not in r.err and "\x1b" not in r.err
