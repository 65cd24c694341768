"""zc.recipe.testrunner: the plan, and the test script written for local eggs, compared
with the scripts upstream's README shows (zc.recipe.testrunner 2.x on zc.buildout 2+),
then run: a stand-in zope.testrunner prints what it was given."""
import os
import subprocess
import textwrap

import pytest

from test_eggs import egg_python, make_sdist

# A zope.testrunner whose run() reports its arguments, the working directory and a
# variable the `environment` section exports.
RUNNER = ("import os, sys\n"
          "def run(args):\n"
          "    print(os.getcwd())\n"
          "    print(args)\n"
          "    print(os.environ.get('GREETING'))\n"
          "    return 3\n")


@pytest.fixture
def python():
    exe = egg_python()
    if not exe:
        pytest.skip("needs a python3 with pip, setuptools and wheel (Debian: python3-pip python3-setuptools "
                    "python3-wheel)")
    return exe


@pytest.fixture
def links(tmp_path):
    d = tmp_path / "links"
    d.mkdir()
    make_sdist(d, "zope.testrunner", "9.0", {"zope/__init__.py": "", "zope/testrunner/__init__.py": RUNNER},
               "packages=['zope', 'zope.testrunner']")
    make_sdist(d, "needed", "1.0", {"needed.py": ""}, "py_modules=['needed']")
    make_sdist(d, "demo", "1.0", {"demo/__init__.py": "", "demo/tests.py": ""},
               "packages=['demo'], install_requires=['needed']")
    return d


def write_profile(slap, links, python, part):
    (slap.cwd / "buildout.cfg").write_text(textwrap.dedent(f"""\
        [buildout]
        parts = test
        find-links = {links}
        index = {links}/no-index
        allow-picked-versions = false
        executable = {python}

        [versions]
        zope.testrunner = 9.0
        demo = 1.0
        needed = 1.0

        [testenv]
        GREETING = it's me

        [test]
        recipe = zc.recipe.testrunner
        eggs = demo
        """) + textwrap.dedent(part))


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)


def test_plan_sets_script_and_location(slap):
    (slap.cwd / "buildout.cfg").write_text(textwrap.dedent("""\
        [buildout]
        parts = dream-testrunner report

        [dream-testrunner]
        recipe = zc.recipe.testrunner
        eggs = dream
        script = dream_testrunner
        initialization =
          import os

        [elsewhere]
        recipe = zc.recipe.testrunner
        eggs = dream
        working-directory = /srv/tests

        [report]
        recipe = slapos.recipe.build
        init =
          with open('${buildout:directory}/report', 'w') as f:
            f.write('${dream-testrunner:script} ${dream-testrunner:location} '
                    '${elsewhere:script} ' + str(self.buildout['elsewhere'].get('location')) +
                    ' ' + str('${dream-testrunner:executable}' == '${buildout:executable}'))
        """))
    r = slap("build", "-n", "-o")
    assert r.code == 0, r
    assert "install    dream-testrunner (zc.recipe.testrunner)\n" in r.out
    assert (slap.cwd / "report").read_text() == (
        f"{slap.cwd}/bin/dream_testrunner {slap.cwd}/parts/dream-testrunner {slap.cwd}/bin/elsewhere None True")


def test_script_has_upstreams_shape_and_runs_the_tests_of_the_eggs(slap, python, links):
    write_profile(slap, links, python, r"""
        script = test
        defaults = ['--tests-pattern', '^f?tests$',
                    '-v'
                   ]
        environment = testenv
        initialization = sys.stdout.write('Hello all you egg-laying pythons!\n')
        """)
    r = slap("build")
    assert r.code == 0, r
    version = run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]).stdout.strip()
    eggs = slap.cwd / "eggs"
    demo = f"{eggs}/demo-1.0-py{version}.egg"
    # Breadth-first, as buildout resolves: the eggs and zope.testrunner, then what they need,
    # which is on the path but gets no --test-path.
    assert (slap.cwd / "bin" / "test").read_text() == textwrap.dedent(f"""\
        #!{python}

        import sys
        sys.path[0:0] = [
          '{demo}',
          '{eggs}/zope.testrunner-9.0-py{version}.egg',
          '{eggs}/needed-1.0-py{version}.egg',
          ]

        import os
        sys.argv[0] = os.path.abspath(sys.argv[0])
        os.chdir('{slap.cwd}/parts/test')
        os.environ['GREETING'] = "it's me"
        sys.stdout.write('Hello all you egg-laying pythons!\\n')

        import zope.testrunner

        if __name__ == '__main__':
            sys.exit(zope.testrunner.run((['--tests-pattern', '^f?tests$',
        '-v'
        ]) + [
                '--test-path', '{demo}',
                ]))
        """)
    assert (slap.cwd / "parts" / "test").is_dir()
    ran = run([slap.cwd / "bin" / "test"], cwd="/")
    assert ran.returncode == 3
    assert ran.stdout == (f"Hello all you egg-laying pythons!\n{slap.cwd}/parts/test\n"
                          f"['--tests-pattern', '^f?tests$', '-v', '--test-path', '{demo}']\nit's me\n")


def test_working_directory_and_relative_paths(slap, python, links):
    write_profile(slap, links, python, """
        working-directory = work
        relative-paths = true
        extra-paths = lib
        """)
    r = slap("build")
    assert r.code == 0, r
    version = run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]).stdout.strip()
    assert (slap.cwd / "bin" / "test").read_text() == textwrap.dedent(f"""\
        #!{python}

        import os

        join = os.path.join
        base = os.path.dirname(os.path.abspath(os.path.realpath(__file__)))
        base = os.path.dirname(base)

        import sys
        sys.path[0:0] = [
          join(base, 'eggs/demo-1.0-py{version}.egg'),
          join(base, 'eggs/zope.testrunner-9.0-py{version}.egg'),
          join(base, 'eggs/needed-1.0-py{version}.egg'),
          join(base, 'lib'),
          ]

        import os
        sys.argv[0] = os.path.abspath(sys.argv[0])
        os.chdir(join(base, 'work'))


        import zope.testrunner

        if __name__ == '__main__':
            sys.exit(zope.testrunner.run([
                '--test-path', join(base, 'eggs/demo-1.0-py{version}.egg'),
                ]))
        """)
    # No part directory when the tests run elsewhere.
    assert not (slap.cwd / "parts" / "test").exists()
    (slap.cwd / "work").mkdir()
    moved = slap.cwd.parent / "moved"
    os.rename(slap.cwd, moved)
    ran = run([moved / "bin" / "test"])
    assert ran.stdout.splitlines()[0] == str(moved / "work")
