"""Load on `slap cache-serve`, loopback only and bounded: 64 concurrent clients send 10,000
mixed requests, a quarter of them malformed. The server must not crash, every answer to a
bad request must be a 4xx, every blob served or stored must match its digest."""
import hashlib
import http.client
import json
import os
import random
import socket
import threading
import time

from cache_server import CacheServer, sha512_file

CLIENTS = 64
REQUESTS = 10_000
DEADLINE_SECONDS = 300  # a hung server fails the test instead of hanging it


def raw(port, data):
    """Status code of a hand-written request (0 when the server just closed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        answer = sock.recv(64)
    parts = answer.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


class Load:
    def __init__(self, server, known):
        self.server = server
        self.known = known            # digest -> bytes, uploaded before the load
        self.uploaded = set()
        self.problems = []
        self.lock = threading.Lock()
        self.counts = {}              # HTTP requests by kind
        self.actions = 0

    def call(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def expect(self, name, status, wanted, detail=""):
        ok = status in wanted if isinstance(wanted, (set, range)) else status == wanted
        with self.lock:
            self.counts[name] = self.counts.get(name, 0) + 1
            if not ok:
                self.problems.append(f"{name}: got {status}, expected {wanted} {detail}")

    # -- well-formed requests
    def get_known(self, rng):
        digest = rng.choice(list(self.known))
        status, body = self.call("GET", "/shacache/" + digest)
        self.expect("get", status, 200)
        if hashlib.sha512(body).hexdigest() != digest:
            with self.lock:
                self.problems.append(f"corrupt download of {digest}")

    def head_known(self, rng):
        self.expect("head", self.call("HEAD", "/shacache/" + rng.choice(list(self.known)))[0], 200)

    def upload(self, rng):
        data = rng.randbytes(rng.choice([0, 1, 100, 5000, 70000]))
        digest = hashlib.sha512(data).hexdigest()
        status, body = self.call("POST", "/shacache", data, {"Authorization": "Bearer " + self.server.token})
        self.expect("upload", status, 201)
        if body.decode(errors="replace") != digest:
            with self.lock:
                self.problems.append(f"upload answered {body[:40]!r}, expected {digest}")
        with self.lock:
            self.uploaded.add(digest)

    def put_matching(self, rng):
        data = rng.randbytes(300)
        digest = hashlib.sha512(data).hexdigest()
        status, _ = self.call("PUT", "/shacache/" + digest, data, {"Authorization": "Bearer " + self.server.token})
        self.expect("put", status, 201)
        with self.lock:
            self.uploaded.add(digest)

    def missing(self, rng):
        absent = hashlib.sha512(rng.randbytes(8)).hexdigest()
        asked = [rng.choice(list(self.known)), absent]
        status, body = self.call("POST", "/shacache/missing", json.dumps(asked))
        self.expect("missing", status, 200)
        if status == 200 and json.loads(body) != [absent]:
            with self.lock:
                self.problems.append(f"missing answered {body[:80]!r}")

    def shadir(self, rng):
        key = f"file-urlmd5:{rng.randrange(20)}"
        info = json.dumps({"sha512": rng.choice(list(self.known)), "n": rng.random()})
        status, _ = self.call("PUT", "/shadir/" + key, json.dumps([info, ""]),
                              {"Authorization": "Bearer " + self.server.token})
        self.expect("shadir-put", status, 201)
        status, body = self.call("GET", "/shadir/" + key)
        self.expect("shadir-get", status, 200)
        if status == 200 and [info, ""] not in json.loads(body):
            with self.lock:
                self.problems.append(f"entry missing under {key}")

    # -- malformed requests: each must get a 4xx
    def malformed(self, rng):
        port = self.server.port
        token = {"Authorization": "Bearer " + self.server.token}
        kind = rng.randrange(12)
        if kind == 0:
            status = self.call("GET", rng.choice(["/", "/../../etc/passwd", "/shacache/zz", "/shadir/",
                                                  "/shacache/" + "A" * 128, "/x" * 3000]))[0]
        elif kind == 1:
            status = self.call("POST", "/shacache/missing", rng.choice(["{", "[1,2]", '["abc"]', "null", "\xff"]))[0]
        elif kind == 2:
            status = self.call("PUT", "/shadir/k", rng.choice(["[", '["x"]', '["[1]", ""]', '[1, 2]']), token)[0]
        elif kind == 3:
            status = self.call(rng.choice(["DELETE", "PATCH", "OPTIONS"]), "/shacache/" + "a" * 128)[0]
        elif kind == 4:
            status = self.call("GET", "/shacache/" + "b" * 128, headers={"X-Big": "h" * rng.choice([9000, 70000])})[0]
        elif kind == 5:
            status = raw(port, rng.choice([b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"\x00\x01\x02\r\n\r\n",
                                           b"GET / HTTP/9.9 extra\r\n\r\n"]))
        elif kind == 6:
            status = self.call("POST", "/shacache", b"no token")[0]
        elif kind == 7:
            status = self.call("POST", "/shacache", b"bad token", {"Authorization": "Bearer nope"})[0]
        elif kind == 8:
            data = rng.randbytes(50)
            status = self.call("PUT", "/shacache/" + hashlib.sha512(b"other").hexdigest(), data, token)[0]
        elif kind == 9:
            status = raw(port, b"POST /shacache HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n")
        elif kind == 10:
            status = raw(port, b"GET /shacache/" + b"c" * 128 + b" HTTP/1.1\r\n" +
                         b"".join(b"X-%d: y\r\n" % i for i in range(150)) + b"\r\n")
        else:
            status = self.call("POST", "/shacache/" + "d" * 128, b"x", token)[0]
        self.expect(f"malformed-{kind}", status, range(400, 500))

    def worker(self, seed, count, deadline):
        rng = random.Random(seed)
        actions = [self.get_known] * 4 + [self.head_known, self.upload, self.put_matching, self.missing,
                                          self.shadir] + [self.malformed] * 3
        for _ in range(count):
            if time.monotonic() > deadline:
                with self.lock:
                    self.problems.append("deadline reached")
                return
            try:
                rng.choice(actions)(rng)
                with self.lock:
                    self.actions += 1
            except OSError as e:
                with self.lock:
                    self.problems.append(f"connection error: {e!r}")


def test_load_64_clients_10000_mixed_requests(slap, tmp_path):
    server = CacheServer(slap, tmp_path / "root", extra=["--max-size", str(1 << 20)])
    try:
        rng = random.Random(7)
        known = {}
        for size in [0, 1, 10, 1000, 100_000, 1 << 20]:
            data = rng.randbytes(size)
            status, body = server.request("POST", "/shacache", data, token=server.token)
            assert status == 201
            known[body.decode()] = data
        load = Load(server, known)
        started = time.monotonic()
        threads = [threading.Thread(target=load.worker, args=(i, REQUESTS // CLIENTS + (i < REQUESTS % CLIENTS),
                                                               started + DEADLINE_SECONDS))
                   for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        print(f"{sum(load.counts.values())} requests in {elapsed:.1f} s: {sorted(load.counts.items())}")
        assert server.alive(), "the server crashed"
        assert load.actions == REQUESTS
        assert load.problems == []
        stored = {os.path.basename(p): p for p in server.blob_files()}
        assert load.uploaded | set(known) <= set(stored)
        corrupt = [name for name, path in stored.items() if sha512_file(path) != name]
        assert corrupt == []
        code, _ = server.stop()
        assert code == 0
    finally:
        if server.alive():
            server.kill()
