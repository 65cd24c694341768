"""The zc.recipe.egg family: eggs installed by pip from find-links and PEP 503 indexes,
scripts as zc.buildout writes them, :custom C extensions built against another part,
:develop eggs, pins and allow-picked-versions, and real PyPI sdists from Debian's archive."""
import functools
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import textwrap
import zipfile

import pytest

from conftest import SOURCE_ROOT

CORPUS = os.path.join(SOURCE_ROOT, "..", "shared", "corpus", "slapos")
SDISTS_TOOL = os.path.join(SOURCE_ROOT, "test", "tools", "python-sdists")


@functools.lru_cache(maxsize=None)
def egg_python():
    """An interpreter able to build eggs (pip, setuptools and wheel importable)."""
    for candidate in ("python3", "/usr/bin/python3"):
        try:
            ok = subprocess.run([candidate, "-c", "import setuptools, wheel, pip"], capture_output=True).returncode == 0
        except OSError:
            continue
        if ok:
            return subprocess.run([candidate, "-c", "import sys; print(sys.executable)"], capture_output=True,
                                  text=True).stdout.strip()
    return None


@pytest.fixture
def python():
    exe = egg_python()
    if not exe:
        pytest.skip("needs a python3 with pip, setuptools and wheel (Debian: python3-pip python3-setuptools "
                    "python3-wheel)")
    return exe


def make_sdist(directory, name, version, files, setup_args=""):
    """NAME-VERSION.tar.gz with PKG-INFO, setup.py and `files` under NAME-VERSION/."""
    top = f"{name}-{version}"
    files = dict(files)
    files["PKG-INFO"] = f"Metadata-Version: 1.1\nName: {name}\nVersion: {version}\n"
    files["setup.py"] = (f"from setuptools import setup\nsetup(name={name!r}, version={version!r}, "
                         f"{textwrap.dedent(setup_args).strip()})\n")
    path = os.path.join(directory, top + ".tar.gz")
    with tarfile.open(path, "w:gz") as tar:
        for rel, text in sorted(files.items()):
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{rel}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def make_wheel(directory, name, version, files, entry_points=""):
    """A pure py3 wheel (zip with NAME-VERSION.dist-info)."""
    dist_info = f"{name}-{version}.dist-info"
    files = dict(files)
    files[f"{dist_info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    files[f"{dist_info}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    if entry_points:
        files[f"{dist_info}/entry_points.txt"] = entry_points
    record = "".join(f"{rel},," + "\n" for rel in files) + f"{dist_info}/RECORD,,\n"
    files[f"{dist_info}/RECORD"] = record
    path = os.path.join(directory, f"{name}-{version}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w") as z:
        for rel, text in sorted(files.items()):
            z.writestr(rel, text)
    return path


def write_profile(slap, text):
    (slap.cwd / "buildout.cfg").write_text(textwrap.dedent(text))


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)


@pytest.fixture
def links(tmp_path):
    d = tmp_path / "links"
    d.mkdir()
    return d


def tool_sdists(links):
    """`greeter` (a console script) requiring `colors`."""
    make_sdist(links, "colors", "2.0", {"colors.py": "def red(s):\n    return '<red>' + s + '</red>'\n"},
               "py_modules=['colors']")
    make_sdist(links, "colors", "3.0b1", {"colors.py": "def red(s):\n    return 'beta'\n"}, "py_modules=['colors']")
    make_sdist(links, "greeter", "1.0",
               {"greeter.py": "import sys, colors\ndef main():\n    print(colors.red('hello ' + ' '.join(sys.argv[1:])))\n"},
               "py_modules=['greeter'], install_requires=['colors>=1'], "
               "entry_points={'console_scripts': ['greet = greeter:main']}")


def test_console_script_with_dependency_from_find_links(slap, python, links):
    tool_sdists(links)
    write_profile(slap, f"""
        [buildout]
        parts = tool
        find-links = {links}
        index = {links}/no-index
        allow-picked-versions = false
        executable = {python}

        [versions]
        greeter = 1.0
        colors = 2.0

        [tool]
        recipe = zc.recipe.egg
        eggs = greeter
        interpreter = py
        """)
    r = slap("build")
    assert r.code == 0, r
    eggs = sorted(os.listdir(slap.cwd / "eggs"))
    version = run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]).stdout.strip()
    assert eggs == [f"colors-2.0-py{version}.egg", f"greeter-1.0-py{version}.egg"]
    assert run([slap.cwd / "bin" / "greet", "world"]).stdout == "<red>hello world</red>\n"
    script = (slap.cwd / "bin" / "greet").read_text()
    assert script.startswith(f"#!{python}\n\nimport sys\nsys.path[0:0] = [\n"
                             f"  '{slap.cwd}/eggs/greeter-1.0-py{version}.egg',\n"
                             f"  '{slap.cwd}/eggs/colors-2.0-py{version}.egg',\n  ]\n")
    assert run([slap.cwd / "bin" / "py", "-c", "import colors; print(colors.red('x'))"]).stdout == "<red>x</red>\n"
    # Unchanged: nothing is done again.
    before = (slap.cwd / "bin" / "greet").stat().st_mtime_ns
    r = slap("build")
    assert r.code == 0, r
    assert "nothing to do" in r.err
    assert (slap.cwd / "bin" / "greet").stat().st_mtime_ns == before


