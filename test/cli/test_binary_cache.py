"""Binary cache in slap build: a second machine (empty build directory, empty shared parts)
takes examples/hello's shared part from a `slap cache-serve` instead of building it."""
import shutil
import subprocess
import time

from conftest import copy_hello as copy_release
from test_cache import configure, make_key, server  # noqa: F401 (server is a fixture)


def test_second_machine_takes_shared_parts_from_the_cache(slap, server, tmp_path):
    key, cert = make_key(tmp_path, "builder")
    configure(slap, server, key=key, trusted=cert)
    first = copy_release(slap.cwd / "one")
    shutil.copy(slap.cwd / "slap.toml", first / "slap.toml")
    start = time.monotonic()
    r = slap("build", "--upload", "--json", cwd=first)
    built = time.monotonic() - start
    assert r.code == 0, r
    assert [p["from_cache"] for p in r.json["result"]["parts"] if p["name"] == "hello"] == [False]

    # Another machine: its own HOME (so no shared parts), its own copy of the release.
    slap.env["HOME"] = str(tmp_path / "home2")
    second = copy_release(slap.cwd / "two")
    shutil.copy(slap.cwd / "slap.toml", second / "slap.toml")
    start = time.monotonic()
    r = slap("build", cwd=second)
    cached = time.monotonic() - start
    assert r.code == 0, r
    assert "Installed hello from the binary cache." in r.err
    assert subprocess.run([second / "bin" / "hello-world"], capture_output=True, text=True).stdout == "Hello from slap, world!\n"
    print(f"build {built:.2f} s, from cache {cached:.2f} s, speed-up {built / cached:.1f}x")


def test_untrusted_entries_are_not_used(slap, server, tmp_path):
    key, cert = make_key(tmp_path, "builder")
    other_key, other_cert = make_key(tmp_path, "other")
    configure(slap, server, key=key, trusted=cert)
    first = copy_release(slap.cwd / "one")
    shutil.copy(slap.cwd / "slap.toml", first / "slap.toml")
    assert slap("build", "--upload", cwd=first).code == 0
    # The second machine trusts another certificate only: it builds.
    configure(slap, server, key=other_key, trusted=other_cert)
    slap.env["HOME"] = str(tmp_path / "home2")
    second = copy_release(slap.cwd / "two")
    shutil.copy(slap.cwd / "slap.toml", second / "slap.toml")
    r = slap("build", cwd=second)
    assert r.code == 0, r
    assert "from the binary cache" not in r.err


def test_cache_push_parts(slap, server, tmp_path):
    key, cert = make_key(tmp_path, "builder")
    configure(slap, server, key=key, trusted=cert)
    first = copy_release(slap.cwd / "one")
    shutil.copy(slap.cwd / "slap.toml", first / "slap.toml")
    assert slap("build", cwd=first).code == 0
    r = slap("cache-push", "--parts", "--json", cwd=first)
    assert r.code == 0, r
    assert r.json["result"] == ["hello"]
    slap.env["HOME"] = str(tmp_path / "home2")
    second = copy_release(slap.cwd / "two")
    shutil.copy(slap.cwd / "slap.toml", second / "slap.toml")
    r = slap("build", cwd=second)
    assert r.code == 0 and "Installed hello from the binary cache." in r.err, r
