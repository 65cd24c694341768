"""slap sync pull|push between two `slap cache-serve` instances on 127.0.0.1: the central
cache is the peer; the edge's store directory is the local side (its server shows what a
client of the edge would get)."""
import base64
import fcntl
import hashlib
import json
import os
import socket
import subprocess
import time

import pytest

from cache_server import CacheServer, sha512_file
from conftest import SLAP
from test_cache import keys  # noqa: F401 (a fixture: {"trusted"|"other": (key, cert)})


def serve(slap, root, token):
    s = CacheServer(slap, root, token=token)
    yield s
    if s.alive():
        s.stop()


@pytest.fixture
def central(slap, tmp_path):
    yield from serve(slap, tmp_path / "central", "central-token")


@pytest.fixture
def edge(slap, tmp_path):
    yield from serve(slap, tmp_path / "edge", "edge-token")


def configure(slap, keys, token_file=None):
    lines = ["[cache]", f'trusted-certificates = "{keys["trusted"][1]}"']
    if token_file:
        lines.append(f'upload-token-file = "{token_file}"')
    (slap.cwd / "slap.toml").write_text("\n".join(lines) + "\n")


def put_blob(server, data):
    status, body = server.request("POST", "/shacache", data, token=server.token)
    assert status == 201
    return body.decode()


def signature(key, info, tmp_path):
    (tmp_path / "info").write_bytes(info.encode())
    signed = subprocess.run(["openssl", "dgst", "-sha1", "-sign", str(key), str(tmp_path / "info")],
                            capture_output=True, check=True)
    return base64.b64encode(signed.stdout).decode()


def put_entry(server, key, info, sig):
    status, _ = server.request("PUT", "/shadir/" + key, json.dumps([info, sig]), token=server.token)
    assert status == 201


def blob_on(server, digest):
    status, body = server.request("GET", "/shacache/" + digest)
    return body if status == 200 else None


def access_lines(server, at_least=0):
    """The server's access log; it is written after each response is sent, so a test that
    counts requests first waits for those it made itself."""
    deadline = time.monotonic() + 10
    while True:
        lines = server.access_log.read_text().splitlines() if server.access_log.exists() else []
        if len(lines) >= at_least or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)


def settled_access_lines(server):
    """The access log once it has stopped growing for 0.2 s."""
    lines = access_lines(server)
    while True:
        time.sleep(0.2)
        again = access_lines(server)
        if again == lines:
            return lines
        lines = again


def test_pull_copies_blobs_and_signed_entries_silently_then_has_nothing_to_do(slap, central, edge, keys, tmp_path):
    configure(slap, keys)
    blobs = [b"", b"one", os.urandom(300_000)]
    digests = [put_blob(central, b) for b in blobs]
    info = json.dumps({"sha512": digests[2], "url": "http://example.com/a.tar.gz"})
    put_entry(central, "file-urlmd5:0123", info, signature(keys["trusted"][0], info, tmp_path))

    r = slap("sync", "pull", central.url, "--root", edge.root)
    assert r.code == 0, r
    assert (r.out, r.err) == ("", "")  # cron: silent on success
    for data, digest in zip(blobs, digests):
        assert blob_on(edge, digest) == data
    assert edge.request("GET", "/shadir/file-urlmd5:0123") == central.request("GET", "/shadir/file-urlmd5:0123")
    assert list((edge.root / "partial").iterdir()) == []

    before = len(settled_access_lines(central))
    again = slap("--json", "sync", "pull", central.url, "--root", edge.root)
    assert again.code == 0, again
    result = again.json["result"]
    assert result["received"] == {"blobs": 0, "bytes": 0, "entries": 0}
    assert result["skipped"] == {"blobs": 3, "bytes": 300_003, "entries": 1}
    assert result["requests"] == {"negotiation": 2, "transfer": 0}
    access_lines(central, at_least=before + 2)
    assert len(settled_access_lines(central)) - before == 2

    verbose = slap("-v", "sync", "pull", central.url, "--root", edge.root)
    assert verbose.code == 0, verbose
    assert "0 received (0 B), 3 already there" in verbose.err


