"""Real SlapOS components, unchanged, built from their real upstream tarballs through the
networkcache: a `slap cache-serve` holds each tarball under file-urlmd5:<md5 of its URL>
(`slap cache-push --url`), as SlapOS nodes build when upstream hosts are gone. The
tarballs come from Debian's source archive (test/tools/debian-sources), fetched once into
~/.cache/slap-tests. Needs the shared corpus (../shared/corpus/slapos) and Debian's
archive; skips, saying so, without them."""
import json
import os
import subprocess
import textwrap

import pytest

from cache_server import CacheServer
from conftest import SLAP, SOURCE_ROOT

CORPUS = os.path.join(SOURCE_ROOT, "..", "shared", "corpus", "slapos", "component")
SOURCES_TOOL = os.path.join(SOURCE_ROOT, "test", "tools", "debian-sources")
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "slap-tests", "debian-sources")

# component, section, Debian source package, its orig tarball, the md5sum the component pins
TARBALLS = [
    ("bzip2", "bzip2", "bzip2", "bzip2_1.0.8.orig.tar.gz", "67e051268d0c475ea773822f7500d0e5"),
    ("libestr", "libestr", "libestr", "libestr_0.1.11.orig.tar.gz", "1f25a2332750d4bfacfb314235fedff0"),
    ("unzip", "unzip", "unzip", "unzip_6.0.orig.tar.gz", "62b490407489521db863b523a7f86375"),
    ("zip", "zip", "zip", "zip_3.0.orig.tar.gz", "7b74551e63f8ee6aab6fbc86676c0d37"),
    ("linuxptp", "linuxptp", "linuxptp", "linuxptp_3.1.1.orig.tar.gz", "3b79ab5e77c5b5cf06bc1c8350d405bb"),
    ("dash", "dash", "dash", "dash_0.5.12.orig.tar.gz", "57222b768b84003ea4b801e5d5e0e52b"),
    ("potrace", "potrace", "potrace", "potrace_1.16.orig.tar.gz", "5f0bd87ddd9a620b0c4e65652ef93d69"),
    ("lzo", "lzo", "lzo2", "lzo2_2.10.orig.tar.gz", "39d3f3f9c55c87b1e5d6888e1420f4b5"),
    ("perl-XML-Parser", "perl-XML-Parser", "libxml-parser-perl", "libxml-parser-perl_2.46.orig.tar.gz",
     "80bb18a8e6240fcf7ec2f7b57601c170"),
    ("intltool", "intltool", "intltool", "intltool_0.51.0.orig.tar.gz", "12e517cac2b57a0121cda351570f1e63"),
]


def slap_run(env, *args, cwd, timeout=900):
    return subprocess.run([os.path.abspath(SLAP), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def tarballs():
    if not os.path.isdir(CORPUS):
        pytest.skip("the real components live in ../shared/corpus/slapos, absent here")
    wanted = [f"{pkg}:{name}:{md5}" for _, _, pkg, name, md5 in TARBALLS]
    p = subprocess.run([SOURCES_TOOL, "fetch", "--dest", CACHE, *wanted], capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        pytest.skip("real upstream tarballs unavailable from Debian's source archive: " + p.stderr.strip()[-500:])
    return os.path.join(CACHE, "by-md5")


@pytest.fixture(scope="module")
def node(tarballs, tmp_path_factory):
    """A machine: its slap.toml names a networkcache seeded with every tarball, shared parts."""
    root = tmp_path_factory.mktemp("node")
    home = root / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "XDG_CONFIG_HOME": str(home / ".config")}

    class Env:  # what CacheServer takes from the `slap` fixture
        pass
    holder = Env()
    holder.env, holder.cwd = env, root
    server = CacheServer(holder, root / "store")
    key, cert = root / "key.pem", root / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "30", "-subj", "/CN=slap test"], check=True, capture_output=True)
    (root / "slap.toml").write_text(textwrap.dedent(f"""\
        [cache]
        shacache-url = "{server.url}/shacache"
        shadir-url = "{server.url}/shadir"
        upload-token-file = "{server.token_file}"
        signature-private-key-file = "{key}"
        trusted-certificates = "{cert}"
        [build]
        shared-parts = "{root / 'shared'}"
        """))
    for component, section, _, _, md5 in TARBALLS:
        # The section's url as resolved, or as written when its profile has sections in
        # error (intltool's needs a [pkgconfig] that its software profiles define).
        shown = slap_run(env, "--config", root / "slap.toml", "--json", "show", "-c",
                         os.path.join(CORPUS, component, "buildout.cfg"), cwd=root)
        result = json.loads(shown.stdout)["result"]
        url = result["resolved"][section].get("url") or result["raw"][section]["url"]
        assert url.startswith("http"), shown.stderr
        pushed = slap_run(env, "--config", root / "slap.toml", "cache-push", os.path.join(tarballs, md5), "--url", url,
                          cwd=root)
        assert pushed.returncode == 0, pushed.stderr
    yield root, env
    server.stop()


