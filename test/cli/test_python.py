"""slapos.recipe.build: inline Python (init/install/update) run through slap's Python
bridge, with real corpus sections run unchanged."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import SLAP, SOURCE_ROOT, share_parts

CORPUS = os.path.join(os.path.dirname(SOURCE_ROOT), "shared", "corpus", "slapos")


def corpus(rel):
    path = os.path.join(CORPUS, rel)
    if not os.path.exists(path):
        pytest.skip("needs the shared corpus at ../shared")
    return path


def write(path, text):
    path.write_text(textwrap.dedent(text).lstrip())


def parts(run):
    return {p["name"]: p["action"] for p in run.json["result"]["parts"]}


def test_init_sets_an_option_another_section_reads(slap):
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = user

        [computed]
        recipe = slapos.recipe.build
        base = 20
        init =
          options['value'] = str(int(options['base']) + 1) + '-' + self.name

        [user]
        recipe = slapos.recipe.build
        value = ${computed:value}
        install =
          with open(location, 'w') as f:
            f.write(options['value'])
        """)
    r = slap("build", "--json")
    assert r.code == 0, r
    assert list(parts(r)) == ["computed", "user"]
    assert (slap.cwd / "parts" / "user").read_text() == "21-computed"


def test_install_creates_files_then_update_runs_when_unchanged(slap):
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = tree

        [tree]
        recipe = slapos.recipe.build
        install =
          import os
          os.makedirs(os.path.join(location, 'bin'))
          with open(os.path.join(location, 'bin', 'hello'), 'w') as f:
            f.write('#!/bin/sh\\necho hello from ' + self.name + '\\n')
          os.chmod(os.path.join(location, 'bin', 'hello'), 0o755)
        update =
          import os
          with open(os.path.join('${buildout:directory}', 'updated'), 'a') as f:
            f.write('update of ' + self.name + '\\n')
        """)
    r = slap("build", "--json")
    assert r.code == 0, r
    hello = slap.cwd / "parts" / "tree" / "bin" / "hello"
    assert subprocess.run([hello], capture_output=True, text=True).stdout == "hello from tree\n"
    assert not (slap.cwd / "updated").exists()
    r = slap("build", "--json")
    assert r.code == 0, r
    assert parts(r) == {"tree": "update"}
    assert (slap.cwd / "updated").read_text() == "update of tree\n"
    installed = (slap.cwd / ".installed.cfg").read_text()
    assert "__buildout_installed__ = %s" % (slap.cwd / "parts" / "tree") in installed


def test_exception_names_file_line_section_and_option_and_installs_nothing(slap):
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = bad

        [bad]
        recipe = slapos.recipe.build
        install =
          import os
          os.makedirs(location)

        # a comment the parser skips
          raise ValueError('no way: ' + self.name)
        """)
    r = slap("build")
    assert r.code == 1, r
    cfg = slap.cwd / "buildout.cfg"
    assert f"slap: error: {cfg}:11:1: [bad] install: ValueError: no way: bad\n" in r.err
    assert 'File "[bad] install", line 4, in <module>' in r.err
    assert "while installing part 'bad'" in r.err
    assert not (slap.cwd / "parts" / "bad").exists()
    assert not (slap.cwd / ".installed.cfg").exists()


def test_init_runs_for_a_dry_run_and_its_errors_stop_the_plan(slap):
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = p

        [p]
        recipe = slapos.recipe.build
        init =
          with open('${buildout:directory}/init-ran', 'w') as f:
            f.write('yes')
          options['x'] = 1 / int(options.get('divisor', '1'))
        """)
    r = slap("build", "-n")
    assert r.code == 0, r
    assert (slap.cwd / "init-ran").read_text() == "yes"
    r = slap("build", "-n", "p:divisor=0")
    assert r.code == 1, r
    assert "[p] init: ZeroDivisionError: division by zero" in r.err
    assert f"{slap.cwd / 'buildout.cfg'}:9:1:" in r.err


def test_no_code_at_all_is_a_profile_error(slap):
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = p

        [p]
        recipe = slapos.recipe.build
        """)
    r = slap("build")
    assert r.code == 3, r
    assert (f"{slap.cwd / 'buildout.cfg'}:5:1: [p] at least one of the following option is required: "
            "init, install, update") in r.err


