"""slap cache-serve on S3 storage (npm's s3rver on 127.0.0.1): the protocol as on a
directory store, servers sharing one bucket, large blobs in bounded memory."""
import hashlib
import json
import os
import socket
import threading
import time

import pytest

import test_cache
from cache_server import CacheServer
from s3_server import CREDENTIALS, S3rver, s3rver_command

_, WHY = s3rver_command()
pytestmark = pytest.mark.skipif(WHY is not None, reason=f"S3 cache tests skipped: {WHY}")


@pytest.fixture
def s3(tmp_path):
    server = S3rver(tmp_path / "s3")
    yield server
    server.stop()


def s3_cache_server(slap, tmp_path, s3, name="root", prefix="team/cache", extra=()):
    store = ["--storage", f"s3://cache/{prefix}", "--endpoint", s3.endpoint]
    return CacheServer(slap, tmp_path / name, store=store, env=CREDENTIALS, extra=extra)


@pytest.fixture
def server(slap, tmp_path, s3):
    s = s3_cache_server(slap, tmp_path, s3)
    # s3rver keeps object NAME as the file NAME._S3rver_object.
    s.blob_files = lambda: sorted(p.name.removesuffix("._S3rver_object") for p in (tmp_path / "s3").rglob("*")
                                  if p.name.endswith("._S3rver_object") and "/shacache/" in p.as_posix())
    yield s
    if s.alive():
        s.stop()


@pytest.fixture(params=["directory", "s3"])
def any_server(request, slap, tmp_path):
    if request.param == "directory":
        s = CacheServer(slap, tmp_path / "root")
    else:
        s3 = S3rver(tmp_path / "s3")
        request.addfinalizer(s3.stop)
        s = s3_cache_server(slap, tmp_path, s3)
    yield s
    if s.alive():
        s.stop()


keys = test_cache.keys
configure = test_cache.configure
# The protocol tests of test_cache.py, run again with `server` on S3 storage.
test_serve_announces_its_port_and_stops_cleanly_on_sigterm = \
    test_cache.test_serve_announces_its_port_and_stops_cleanly_on_sigterm
test_push_and_fetch_blobs_of_0_1_and_100_megabytes = test_cache.test_push_and_fetch_blobs_of_0_1_and_100_megabytes
test_pushed_entries_are_signed_as_slapos_signs_them = test_cache.test_pushed_entries_are_signed_as_slapos_signs_them
test_uploads_need_the_token = test_cache.test_uploads_need_the_token
test_an_upload_that_does_not_match_its_key_is_rejected = test_cache.test_an_upload_that_does_not_match_its_key_is_rejected
test_push_downloads_sends_each_content_once = test_cache.test_push_downloads_sends_each_content_once