def workdir(node, profile):
    work = node[0] / ("work-" + os.path.basename(os.path.dirname(str(profile))))
    work.mkdir(exist_ok=True)
    return work


def build(node, profile, *args):
    root, env = node
    work = workdir(node, profile)
    r = slap_run(env, "--config", root / "slap.toml", "-j", "2", "build", "-c", profile, *args,
                 f"buildout:directory={work}", cwd=work)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "from the networkcache" in r.stderr, "the tarball came from the networkcache"
    return r


def location(node, profile, section):
    root, env = node
    r = slap_run(env, "--config", root / "slap.toml", "show", "-c", profile, f"{section}:location",
                 f"buildout:directory={workdir(node, profile)}", cwd=root)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def component(name):
    return os.path.join(CORPUS, name, "buildout.cfg")


def test_bzip2_with_its_python_post_make_hook(node, tmp_path):
    build(node, component("bzip2"))
    loc = location(node, component("bzip2"), "bzip2")
    assert loc.startswith(str(node[0] / "shared" / "bzip2")), "a shared part"
    assert os.path.isfile(os.path.join(loc, "lib", "libbz2.so.1.0.8")), "installed by the post-make-hook"
    assert os.readlink(os.path.join(loc, "lib", "libbz2.so.1")) == "libbz2.so.1.0.8"
    data = tmp_path / "data"
    data.write_bytes(b"slap " * 1000)
    subprocess.run([os.path.join(loc, "bin", "bzip2"), "-k", str(data)], check=True)
    assert subprocess.run([os.path.join(loc, "bin", "bzcat"), str(data) + ".bz2"], capture_output=True,
                          check=True).stdout == data.read_bytes()


def test_libestr_links(node, tmp_path):
    build(node, component("libestr"))
    loc = location(node, component("libestr"), "libestr")
    (tmp_path / "t.c").write_text(textwrap.dedent("""\
        #include <stdio.h>
        #include <libestr.h>
        int main(void) { es_str_t *s = es_newStrFromCStr("slap", 4); printf("%d\\n", (int)es_strlen(s)); return 0; }
        """))
    subprocess.run(["cc", "-o", tmp_path / "t", tmp_path / "t.c", f"-I{loc}/include", f"-L{loc}/lib", "-lestr",
                    f"-Wl,-rpath={loc}/lib"], check=True)
    assert subprocess.run([tmp_path / "t"], capture_output=True, text=True, check=True).stdout == "4\n"


def test_lzo_links(node, tmp_path):
    build(node, component("lzo"))
    loc = location(node, component("lzo"), "lzo")
    (tmp_path / "t.c").write_text(textwrap.dedent("""\
        #include <stdio.h>
        #include <lzo/lzo1x.h>
        int main(void) { printf("%d\\n", lzo_init() == LZO_E_OK); return 0; }
        """))
    subprocess.run(["cc", "-o", tmp_path / "t", tmp_path / "t.c", f"-I{loc}/include", f"-L{loc}/lib", "-llzo2",
                    f"-Wl,-rpath={loc}/lib"], check=True)
    assert subprocess.run([tmp_path / "t"], capture_output=True, text=True, check=True).stdout == "1\n"


