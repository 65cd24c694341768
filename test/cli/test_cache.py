"""slap cache-serve and slap cache-push, against a server started on 127.0.0.1:0."""
import base64
import hashlib
import json
import os
import signal
import socket
import subprocess
import time

import pytest

from cache_server import CacheServer, sha512_file


def make_key(directory, name):
    key, cert = directory / f"{name}.key", directory / f"{name}.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "3650", "-subj", f"/CN=slap test {name}"],
                   check=True, capture_output=True)
    return key, cert


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("keys")
    return {"trusted": make_key(d, "trusted"), "other": make_key(d, "other")}


@pytest.fixture
def server(slap, tmp_path):
    s = CacheServer(slap, tmp_path / "root")
    yield s
    if s.alive():
        s.stop()


def configure(slap, server, key=None, trusted=None, token=None):
    lines = ["[cache]", f'shacache-url = "{server.url}/shacache"', f'shadir-url = "{server.url}/shadir"']
    token_file = server.token_file
    if token is not None:
        token_file = slap.cwd / "client.token"
        token_file.write_text(token)
    lines.append(f'upload-token-file = "{token_file}"')
    if key:
        lines.append(f'signature-private-key-file = "{key}"')
    if trusted:
        lines.append(f'trusted-certificates = "{trusted}"')
    # The binary cache holds shared parts: share them (under each machine's own HOME).
    lines += ["[build]", 'shared-parts = "~/.cache/slap/shared"']
    (slap.cwd / "slap.toml").write_text("\n".join(lines) + "\n")


def test_serve_announces_its_port_and_stops_cleanly_on_sigterm(server):
    status, _ = server.request("GET", "/shacache/" + "0" * 128)
    assert status == 404
    code, out = server.stop()
    assert code == 0
    doc = json.loads(out)
    assert doc["ok"] and doc["result"]["url"] == server.url


def test_push_and_fetch_blobs_of_0_1_and_100_megabytes(slap, server, tmp_path):
    configure(slap, server)
    files = {"empty": b"", "one": b"x"}
    for name, data in files.items():
        (slap.cwd / name).write_bytes(data)
    big = slap.cwd / "big"
    with open(big, "wb") as f:
        for i in range(100):
            f.write(hashlib.sha512(str(i).encode()).digest() * (1 << 14))  # 1 MiB each
    r = slap("--json", "cache-push", "empty", "one", "big")
    assert r.code == 0, r
    result = r.json["result"]
    assert [p["status"] for p in result] == ["uploaded"] * 3
    assert [p["size"] for p in result] == [0, 1, 100 << 20]
    for p in result:
        assert p["sha512"] == sha512_file(slap.cwd / p["file"])
        status, body = server.request("GET", "/shacache/" + p["sha512"])
        assert status == 200 and hashlib.sha512(body).hexdigest() == p["sha512"]
    again = slap("cache-push", "empty", "one", "big")
    assert again.code == 0, again
    assert again.out.count("already there") == 3


def test_pushed_entries_are_signed_as_slapos_signs_them(slap, server, keys, tmp_path):
    key, cert = keys["trusted"]
    configure(slap, server, key=key, trusted=cert)
    (slap.cwd / "f.tar.gz").write_bytes(b"archive")
    r = slap("--json", "cache-push", "--key", "file-urlmd5:0123abc", "f.tar.gz")
    assert r.code == 0, r
    assert r.json["result"][0]["key"] == "file-urlmd5:0123abc"
    status, body = server.request("GET", "/shadir/file-urlmd5:0123abc")
    assert status == 200
    [[info, signature]] = json.loads(body)
    assert json.loads(info) == {"filename": "f.tar.gz", "sha512": hashlib.sha512(b"archive").hexdigest()}
    # Verified the way libnetworkcache does: RSA PKCS#1 v1.5, SHA-1, over the entry's bytes.
    (tmp_path / "info").write_bytes(info.encode())
    (tmp_path / "sig").write_bytes(base64.b64decode(signature))
    pub = subprocess.run(["openssl", "x509", "-pubkey", "-noout", "-in", str(cert)], capture_output=True, check=True)
    (tmp_path / "pub.pem").write_bytes(pub.stdout)
    check = subprocess.run(["openssl", "dgst", "-sha1", "-verify", str(tmp_path / "pub.pem"), "-signature",
                            str(tmp_path / "sig"), str(tmp_path / "info")], capture_output=True, text=True)
    assert check.stdout.strip() == "Verified OK"
    # A second push appends a second entry under the key.
    (slap.cwd / "g").write_bytes(b"other")
    assert slap("cache-push", "--key", "file-urlmd5:0123abc", "g").code == 0
    assert len(json.loads(server.request("GET", "/shadir/file-urlmd5:0123abc")[1])) == 2


def test_a_signing_key_without_trusted_certificate_is_refused(slap, server, keys):
    configure(slap, server, key=keys["other"][0], trusted=keys["trusted"][1])
    (slap.cwd / "f").write_bytes(b"data")
    r = slap("cache-push", "--key", "k", "f")
    assert r.code == 3, r
    assert "Invalid configuration: no matching certificate for private key" in r.err


