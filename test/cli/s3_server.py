"""Runs npm's s3rver (test/tools/s3rver, installed by `make test-tools`) on 127.0.0.1 with
an ephemeral port, for the tests of cache stores kept in S3."""
import os
import re
import select
import shutil
import subprocess
from pathlib import Path

from conftest import SLAP

# s3rver accepts this key pair (and does not check SigV4 signatures themselves).
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER", "AWS_DEFAULT_REGION": "us-east-1"}


def s3rver_command():
    """The argv prefix that runs s3rver, or None with the reason it cannot run."""
    node = shutil.which("node") or shutil.which("nodejs")
    if not node:
        return None, "node is not installed (Debian: nodejs; `make deps`)"
    candidates = [os.environ.get("SLAP_S3RVER", ""),
                  Path(os.path.abspath(SLAP)).parents[2] / "test-tools/s3rver/node_modules/s3rver/bin/s3rver.js",
                  Path(__file__).parents[1] / "tools/s3rver/node_modules/s3rver/bin/s3rver.js"]
    for script in candidates:
        if script and Path(script).is_file():
            # s3rver's continuation tokens use DES, which OpenSSL 3 keeps in its legacy provider.
            return [node, "--openssl-legacy-provider", str(script)], None
    return None, "s3rver is not installed: run `make test-tools` (npm install of test/tools/s3rver)"


class S3rver:
    def __init__(self, directory, buckets=("cache",)):
        command, why = s3rver_command()
        if command is None:
            raise RuntimeError(why)
        directory.mkdir(parents=True, exist_ok=True)
        self.log_path = directory.parent / (directory.name + ".log")
        argv = [*command, "-d", str(directory), "-a", "127.0.0.1", "-p", "0", "--silent"]
        for bucket in buckets:
            argv += ["--configure-bucket", bucket]
        self.log = open(self.log_path, "wb")
        # Unbuffered: select() then sees every line still unread.
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.log, bufsize=0)
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        line = self.proc.stdout.readline().decode() if ready else ""
        while ready and not line.strip():
            ready, _, _ = select.select([self.proc.stdout], [], [], 30)
            line = self.proc.stdout.readline().decode() if ready else ""
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"s3rver did not start: {line!r} {self.log_path.read_text()}")
        self.port = int(match.group(1))
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
