"""kill -9 of `slap build` at random moments: every following run completes and leaves the
same installed tree as an uninterrupted build."""
import os
import random
import shutil
import signal
import subprocess
import time

from conftest import SLAP, copy_hello, share_parts

KILLS = 24

# examples/hello (a shared cmmi part, a wrapper, templates) plus slow command parts and
# templates that depend on them; `vars:value` alternates so that every round rebuilds, and
# every third round also rebuilds the shared part (configure, make) from scratch.
EXTRA = """
[buildout]
extends = software.cfg
parts += {parts}

[vars]
value = A
{sections}
"""
SECTION = """
[slow-{n}]
recipe = plone.recipe.command
command = sleep 0.02 && mkdir -p out && echo "${{vars:value}} {n}" > out/slow-{n}.txt
location = ${{buildout:directory}}/out/slow-{n}.txt
stop-on-error = true

[page-{n}]
recipe = slapos.recipe.template
output = ${{buildout:directory}}/out/page-{n}.txt
inline = ${{vars:value}} page {n} after ${{slow-{n}:location}}
"""


def snapshot(root):
    """Every file and directory under root (but slap's logs), with file contents."""
    tree = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel == ".slap" or rel.startswith(".slap" + os.sep):
            continue
        tree[rel + "/"] = None
        for f in filenames:
            p = os.path.join(dirpath, f)
            tree[os.path.join(rel, f)] = os.readlink(p) if os.path.islink(p) else open(p, "rb").read()
    return tree


def test_kill_9_at_random_moments_then_rebuild_gives_the_same_tree(slap):
    shared_dir = share_parts(slap)
    release = copy_hello(slap.cwd)
    n = range(1, 7)
    (release / "kill.cfg").write_text(EXTRA.format(
        parts=" ".join(f"slow-{i} page-{i}" for i in n), sections="".join(SECTION.format(n=i) for i in n)))

    def build(value, check=True):
        r = slap("-j", "2", "build", "-c", "kill.cfg", f"vars:value={value}", cwd=release)
        if check:
            assert r.code == 0, r
        return r

    start = time.monotonic()
    build("A")  # with the shared part
    full = time.monotonic() - start
    expected = {"A": snapshot(release)}
    build("B")
    expected["B"] = snapshot(release)
    assert expected["A"] != expected["B"]

    seed = random.randrange(1 << 30)
    rnd = random.Random(seed)
    print(f"seed {seed}, full build {full:.2f} s")
    shared = shared_dir / "hello"
    assert shared.is_dir()
    interrupted = 0
    for i in range(KILLS):
        value = "AB"[i % 2]
        if i % 3 == 0:  # the shared cmmi part is built again, and killed while building
            shutil.rmtree(shared)
        proc = subprocess.Popen([os.path.abspath(SLAP), "-j", "2", "build", "-c", "kill.cfg", f"vars:value={value}"],
                                cwd=release, env=slap.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0, full))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            interrupted += 1
        proc.wait(timeout=60)
        build(value)
        got = snapshot(release)
        differ = sorted(k for k in set(got) | set(expected[value]) if got.get(k) != expected[value].get(k))
        assert not differ, f"round {i} (seed {seed}): {differ}"
    assert interrupted >= KILLS // 2, f"only {interrupted} builds were still running when killed"
    hello = subprocess.run([release / "bin" / "hello-world"], capture_output=True, text=True)
    assert hello.stdout == "Hello from slap, world!\n", "the shared part is complete"


def test_kill_9_of_slap_takes_the_commands_it_started_along(slap):
    """What a part's command started must not go on writing after slap is gone."""
    (slap.cwd / "buildout.cfg").write_text(
        "[buildout]\nparts = busy\n\n[busy]\nrecipe = plone.recipe.command\n"
        "command = (sleep 0.6 && touch late.txt) & sleep 31.5\nstop-on-error = true\n")
    proc = subprocess.Popen([os.path.abspath(SLAP), "build"], cwd=slap.cwd, env=slap.env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while subprocess.run(["pgrep", "-f", "sleep 31.5"], capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, "the command did not start"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=20)
    time.sleep(1.0)
    assert not (slap.cwd / "late.txt").exists()
    assert subprocess.run(["pgrep", "-f", "sleep 31.5"], capture_output=True).returncode == 1