def test_a_part_that_uses_two_components(node, tmp_path):
    """zip and unzip (configure-command = true, make-options with %(location)s and
    @@LOCATION@@) and a part of ours that needs both: installed after them."""
    profile = tmp_path / "roundtrip.cfg"
    profile.write_text(textwrap.dedent(f"""\
        [buildout]
        extends =
          {component("zip")}
          {component("unzip")}
        parts = roundtrip

        [roundtrip]
        recipe = plone.recipe.command
        stop-on-error = true
        command =
          cd {tmp_path} && echo payload > f.txt && ${{zip:location}}/bin/zip -q f.zip f.txt &&
          mkdir -p out && ${{unzip:location}}/bin/unzip -q -o f.zip -d out
        """))
    r = build(node, profile)
    assert r.stderr.index("Installing roundtrip") > max(r.stderr.index("Installing zip"), r.stderr.index("Installing unzip"))
    assert (tmp_path / "out" / "f.txt").read_text() == "payload\n"


def test_linuxptp_installs_into_its_prefix_without_configure(node):
    build(node, component("linuxptp"), "linuxptp")  # its profile has no [buildout] parts
    loc = location(node, component("linuxptp"), "linuxptp")
    r = subprocess.run([os.path.join(loc, "sbin", "ptp4l"), "-v"], capture_output=True, text=True)
    assert "3.1.1" in r.stdout + r.stderr


def test_dash_alone_of_its_profile(node):
    """slap build PART: the dash part only (its profile's parts need coreutils too)."""
    r = build(node, component("dash"), "dash")
    assert "coreutils" not in r.stderr
    loc = location(node, component("dash"), "dash")
    assert subprocess.run([os.path.join(loc, "bin", "dash"), "-c", "echo $((6 * 7))"], capture_output=True,
                          text=True).stdout == "42\n"


def test_potrace(node, tmp_path):
    build(node, component("potrace"), "potrace")
    loc = location(node, component("potrace"), "potrace")
    (tmp_path / "x.pbm").write_text("P1\n4 4\n0110\n1111\n1111\n0110\n")
    subprocess.run([os.path.join(loc, "bin", "potrace"), "-s", "-o", tmp_path / "x.svg", tmp_path / "x.pbm"], check=True)
    assert "<svg" in (tmp_path / "x.svg").read_text()


def test_intltool_with_its_corpus_patch_on_perl_xml_parser(node, tmp_path):
    """intltool applies the corpus patch (md5-checked) and needs perl-XML-Parser, a real
    CPAN component built first (with its Python post-make-hook writing a perl wrapper).
    perl, expat, gettext, patch and pkg-config come from Debian: their pinned upstream
    tarballs are not in Debian's archive. The sections standing for them have no recipe."""
    for tool in ("perl", "patch", "msgfmt", "pkg-config"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode:
            pytest.skip(f"{tool} is not installed")
    if subprocess.run(["perl", "-MXML::Parser", "-e", "1"], capture_output=True).returncode or \
            not os.path.exists("/usr/include/expat.h"):
        pytest.skip("needs Debian's libxml-parser-perl and libexpat1-dev")
    profile = tmp_path / "intltool.cfg"
    system = "\n".join(f"[{s}]\nrecipe =\nlocation = /usr\nenvironment =\n"
                       for s in ("libexpat", "gettext", "patch", "pkgconfig"))
    profile.write_text(textwrap.dedent(f"""\
        [buildout]
        extends = {component("intltool")}
        parts = intltool

        [perl]
        recipe =
        location = /usr
        version = 5.36.0
        configure-command =
        environment =
        [perl-libwww-perl]
        recipe =
        site_perl =
        inc =
        [gettext]
        configure-options =
        """) + system)
    r = build(node, profile)
    assert r.stderr.index("Installing perl-XML-Parser") < r.stderr.index("Installing intltool")
    parser = location(node, profile, "perl-XML-Parser")
    assert os.access(os.path.join(parser, "bin", "perl"), os.X_OK), "the wrapper the hook writes"
    loc = location(node, profile, "intltool")
    assert "intltool-update (intltool) 0.51.0" in subprocess.run(
        [os.path.join(loc, "bin", "intltool-update"), "--version"], capture_output=True, text=True).stdout
    # What the corpus patch (intltool-0.51.0.regexp.patch) changes in intltool-update.
    script = open(os.path.join(loc, "bin", "intltool-update")).read()
    assert r"/\$\{?AC_PACKAGE_NAME}?/" in script and r"/\${?AC_PACKAGE_NAME}?/" not in script