def test_buildout_parse_and_options_api(slap):
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = user

        [maker]
        recipe = slapos.recipe.build
        drop = me
        init =
          # The reference is built at run time: in the code's text it would be substituted first.
          self.buildout.parse('''
            [generated]
            greeting = hello $''' + '{maker:who}\\n')
          options['who'] = 'world'
          options.pop('drop')
          options.setdefault('kept', 'default')
          options['typed'] = {'ports': [8080, 8081]}
          assert 'drop' not in options and options.get('drop') is None
          assert options.copy()['kept'] == 'default'

        [user]
        recipe = slapos.recipe.build
        install =
          import json
          g = self.buildout['generated']
          with open(location, 'w') as f:
            json.dump([g['greeting'], self.buildout['maker']['typed'], '${maker:typed}'], f)
        """)
    r = slap("build")
    assert r.code == 0, r
    greeting, typed, text = json.loads((slap.cwd / "parts" / "user").read_text())
    assert greeting == "hello world"
    assert typed == {"ports": [8080, 8081]}
    assert json.loads(text) == {"ports": [8080, 8081]}


def test_shared_part_goes_to_the_shared_directory_once(slap):
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = s

        [s]
        recipe = slapos.recipe.build
        shared = true
        install =
          import os
          os.makedirs(location)
          with open(os.path.join(location, 'count'), 'a') as f:
            f.write('x')
        """)
    shared = share_parts(slap) / "s"
    r = slap("build", "--json")
    assert r.code == 0, r
    (digest,) = os.listdir(shared)
    assert (shared / digest / "count").read_text() == "x"
    assert not (slap.cwd / "parts" / "s").exists()
    (slap.cwd / ".installed.cfg").unlink()
    r = slap("build", "--json")
    assert r.code == 0, r
    assert (shared / digest / "count").read_text() == "x"