def test_pull_only_keys_takes_their_entries_and_blobs(slap, central, edge, keys, tmp_path):
    configure(slap, keys)
    wanted, other, loose = (put_blob(central, d) for d in (b"wanted", b"other", b"loose"))
    for key, digest in (("file-urlmd5:1", wanted), ("pypi:x", other)):
        info = json.dumps({"sha512": digest})
        put_entry(central, key, info, signature(keys["trusted"][0], info, tmp_path))
    r = slap("--json", "sync", "pull", central.url, "--root", edge.root, "--only-keys", "file-urlmd5:*")
    assert r.code == 0, r
    assert r.json["result"]["received"] == {"blobs": 1, "bytes": 6, "entries": 1}
    assert blob_on(edge, wanted) == b"wanted"
    assert blob_on(edge, other) is None and blob_on(edge, loose) is None
    assert edge.request("GET", "/shadir/pypi:x")[0] == 404


def test_push_sends_what_the_peer_lacks_with_the_token(slap, central, edge, keys, tmp_path):
    configure(slap, keys, token_file=central.token_file)
    shared = put_blob(central, b"shared")
    assert put_blob(edge, b"shared") == shared
    mine = [put_blob(edge, d) for d in (b"edge one", b"edge two")]
    info = json.dumps({"sha512": mine[0]})
    put_entry(edge, "file-urlmd5:e", info, signature(keys["trusted"][0], info, tmp_path))

    r = slap("--json", "sync", "push", central.url, "--root", edge.root)
    assert r.code == 0, r
    result = r.json["result"]
    assert result["sent"] == {"blobs": 2, "bytes": 16, "entries": 1}
    assert result["skipped"]["blobs"] == 1
    assert result["requests"]["negotiation"] <= 3
    assert [blob_on(central, d) for d in mine] == [b"edge one", b"edge two"]
    assert central.request("GET", "/shadir/file-urlmd5:e") == edge.request("GET", "/shadir/file-urlmd5:e")

    nothing = slap("--json", "sync", "push", central.url, "--root", edge.root)
    assert nothing.code == 0, nothing
    assert nothing.json["result"]["sent"] == {"blobs": 0, "bytes": 0, "entries": 0}
    assert nothing.json["result"]["requests"]["transfer"] == 0


def test_push_with_a_wrong_token_fails_without_showing_credentials(slap, central, edge, keys):
    configure(slap, keys)
    put_blob(edge, b"edge only")
    peer = central.url.replace("http://", "http://user:wrong@")
    r = slap("sync", "push", peer, "--root", edge.root)
    assert r.code == 1, r
    assert f"the peer {central.url} refused the upload token (HTTP 403)" in r.err
    assert "wrong" not in r.err


def test_untrusted_entries_are_refused_and_reported_the_rest_still_pulled(slap, central, edge, keys, tmp_path):
    configure(slap, keys)
    digests = [put_blob(central, d) for d in (b"a", b"b", b"c")]
    infos = [json.dumps({"sha512": d}) for d in digests]
    put_entry(central, "good", infos[0], signature(keys["trusted"][0], infos[0], tmp_path))
    put_entry(central, "foreign", infos[1], signature(keys["other"][0], infos[1], tmp_path))
    put_entry(central, "unsigned", infos[2], "")
    r = slap("--json", "sync", "pull", central.url, "--root", edge.root)
    assert r.code == 1, r
    failures = sorted((f["name"], f["message"]) for f in r.json["result"]["failures"])
    assert failures == [("foreign", "not signed by a trusted certificate: refused"),
                        ("unsigned", "unsigned entry: refused")]
    assert r.json["result"]["received"]["blobs"] == 3
    assert edge.request("GET", "/shadir/good")[0] == 200
    assert edge.request("GET", "/shadir/foreign")[0] == 404
    assert edge.request("GET", "/shadir/unsigned")[0] == 404


def test_a_corrupt_blob_on_the_peer_is_refused_reported_and_the_others_pulled(slap, central, edge, keys):
    configure(slap, keys)
    good = [put_blob(central, d) for d in (b"good one", b"good two")]
    bad = put_blob(central, b"will rot")
    rotten = next(f for f in central.blob_files() if f.endswith(bad))
    with open(rotten, "wb") as f:
        f.write(b"has rot!")  # same size: only the digest can tell
    r = slap("sync", "pull", central.url, "--root", edge.root)
    assert r.code == 1, r
    assert f"blob {bad}: refused: the peer's content does not match its key" in r.err
    assert "2 received" in r.err and "1 failed" in r.err
    assert [blob_on(edge, d) for d in good] == [b"good one", b"good two"]
    assert blob_on(edge, bad) is None
    assert not any(bad in f for f in edge.blob_files())
    assert list((edge.root / "partial").iterdir()) == []