def test_unpinned_egg_with_allow_picked_versions_false_is_an_input_error(slap, python, links):
    tool_sdists(links)
    write_profile(slap, f"""
        [buildout]
        parts = tool
        find-links = {links}
        index = {links}/no-index
        allow-picked-versions = false
        executable = {python}

        [versions]
        greeter = 1.0

        [tool]
        recipe = zc.recipe.egg
        eggs = greeter
        """)
    r = slap("build")
    assert r.code == 3, r
    assert "Picked: colors = 2.0" in r.err
    assert "The `colors` egg does not have a version pin and `allow-picked-versions = false`." in r.err
    assert "while installing part 'tool'" in r.err
    # Allowed, the final release is picked over the newer beta.
    r = slap("build", "buildout:allow-picked-versions=true")
    assert r.code == 0, r
    assert run([slap.cwd / "bin" / "greet"]).stdout == "<red>hello </red>\n"


def test_scripts_options_and_unused_option_warning(slap, python, links):
    tool_sdists(links)
    write_profile(slap, f"""
        [buildout]
        parts = tool
        find-links = {links}
        index = {links}/no-index
        executable = /nonexistent/python3

        [versions]
        greeter = 1.0
        colors = 2.0

        [tool]
        recipe = zc.recipe.egg:scripts
        python = {python}
        eggs = greeter
        scripts = greet=hello missing
        entry-points = shout=greeter:main
        initialization = sys.argv.append('from init')
        arguments =
        extra-paths = extra
        relative-paths = true
        typo-option = 1
        """)
    r = slap("build")
    assert r.code == 0, r
    assert "Section `tool` contains unused option(s): 'typo-option'." in r.err
    assert "Could not generate script 'missing' as it is not defined in the egg entry points." in r.err
    assert sorted(os.listdir(slap.cwd / "bin")) == ["hello"]  # `shout` is filtered out by `scripts`
    text = (slap.cwd / "bin" / "hello").read_text()
    assert text.startswith(f"#!{python}\n")  # the part's `python`, a path here
    assert "join(base, 'extra')," in text and "base = os.path.dirname(base)\n" in text
    assert run([slap.cwd / "bin" / "hello"]).stdout == "<red>hello from init</red>\n"


def test_custom_egg_builds_c_extension_against_another_part(slap, python, links):
    make_sdist(links, "greetext", "1.0", {
        "greetext.c": textwrap.dedent("""\
            #include <Python.h>
            #include <greet.h>
            #ifndef GREETEXT_LOUD
            #error define not passed
            #endif
            static PyObject *hello(PyObject *self, PyObject *args) {
            #ifdef FROM_ENVIRONMENT
              return PyUnicode_FromString(greeting());
            #else
              return PyUnicode_FromString("no environment");
            #endif
            }
            static PyMethodDef methods[] = {{"hello", hello, METH_NOARGS, ""}, {0}};
            static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "greetext", 0, -1, methods};
            PyMODINIT_FUNC PyInit_greetext(void) { return PyModule_Create(&module); }
            """)},
        "ext_modules=[__import__('setuptools').Extension('greetext', ['greetext.c'], libraries=['greet'])]")
    src = slap.cwd / "libgreet"
    src.mkdir()
    (src / "greet.h").write_text("const char *greeting(void);\n")
    (src / "greet.c").write_text('const char *greeting(void) { return "hello from libgreet"; }\n')
    write_profile(slap, f"""
        [buildout]
        parts = app
        find-links = {links}
        index = {links}/no-index
        allow-picked-versions = false
        executable = {python}

        [versions]
        greetext = 1.0

        [libgreet]
        recipe = plone.recipe.command
        location = ${{buildout:parts-directory}}/${{:_buildout_section_name_}}
        command =
          mkdir -p ${{:location}}/lib ${{:location}}/include &&
          cp ${{buildout:directory}}/libgreet/greet.h ${{:location}}/include/ &&
          cc -shared -fPIC -o ${{:location}}/lib/libgreet.so ${{buildout:directory}}/libgreet/greet.c
        stop-on-error = true

        [greetext-env]
        CFLAGS = -DFROM_ENVIRONMENT %(CFLAGS)s

        [greetext]
        recipe = zc.recipe.egg:custom
        egg = greetext
        include-dirs = ${{libgreet:location}}/include
        library-dirs = ${{libgreet:location}}/lib
        rpath = ${{libgreet:location}}/lib
        define = GREETEXT_LOUD
        environment = greetext-env

        [app]
        recipe = zc.recipe.egg
        eggs = ${{greetext:egg}}
        interpreter = py
        """)
    r = slap("build", env={"CFLAGS": "-O1"})
    assert r.code == 0, r
    built = [e for e in os.listdir(slap.cwd / "develop-eggs") if e.startswith("greetext-1.0-")]
    assert len(built) == 1 and built[0].endswith(".egg") and "-linux-" in built[0], built
    out = run([slap.cwd / "bin" / "py", "-c", "import greetext; print(greetext.hello())"])
    assert out.stdout == "hello from libgreet\n", out
    # The part's options name the directories as upstream sets them.
    installed = (slap.cwd / ".installed.cfg").read_text()
    assert f"include-dirs = {slap.cwd}/parts/libgreet/include" in installed
    assert "_environment-data = [('CFLAGS', '-DFROM_ENVIRONMENT %(CFLAGS)s')]" in installed


