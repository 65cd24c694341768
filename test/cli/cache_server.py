"""Runs `slap cache-serve --listen 127.0.0.1:0` for CLI tests, and speaks HTTP to it."""
import hashlib
import http.client
import json
import os
import select
import signal
import subprocess

from conftest import SLAP


def sha512_file(path):
    h = hashlib.sha512()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class CacheServer:
    """One server process on a loopback ephemeral port; stop() sends SIGTERM."""

    def __init__(self, slap, root, token="t0ken", extra=(), store=None, env=None):
        """`store`: the arguments naming the store instead of --root ROOT (ROOT then only
        names the token, log and stderr files); `env`: variables added to slap's."""
        self.root = root
        self.token = token
        self.token_file = root.parent / (root.name + ".token")
        self.token_file.write_text(token + "\n")
        self.access_log = root.parent / (root.name + ".access.log")
        self.stderr_path = root.parent / (root.name + ".stderr")
        store = ["--root", str(root)] if store is None else list(store)
        self.argv = [os.path.abspath(SLAP), "--json", "cache-serve", *store,
                     "--listen", "127.0.0.1:0", "--upload-token-file", str(self.token_file),
                     "--access-log", str(self.access_log), *map(str, extra)]
        self.env = {**slap.env, **(env or {})}
        self.cwd = slap.cwd
        self.start()

    def start(self):
        with open(self.stderr_path, "ab") as err:
            self.proc = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdout=subprocess.PIPE,
                                         stderr=err, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.proc.kill()
            raise RuntimeError("cache-serve did not start: " + self.stderr_path.read_text())
        self.port = json.loads(line)["port"]
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self, timeout=30):
        """SIGTERM, then the exit code and the final --json document."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def alive(self):
        return self.proc.poll() is None

    def request(self, method, path, body=None, headers=None, token=None):
        """(status, body bytes) of one request on its own connection."""
        headers = dict(headers or {})
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def blob_files(self):
        """Every file under ROOT/shacache: what the server would ever serve."""
        found = []
        for dirpath, _, files in os.walk(self.root / "shacache"):
            found += [os.path.join(dirpath, f) for f in files]
        return found