def test_a_helper_that_dies_fails_the_part(slap):
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = p

        [p]
        recipe = slapos.recipe.build
        install =
          import os, signal
          os.kill(os.getpid(), signal.SIGKILL)
        """)
    r = slap("build", timeout=60)
    assert r.code == 1, r
    assert "killed by signal 9 while running [p] install" in r.err
    assert not (slap.cwd / ".installed.cfg").exists()


def test_ctrl_c_stops_the_helper_and_what_it_runs(slap):
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = p

        [p]
        recipe = slapos.recipe.build
        install =
          import os, subprocess
          child = subprocess.Popen(['sleep', '60'])
          with open('${buildout:directory}/pids', 'w') as f:
            f.write('%d %d' % (os.getpid(), child.pid))
          child.wait()
        """)
    env = dict(slap.env)
    proc = subprocess.Popen([os.path.abspath(SLAP), "build"], cwd=slap.cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pids = slap.cwd / "pids"
    deadline = time.monotonic() + 30
    while not (pids.exists() and pids.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pids.exists(), proc.communicate()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    for pid in map(int, pids.read_text().split()):
        deadline = time.monotonic() + 5
        while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
            time.sleep(0.05)
        if os.path.exists(f"/proc/{pid}"):
            state = open(f"/proc/{pid}/stat").read().split()[2]
            assert state == "Z", f"process {pid} survived Ctrl-C"


# Real corpus sections, run unchanged.

def test_corpus_randomsleep_compiles_its_c_source(slap):
    if not shutil.which("gcc"):
        pytest.skip("needs gcc")
    write(slap.cwd / "buildout.cfg", f"""
        [buildout]
        extends = {corpus("component/randomsleep/buildout.cfg")}
        parts = randomsleep
        """)
    r = slap("build")
    assert r.code == 0, r
    exe = slap.cwd / "bin" / "randomsleep"
    assert subprocess.run([exe, "0"]).returncode == 0
    usage = subprocess.run([exe], capture_output=True, text=True)
    assert usage.returncode == 1 and usage.stdout == f"usage: {exe} MAXSECONDS\n"


def test_corpus_gcc_init_finds_the_system_compiler(slap):
    gcc = shutil.which("gcc", path=slap.env["PATH"])
    if not gcc:
        pytest.skip("needs gcc")
    # [gcc] of component/defaults.cfg as it is; its dependencies (components built with
    # cmmi) are left out, and min-version is given plainly: its `+=` in defaults.cfg has
    # no base in this profile.
    write(slap.cwd / "buildout.cfg", f"""
        [buildout]
        extends = {corpus("component/defaults.cfg")}
        parts = show

        [gcc]
        depends =
        min-version = 5.4

        [show]
        recipe = slapos.recipe.build
        install =
          with open(location, 'w') as f:
            f.write('${{gcc:prefix}} ' + str('available' in self.buildout['gcc']))
        """)
    r = slap("build")
    assert r.code == 0, r
    prefix = os.path.dirname(os.path.dirname(gcc))
    assert (slap.cwd / "parts" / "show").read_text() == f"{prefix} False"
    version = subprocess.run(["gcc", "-dumpfullversion"], capture_output=True, text=True).stdout.strip()
    assert f"Using system GCC ({version})" in (slap.cwd / ".slap" / "log" / "gcc.log").read_text()


def test_corpus_pythonpath_macro_finds_eggs_in_eggs_directory(slap):
    probe = subprocess.run(["python3", "-c", "import pkg_resources, sys; print('%d.%d' % sys.version_info[:2])"],
                           capture_output=True, text=True, env=slap.env)
    if probe.returncode:
        pytest.skip("needs pkg_resources in python3")
    pyver = probe.stdout.strip()
    egg = slap.cwd / "eggs" / f"fakeegg-1.0-py{pyver}.egg"
    (egg / "EGG-INFO").mkdir(parents=True)
    (egg / "EGG-INFO" / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: fakeegg\nVersion: 1.0\n")
    write(slap.cwd / "buildout.cfg", f"""
        [buildout]
        extends = {corpus("component/macros/macro.pythonpath.eggs.cfg")}
        parts = numpy-pythonpath

        [numpy-env]
        PYTHONPATH = /already/there

        [numpy-pythonpath]
        <= macro.pythonpath.eggs
        environment = numpy-env
        eggs =
          fakeegg
        """)
    r = slap("build")
    assert r.code == 0, r
    log = (slap.cwd / ".slap" / "log" / "numpy-pythonpath.log").read_text()
    assert f"PYTHONPATH={egg}:/already/there\n" in log


def test_instance_profile_code_reads_typed_instance_parameters(slap):
    software = slap.cwd / "software"
    software.mkdir()
    write(software / "instance.cfg", """
        [buildout]
        parts = ports

        [slap-configuration]
        recipe = slapos.cookbook:slapconfiguration
        computer = ${slap-connection:computer-id}
        partition = ${slap-connection:partition-id}
        url = ${slap-connection:server-url}
        key = ${slap-connection:key-file}
        cert = ${slap-connection:cert-file}

        [ports]
        recipe = slapos.recipe.build
        init =
          parameters = self.buildout['slap-configuration']['configuration']
          options['first'] = parameters['ports'][0] + 1
        install =
          import json
          with open(location, 'w') as f:
            json.dump([options['first'], self.buildout['slap-connection']['partition-id']], f)
        """)
    partition = slap.cwd / "partition"
    r = slap("instantiate", "-s", software, "--param", "ports:=[8080, 9090]", partition)
    assert r.code == 0, r
    assert json.loads((partition / "parts" / "ports").read_text()) == [8081, "partition"]


def test_upstream_constructor_rules_are_user_errors_without_traceback(slap):
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = s

        [s]
        recipe = slapos.recipe.build
        shared = true
        update =
          pass
        """)
    r = slap("build")
    assert r.code == 1, r
    assert f"{slap.cwd / 'buildout.cfg'}:5:1: [s] init: When shared=true, option 'update' can't be set\n" in r.err
    assert "Traceback" not in r.err
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = p

        [p]
        recipe = slapos.recipe.build
        slapos_promise =
          file:missing
        install =
          import os
          os.makedirs(os.path.join(location, 'bin'))
        """)
    r = slap("build")
    assert r.code == 1, r
    assert "[p] install: Promise not met, found issues:\n  File promise not met for 'missing'" in r.err
    assert not (slap.cwd / "parts" / "p").exists()


def test_code_that_initialises_a_section_with_python_code_nests(slap):
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = outer

        [inner]
        recipe = slapos.recipe.build
        init =
          print('inner init')
          options['made'] = 'by inner'

        [outer]
        recipe = slapos.recipe.build
        init =
          options['got'] = self.buildout['inner']['made']
        install =
          with open(location, 'w') as f:
            f.write(options['got'])
        """)
    r = slap("build", "--json")
    assert r.code == 0, r
    # [inner] initialised from [outer]'s code: it becomes a part installed first.
    assert list(parts(r)) == ["inner", "outer"]
    assert (slap.cwd / "parts" / "outer").read_text() == "by inner"