def test_develop_egg_and_dry_run_plan_offline(slap, python, links):
    src = slap.cwd / "src" / "devtool"
    src.mkdir(parents=True)
    (src / "devtool.py").write_text("def main():\n    print('develop egg')\n")
    (src / "setup.py").write_text("from setuptools import setup\nsetup(name='devtool', version='0.1.dev0', "
                                  "py_modules=['devtool'], entry_points={'console_scripts': ['devtool = devtool:main']})\n")
    write_profile(slap, f"""
        [buildout]
        parts = devtool-develop tool report
        find-links = {links}
        index = {links}/no-index
        allow-picked-versions = false
        executable = /nonexistent/python3
        python = mypython

        [mypython]
        executable = {python}

        [devtool-develop]
        recipe = zc.recipe.egg:develop
        setup = src/devtool

        [tool]
        recipe = zc.recipe.egg
        eggs = devtool
        depends = ${{devtool-develop:setup}}

        [report]
        recipe = plone.recipe.command
        command = echo ${{tool:bin-directory}} ${{tool:eggs-directory}} ${{tool:_d}} ${{tool:executable}} > ${{buildout:directory}}/report
        stop-on-error = true
        """)
    r = slap("build", "-n", "-o")
    assert r.code == 0, r
    assert "devtool-develop (zc.recipe.egg:develop)" in r.out
    r = slap("build")
    assert r.code == 0, r
    assert (slap.cwd / "develop-eggs" / "devtool.egg-link").exists()
    assert run([slap.cwd / "bin" / "devtool"]).stdout == "develop egg\n"
    assert (slap.cwd / "report").read_text() == \
        f"{slap.cwd}/bin {slap.cwd}/eggs {slap.cwd}/develop-eggs {python}\n"


@pytest.fixture
def index_server(static_server):
    """A PEP 503 index on 127.0.0.1 serving tmp_path/www."""
    return static_server


def test_pep503_index_wheel_pin_and_checksum(slap, python, index_server):
    root, url = index_server
    files = root / "files"
    files.mkdir()
    wheel = make_wheel(files, "wheelie", "1.5", {"wheelie.py": "def main():\n    print('from a wheel')\n"},
                       "[console_scripts]\nwheelie = wheelie:main\n")
    digest = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
    page = root / "simple" / "wheelie"
    page.mkdir(parents=True)
    (page / "index.html").write_text(
        f'<html><body><a href="../../files/wheelie-1.5-py3-none-any.whl#sha256={digest}">'
        f"wheelie-1.5-py3-none-any.whl</a></body></html>")
    write_profile(slap, f"""
        [buildout]
        parts = tool
        index = {url}/simple/
        allow-picked-versions = false
        executable = {python}

        [versions]
        wheelie = 1.5:whl

        [tool]
        recipe = zc.recipe.egg
        eggs = wheelie
        """)
    r = slap("build")
    assert r.code == 0, r
    assert run([slap.cwd / "bin" / "wheelie"]).stdout == "from a wheel\n"
    # A file that does not match its link's digest is refused.
    (page / "index.html").write_text(
        f'<a href="../../files/wheelie-1.5-py3-none-any.whl#sha256={"0" * 64}">w</a>')
    for d in ("eggs", "bin"):
        subprocess.run(["rm", "-rf", str(slap.cwd / d)])
    r = slap("build", "buildout:newest=false", "tool:interpreter=py")
    assert r.code == 1, r
    assert "checksum" in r.err.lower()


