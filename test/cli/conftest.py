"""Fixtures for CLI tests: each test runs the built binary ($SLAP) in its own temporary
directory with its own HOME, so no user configuration leaks in."""
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading

import pytest

SLAP = os.environ.get("SLAP") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "cmd", "slap", "slap")
SOURCE_ROOT = os.environ.get("SLAP_SOURCE_ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))


class Run:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    @property
    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return f"<exit {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}>"


class Slap:
    def __init__(self, cwd, home):
        self.cwd = cwd
        self.home = home
        self.env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                    "XDG_CONFIG_HOME": str(home / ".config"), "LANG": "C.UTF-8"}

    def __call__(self, *args, cwd=None, env=None, input=None, timeout=120):
        e = dict(self.env)
        if env:
            e.update(env)
        proc = subprocess.run([os.path.abspath(SLAP), *map(str, args)], cwd=cwd or self.cwd,
                              env=e, capture_output=True, text=True, input=input,
                              timeout=timeout)
        return Run(proc)


def listed_commands(slap):
    """The commands `slap --help` lists, without `help` itself."""
    section = slap("--help").out.split("SUBCOMMANDS:")[-1]
    return [c for c in re.findall(r"^  ([a-z][a-z-]+)\s", section, re.M) if c != "help"]


@pytest.fixture
def slap(tmp_path):
    work = tmp_path / "work"
    home = tmp_path / "home"
    work.mkdir()
    home.mkdir()
    return Slap(work, home)


@pytest.fixture
def source_root():
    return SOURCE_ROOT


def copy_hello(dest):
    """A clean copy of examples/hello and components/hello under dest (what slap build and
    the demo write there left out); returns the release directory."""
    for rel in ("examples/hello", "components/hello"):
        shutil.copytree(os.path.join(SOURCE_ROOT, rel), os.path.join(dest, rel),
                        ignore=shutil.ignore_patterns(".installed.cfg", ".slap", "bin", "etc", "parts",
                                                      "develop-eggs", "instance.cfg", "partition"))
    return dest / "examples" / "hello"


@pytest.fixture
def static_server(tmp_path):
    """A static HTTP server on 127.0.0.1 (ephemeral port) serving tmp_path/www, stopped
    after the test: yields (that directory, its base URL)."""
    root = tmp_path / "www"
    root.mkdir()
    httpd, url = serve_directory(root)
    yield root, url
    httpd.shutdown()


def serve_directory(root):
    """Serves `root` on 127.0.0.1 from a daemon thread; returns (server, base URL). The
    caller stops it with server.shutdown()."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.RequestHandlerClass.log_message = lambda *a: None
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def share_parts(slap):
    """Shared parts (`shared = true`) go to ~/.cache/slap/shared, as on a SlapOS node
    (without this setting they are built in parts/, as buildout does)."""
    config = slap.home / ".config" / "slap"
    config.mkdir(parents=True, exist_ok=True)
    (config / "slap.toml").write_text('[build]\nshared-parts = "~/.cache/slap/shared"\n')
    return slap.home / ".cache" / "slap" / "shared"


def sanitized():
    """True when $SLAP is an ASan build (-Dsanitize=true): its shadow memory makes resident
    sizes meaningless, so memory bounds are not checked then."""
    ldd = subprocess.run(["ldd", os.path.abspath(SLAP)], capture_output=True, text=True)
    return "libasan" in ldd.stdout
