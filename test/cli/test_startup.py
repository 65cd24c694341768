"""What a slap process loads: libarchive and the cache server module (with cpp-httplib and
libssl) only when a command needs them, and clear errors when they cannot be loaded."""
import os
import shutil
import subprocess
import tarfile

from conftest import SLAP


def test_start_loads_neither_libarchive_nor_httplib_nor_libssl():
    ldd = subprocess.run(["ldd", os.path.abspath(SLAP)], capture_output=True, text=True, check=True)
    for lib in ("libarchive", "libcpp-httplib", "libssl", "libcurl"):
        assert lib not in ldd.stdout, ldd.stdout


def test_unpacking_without_a_loadable_libarchive_is_a_clear_error(slap, tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "libarchive.so.13").write_text("not a library\n")  # found first by dlopen
    payload = tmp_path / "payload.txt"
    payload.write_text("x")
    tgz = tmp_path / "a.tar.gz"
    with tarfile.open(tgz, "w:gz") as tar:
        tar.add(payload, arcname="a/payload.txt")
    (slap.cwd / "buildout.cfg").write_text(
        f"[buildout]\nparts = u\n[u]\nrecipe = slapos.recipe.build:download-unpacked\nurl = {tgz}\n")
    r = slap("build", env={"LD_LIBRARY_PATH": str(tmp_path / "lib")})
    assert r.code == 1, r
    assert "cannot load libarchive (Debian package libarchive13): " in r.err, r
    assert not (slap.cwd / "parts" / "u").exists()
    assert slap("build").code == 0  # the same build with the real library
    assert (slap.cwd / "parts" / "u" / "payload.txt").read_text() == "x"


def test_cache_serve_without_its_module_is_a_clear_error(slap, tmp_path):
    (tmp_path / "bin").mkdir()
    alone = tmp_path / "bin" / "slap"  # a copy: /proc/self/exe would see through a symlink
    shutil.copy(SLAP, alone)
    token = tmp_path / "token"
    token.write_text("t\n")
    r = subprocess.run([alone, "cache-serve", "--root", tmp_path / "root", "--listen", "127.0.0.1:0",
                        "--upload-token-file", token], env=slap.env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r
    assert "cannot find the cache server module slap-cache-server.so in " + str(tmp_path / "bin") in r.stderr, r