@pytest.fixture(scope="module")
def debian_sdists():
    """Real PyPI sdists of corpus-pinned versions from Debian's source archive, fetched
    once into a cache outside the clone."""
    if not os.path.isdir(CORPUS):
        pytest.skip(f"no corpus at {CORPUS}")
    cache = os.environ.get("SLAP_TEST_CACHE") or os.path.expanduser("~/.cache/slap-tests")
    dest = os.path.join(cache, "python-sdists")
    p = subprocess.run([sys.executable, SDISTS_TOOL, "fetch", "--corpus", CORPUS, "--dest", dest, "webencodings", "ply"],
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        pytest.skip(f"Debian's source archive is not reachable (python-sdists: {p.stderr.strip()[-300:]})")
    got = {line.split("\t")[0]: line.split("\t") for line in p.stdout.splitlines()}
    return dest, got


def corpus_pin(name):
    with open(os.path.join(CORPUS, "stack", "slapos.cfg")) as f:
        for line in f:
            if line.split("=")[0].strip() == name:
                return line.split("=", 1)[1].strip()
    return None


def test_corpus_pinned_eggs_from_debian_sdists(slap, python, debian_sdists):
    dest, got = debian_sdists
    if "webencodings" not in got or "ply" not in got:
        pytest.skip(f"Debian's archive did not give webencodings and ply: {sorted(got)}")
    pins = {name: corpus_pin(name) for name in ("webencodings", "ply")}
    assert pins["webencodings"] == got["webencodings"][1] and pins["ply"] == got["ply"][1]
    write_profile(slap, f"""
        [buildout]
        parts = tool
        find-links = {dest}
        index = {dest}/no-index
        allow-picked-versions = false
        executable = {python}

        [versions]
        webencodings = {pins["webencodings"]}
        ply = {pins["ply"]}

        [tool]
        recipe = zc.recipe.egg
        eggs =
          webencodings
          ply
        entry-points = webencodings-selftest=webencodings.tests:test_labels
        interpreter = py
        """)
    r = slap("build", "-o")
    assert r.code == 0, r
    selftest = run([slap.cwd / "bin" / "webencodings-selftest"])
    assert selftest.returncode == 0, selftest
    out = run([slap.cwd / "bin" / "py", "-c", "import ply, webencodings; print(ply.__version__, "
                                             "webencodings.lookup('latin1').name)"])
    assert out.stdout == f"{pins['ply']} windows-1252\n", out


def test_bad_requirement_is_reported_at_initialisation_with_its_place(slap):
    write_profile(slap, """
        [buildout]
        parts = tool

        [tool]
        recipe = zc.recipe.egg
        eggs =
          fine
          broken[
        """)
    r = slap("build", "-n", "-o")
    assert r.code == 3, r
    assert "buildout.cfg:7:1: [tool] eggs: invalid requirement 'broken[': unclosed '['" in r.err


def test_patched_egg_from_sdist_gets_the_slapos_version_suffix(slap, python, links):
    make_sdist(links, "patchme", "1.0", {"patchme.py": "def word():\n    return 'original'\n"}, "py_modules=['patchme']")
    patch = slap.cwd / "fix.patch"
    patch.write_text("--- a/patchme.py\n+++ b/patchme.py\n@@ -1,2 +1,2 @@\n def word():\n-    return 'original'\n"
                     "+    return 'patched'\n")
    md5 = hashlib.md5(patch.read_bytes()).hexdigest()
    write_profile(slap, f"""
        [buildout]
        parts = eggs
        find-links = {links}
        index = {links}/no-index
        allow-picked-versions = false
        executable = {python}

        [versions]
        patchme = 1.0+SlapOSPatched001

        [eggs]
        recipe = zc.recipe.egg
        eggs = patchme
        interpreter = py
        patchme-patches = ${{:_profile_base_location_}}/fix.patch#{md5}
        patchme-patch-options = -p1
        """)
    r = slap("build")
    assert r.code == 0, r
    version = run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]).stdout.strip()
    assert os.listdir(slap.cwd / "eggs") == [f"patchme-1.0+slapospatched001-py{version}.egg"]
    assert run([slap.cwd / "bin" / "py", "-c", "import patchme; print(patchme.word())"]).stdout == "patched\n"