def blob(size, seed=b""):
    unit = hashlib.sha512(seed + str(size).encode()).digest()
    return (unit * (size // len(unit) + 1))[:size]


def upload(server, data):
    status, body = server.request("POST", "/shacache", data, token=server.token)
    assert status == 201, body
    return body.decode()


def test_range_reads_as_on_a_directory(any_server):
    for size in (1000, 300 << 10):  # served from memory, and streamed
        data = blob(size)
        digest = upload(any_server, data)
        path = "/shacache/" + digest
        assert any_server.request("GET", path, headers={"Range": "bytes=10-19"}) == (206, data[10:20])
        assert any_server.request("GET", path, headers={"Range": f"bytes=-7"}) == (206, data[-7:])
        assert any_server.request("GET", path, headers={"Range": f"bytes={size - 5}-"}) == (206, data[-5:])
        assert any_server.request("GET", path, headers={"Range": f"bytes={size}-"})[0] == 416
        assert any_server.request("GET", path) == (200, data)
        assert any_server.request("HEAD", path)[0] == 200
    assert any_server.request("GET", "/shacache/" + "f" * 128)[0] == 404


def test_bulk_missing_and_listings_as_on_a_directory(any_server):
    held = sorted(upload(any_server, blob(100 + i)) for i in range(30))
    absent = [hashlib.sha512(b"absent %d" % i).hexdigest() for i in range(20)]
    asked = held[::2] + absent + held[1::2] + [absent[0]]
    status, body = any_server.request("POST", "/shacache/missing", json.dumps(asked))
    assert status == 200
    assert json.loads(body) == absent + [absent[0]]
    assert any_server.request("POST", "/shacache/missing", "[1]")[0] == 400
    # Listings, page by page, in sha512 order with sizes.
    seen, after = [], ""
    while True:
        status, body = any_server.request("GET", f"/shacache/list?limit=7&after={after}")
        assert status == 200
        page = json.loads(body)
        seen += page["blobs"]
        if page["next"] is None:
            break
        after = page["next"]
    assert [b["sha512"] for b in seen] == held
    assert sorted(b["size"] for b in seen) == [100 + i for i in range(30)]


def test_entries_and_key_listing_as_on_a_directory(any_server):
    digest = upload(any_server, b"payload")
    infos = [json.dumps({"sha512": digest, "n": i}) for i in range(3)]
    for key in ("k-one", "k-two", "other"):
        for info in infos:
            assert any_server.request("PUT", "/shadir/" + key, json.dumps([info, "sig"]), token=any_server.token)[0] == 201
    # The same pair again is not repeated.
    assert any_server.request("PUT", "/shadir/k-one", json.dumps([infos[0], "sig"]), token=any_server.token)[0] == 201
    status, body = any_server.request("GET", "/shadir/k-one")
    assert status == 200 and json.loads(body) == [[info, "sig"] for info in infos]
    assert any_server.request("GET", "/shadir/unknown")[0] == 404
    status, body = any_server.request("POST", "/shadir/list", json.dumps({"match": "k-*", "limit": 1}))
    page = json.loads(body)
    assert status == 200 and len(page["keys"]) == 1 and page["next"]
    status, body = any_server.request("POST", "/shadir/list", json.dumps({"match": "k-*", "after": page["next"]}))
    rest = json.loads(body)
    assert rest["next"] is None
    assert sorted(k["key"] for k in page["keys"] + rest["keys"]) == ["k-one", "k-two"]
    assert all(len(k["entries"]) == 3 for k in page["keys"] + rest["keys"])


def test_two_servers_on_one_bucket_serve_each_others_uploads(slap, tmp_path, s3):
    first = s3_cache_server(slap, tmp_path, s3, name="first")
    second = s3_cache_server(slap, tmp_path, s3, name="second")
    try:
        data = blob(3 << 20, b"shared")
        digest = upload(first, data)
        assert second.request("GET", "/shacache/" + digest) == (200, data)
        entry = json.dumps([json.dumps({"sha512": digest}), ""])
        assert second.request("PUT", "/shadir/shared-key", entry, token=second.token)[0] == 201
        status, body = first.request("GET", "/shadir/shared-key")
        assert status == 200 and json.loads(body)[0][0] == json.dumps({"sha512": digest})
        assert json.loads(first.request("POST", "/shacache/missing", json.dumps([digest]))[1]) == []
        # Appends through both servers at once: no pair is lost.
        def put(server, i):
            pair = json.dumps([json.dumps({"sha512": digest, "i": i}), ""])
            assert server.request("PUT", "/shadir/busy", pair, token=server.token)[0] == 201
        threads = [threading.Thread(target=put, args=((first, second)[i % 2], i)) for i in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(json.loads(second.request("GET", "/shadir/busy")[1])) == 10
    finally:
        first.stop()
        second.stop()


def test_prefixes_keep_two_caches_apart_in_one_bucket(slap, tmp_path, s3):
    a = s3_cache_server(slap, tmp_path, s3, name="a", prefix="a")
    b = s3_cache_server(slap, tmp_path, s3, name="b", prefix="b")
    try:
        digest = upload(a, b"only in a")
        assert a.request("GET", "/shacache/" + digest)[0] == 200
        assert b.request("GET", "/shacache/" + digest)[0] == 404
    finally:
        a.stop()
        b.stop()


def test_storage_usage_errors(slap, tmp_path, s3):
    token = tmp_path / "token"
    token.write_text("t")
    r = slap("cache-serve", "--storage", "s3://cache", "--endpoint", s3.endpoint, "--upload-token-file", token)
    assert r.code == 2 and "AWS_ACCESS_KEY_ID" in r.err, r
    r = slap("cache-serve", "--storage", "http://cache", "--upload-token-file", token, env=CREDENTIALS)
    assert r.code == 2 and "expected s3://BUCKET[/PREFIX]" in r.err, r
    r = slap("cache-serve", "--storage", "s3://cache", "--endpoint", s3.endpoint, env=CREDENTIALS)
    assert r.code == 2 and "--upload-token-file" in r.err, r
    r = slap("cache-serve", "--storage", "s3://cache", "--endpoint", s3.endpoint, "--upload-token-file", token,
             "--max-size", str(6 << 30), env=CREDENTIALS)
    assert r.code == 2 and "at most 5 GiB" in r.err, r
    r = slap("cache-serve", "--storage", "s3://no-such-bucket", "--endpoint", s3.endpoint,
             "--upload-token-file", token, "--listen", "127.0.0.1:0", env=CREDENTIALS)
    assert r.code == 1 and "NoSuchBucket" in r.err, r


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


@pytest.mark.skipif(os.environ.get("SLAP_SLOW_TESTS") != "1", reason="1 GiB through S3: set SLAP_SLOW_TESTS=1")
def test_a_1_gib_blob_up_and_down_in_64_mb(server, tmp_path):
    size, chunk = 1 << 30, blob(1 << 20, b"big")
    h = hashlib.sha512()
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall((f"POST /shacache HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {server.token}\r\n"
                  f"Content-Length: {size}\r\n\r\n").encode())
    for i in range(size // len(chunk)):
        piece = chunk[:8] + i.to_bytes(8, "big") + chunk[16:]
        h.update(piece)
        sock.sendall(piece)
    answer = b""
    sock.settimeout(600)
    while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(h.hexdigest().encode()):
        more = sock.recv(65536)
        if not more:
            break
        answer += more
    sock.close()
    assert answer.startswith(b"HTTP/1.1 201") and h.hexdigest().encode() in answer, answer[:300]
    down = hashlib.sha512()
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    conn.request("GET", "/shacache/" + h.hexdigest())
    response = conn.getresponse()
    assert response.status == 200
    received = 0
    while piece := response.read(1 << 20):
        down.update(piece)
        received += len(piece)
    conn.close()
    assert received == size and down.hexdigest() == h.hexdigest()
    peak = rss_kib(server.proc.pid)
    print(f"cache-serve peak RSS with a 1 GiB blob through S3: {peak / 1024:.1f} MiB")
    (tmp_path.parent / "s3-1gib-rss.txt").write_text(f"{peak}\n")
    assert peak <= 64 * 1024, f"peak RSS {peak} KiB"


def test_sync_between_a_directory_and_a_server_on_s3(slap, tmp_path, s3, keys):
    import test_sync
    central = s3_cache_server(slap, tmp_path, s3, name="central")
    try:
        test_sync.configure(slap, keys, token_file=central.token_file)
        data = os.urandom(300_000)
        digest = upload(central, data)
        info = json.dumps({"sha512": digest, "url": "http://example.com/a.tar.gz"})
        test_sync.put_entry(central, "file-urlmd5:0123", info, test_sync.signature(keys["trusted"][0], info, tmp_path))
        # S3 -> directory
        r = slap("--json", "sync", "pull", central.url, "--root", tmp_path / "edge")
        assert r.code == 0, r
        assert r.json["result"]["received"] == {"blobs": 1, "bytes": 300_000, "entries": 1}
        assert test_sync.sha512_file(tmp_path / "edge/shacache" / digest[:2] / digest[2:4] / digest) == digest
        # directory -> S3
        edge = CacheServer(slap, tmp_path / "edge", token="edge-token")
        other = upload(edge, b"made at the edge")
        edge.stop()
        r = slap("--json", "sync", "push", central.url, "--root", tmp_path / "edge")
        assert r.code == 0, r
        assert r.json["result"]["sent"]["blobs"] == 1
        assert central.request("GET", "/shacache/" + other) == (200, b"made at the edge")
        again = slap("--json", "sync", "pull", central.url, "--root", tmp_path / "edge")
        assert again.json["result"]["received"]["blobs"] == 0, again
    finally:
        central.stop()