def test_peer_down_is_a_clear_error(slap, keys, tmp_path):
    configure(slap, keys)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = slap("sync", "pull", f"http://127.0.0.1:{port}", "--root", tmp_path / "store")
    assert r.code == 1, r
    assert f"slap: error: cannot reach the peer http://127.0.0.1:{port}:" in r.err


def test_a_second_sync_on_the_same_store_exits_at_once(slap, central, edge, keys):
    configure(slap, keys)
    put_blob(central, b"blob")
    before = len(access_lines(central, at_least=1))  # put_blob's request
    with open(edge.root / "sync.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        r = slap("sync", "pull", central.url, "--root", edge.root)
    assert r.code == 1, r
    assert f"another slap sync is running on {edge.root} (it holds {edge.root}/sync.lock)" in r.err
    assert len(settled_access_lines(central)) == before


def partial_size(path):
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize("killed", ["slap", "peer"])
def test_an_interrupted_pull_leaves_no_partial_blob_and_the_next_run_resumes(slap, central, edge, keys, killed):
    configure(slap, keys)
    big_data = os.urandom(24 << 20)
    big = put_blob(central, big_data)
    small = [put_blob(central, d) for d in (b"small one", b"small two")]
    partial = edge.root / "partial" / (big + ".part")
    env = dict(slap.env)
    first = subprocess.Popen([os.path.abspath(SLAP), "--json", "sync", "pull", central.url, "--root",
                              str(edge.root), "--limit-rate", "2M"], cwd=slap.cwd, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while partial_size(partial) < (2 << 20) and time.time() < deadline:
        time.sleep(0.05)
    if killed == "slap":
        first.kill()
        first.communicate(timeout=60)
    else:
        central.kill()
        out, err = first.communicate(timeout=120)
        assert first.returncode == 1, err
        assert f"the peer {central.url} stopped answering" in json.loads(out)["error"]["message"]
        central.start()  # same store, new port
    done_before = partial_size(partial)
    assert 0 < done_before < len(big_data)
    assert blob_on(edge, big) is None
    assert not any(big in f for f in edge.blob_files())

    sizes = {big: len(big_data), small[0]: 9, small[1]: 9}
    lacking = [d for d in sizes if blob_on(edge, d) is None]
    r = slap("--json", "sync", "pull", central.url, "--root", edge.root)
    assert r.code == 0, r
    received = r.json["result"]["received"]
    assert received["blobs"] == len(lacking)
    assert received["bytes"] == sum(sizes[d] for d in lacking) - done_before  # resumed, not restarted
    assert blob_on(edge, big) == big_data
    assert sha512_file(next(f for f in edge.blob_files() if f.endswith(big))) == big
    assert list((edge.root / "partial").iterdir()) == []


def test_usage_errors(slap, keys, tmp_path):
    configure(slap, keys)
    r = slap("sync", "pull", "ftp://host/cache", "--root", tmp_path / "store")
    assert r.code == 2, r
    assert "expected the http:// or https:// URL of a `slap cache-serve`" in r.err
    r = slap("sync", "pull", "http://127.0.0.1:1", "--limit-rate", "2x", "--root", tmp_path / "store")
    assert r.code == 2, r
    assert "--limit-rate: expected bytes per second such as 500k, 2M or 1000, not '2x'" in r.err
    r = slap("sync", "push", "http://127.0.0.1:1", "--root", tmp_path / "nothing")
    assert r.code == 3, r
    assert f"{tmp_path / 'nothing'} is not a cache store (it has no shacache directory): nothing to push" in r.err
    (slap.cwd / "slap.toml").write_text("")
    r = slap("sync", "pull", "http://127.0.0.1:1", "--only-keys", "k*", "--root", tmp_path / "store")
    assert r.code == 2, r
    assert "--only-keys selects blobs through verified Shadir entries: it needs trusted certificates" in r.err