def test_uploads_need_the_token(slap, server):
    data = b"secret data"
    digest = hashlib.sha512(data).hexdigest()
    assert server.request("POST", "/shacache", data)[0] == 401
    assert server.request("POST", "/shacache", data, token="wrong")[0] == 403
    entry = json.dumps(['{"sha512": "%s"}' % digest, ""])
    assert server.request("PUT", "/shadir/k", entry)[0] == 401
    assert server.request("GET", "/shacache/" + digest)[0] == 404
    configure(slap, server, token="wrong")
    (slap.cwd / "f").write_bytes(data)
    r = slap("cache-push", "f")
    assert r.code == 1, r
    assert "Failed to upload data to SHACACHE Server. Response code: 403" in r.err
    status, body = server.request("POST", "/shacache", data, token=server.token)
    assert (status, body.decode()) == (201, digest)


def test_an_upload_that_does_not_match_its_key_is_rejected(server):
    one, two = b"one", b"two"
    key = hashlib.sha512(one).hexdigest()
    status, body = server.request("PUT", "/shacache/" + key, two, token=server.token)
    assert status == 400
    assert body.decode().startswith("content does not match its key")
    assert server.request("GET", "/shacache/" + key)[0] == 404
    assert server.request("GET", "/shacache/" + hashlib.sha512(two).hexdigest())[0] == 404
    assert server.blob_files() == []


def start_upload(server, size):
    """A POST that declares `size` bytes; the caller sends the body."""
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall((f"POST /shacache HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {server.token}\r\n"
                  f"Content-Length: {size}\r\nContent-Type: application/octet-stream\r\n\r\n").encode())
    return sock


def test_killed_mid_upload_serves_no_partial_blob_and_accepts_the_upload_again(slap, server):
    chunk = os.urandom(1 << 20)
    data = chunk * 100
    digest = hashlib.sha512(data).hexdigest()
    sock = start_upload(server, len(data))
    for _ in range(50):
        sock.sendall(chunk)
    deadline = time.time() + 30
    incoming = server.root / "incoming"
    while sum(f.stat().st_size for f in incoming.iterdir()) < (40 << 20) and time.time() < deadline:
        time.sleep(0.05)
    server.kill()
    sock.close()
    assert server.blob_files() == []
    server.start()  # same root: the half upload is swept, never served
    assert list((server.root / "incoming").iterdir()) == []
    assert server.request("GET", "/shacache/" + digest)[0] == 404
    status, body = server.request("POST", "/shacache", data, token=server.token)
    assert (status, body.decode()) == (201, digest)
    status, body = server.request("GET", "/shacache/" + digest)
    assert status == 200 and hashlib.sha512(body).hexdigest() == digest


def test_sigterm_lets_an_upload_in_flight_finish(server):
    chunk = b"z" * (1 << 20)
    sock = start_upload(server, 20 * len(chunk))
    sock.sendall(chunk * 10)
    server.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    sock.sendall(chunk * 10)
    answer = b""
    while received := sock.recv(4096):
        answer += received
    answer = answer.decode()
    sock.close()
    assert answer.startswith("HTTP/1.1 201 ")
    assert answer.endswith(hashlib.sha512(chunk * 20).hexdigest())
    # The one SIGTERM already sent must be enough: a second one would mean "stop now" (130).
    assert server.proc.wait(timeout=30) == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=5)


def test_push_downloads_sends_each_content_once(slap, server):
    cache = slap.home / "dl"
    (cache / "by-md5").mkdir(parents=True)
    (cache / "by-sha256").mkdir()
    (cache / "by-url" / "example.com").mkdir(parents=True)
    (cache / "by-md5" / "aa").write_bytes(b"tarball")
    os.link(cache / "by-md5" / "aa", cache / "by-sha256" / "bb")
    (cache / "by-url" / "example.com" / "x.tgz").write_bytes(b"tarball")
    (cache / "by-md5" / "cc").write_bytes(b"patch")
    (cache / "by-md5" / ".cc.tmp123").write_bytes(b"half a download")
    configure(slap, server)
    with open(slap.cwd / "slap.toml", "a") as f:  # configure() ends with the [build] table
        f.write(f'download-cache = "{cache}"\n')
    r = slap("--json", "cache-push", "--downloads")
    assert r.code == 0, r
    got = {os.path.relpath(p["file"], cache): p["status"] for p in r.json["result"]}
    assert got == {"by-md5/aa": "uploaded", "by-md5/cc": "uploaded"}
    assert len(server.blob_files()) == 2
    r = slap("cache-push", "--downloads")
    assert r.code == 0 and r.out.count("already there") == 2, r
    assert server.access_log.read_text().count('"POST /shacache/missing HTTP/1.1" 200') == 2


def test_cache_push_usage_errors(slap, server):
    configure(slap, server)
    assert slap("cache-push").code == 2
    assert slap("cache-push", "--downloads", "f").code == 2
    r = slap("cache-push", "nope")
    assert r.code == 2 and "nope: no such file" in r.err, r
    (slap.cwd / "slap.toml").write_text("")
    (slap.cwd / "f").write_bytes(b"x")
    r = slap("cache-push", "f")
    assert r.code == 3 and "no upload cache configured" in r.err, r


def test_serve_rejects_a_bad_listen_address(slap, tmp_path):
    r = slap("cache-serve", "--root", tmp_path / "r", "--listen", "localhost")
    assert r.code == 2, r
    assert "--listen: expected HOST:PORT" in r.err
