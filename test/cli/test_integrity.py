"""Faults and bad input that must never lose or corrupt data: the home of every such case
(special files as outputs, full disks, tampered caches, lying peers, concurrent runs,
hostile Range headers and template names)."""
import hashlib
import http.client
import http.server
import json
import os
import socket
import stat
import subprocess
import tarfile
import threading
import time

import pytest

from cache_server import CacheServer
from conftest import SLAP, copy_hello, serve_directory


def profile(slap, text):
    (slap.cwd / "buildout.cfg").write_text("[buildout]\n" + text)


# ---- 1. outputs that are not regular files


def test_render_writes_through_a_fifo_instead_of_replacing_it(slap):
    (slap.cwd / "t.j2").write_text("{{ 6 * 7 }}\n")
    fifo = slap.cwd / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo).read()), daemon=True)
    reader.start()
    r = slap("render", "t.j2", "-o", "pipe")
    reader.join(10)
    assert r.code == 0, r
    assert got == ["42"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO is still a FIFO"


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_render_to_a_device_node_keeps_the_node(slap):
    (slap.cwd / "t.j2").write_text("discarded\n")
    null = slap.cwd / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    r = slap("render", "t.j2", "-o", "null")
    assert r.code == 0, r
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert os.lstat(null).st_rdev == os.makedev(1, 3)


def test_render_through_a_symlink_keeps_the_link(slap):
    (slap.cwd / "t.j2").write_text("new\n")
    (slap.cwd / "real.txt").write_text("old\n")
    os.symlink("real.txt", slap.cwd / "link")
    r = slap("render", "t.j2", "-o", "link")
    assert r.code == 0, r
    assert os.path.islink(slap.cwd / "link")
    assert (slap.cwd / "real.txt").read_text() == "new"


def test_render_refuses_a_directory_as_output(slap):
    (slap.cwd / "t.j2").write_text("x\n")
    (slap.cwd / "dir").mkdir()
    r = slap("render", "t.j2", "-o", "dir")
    assert r.code == 1, r
    assert "Is a directory" in r.err
    assert (slap.cwd / "dir").is_dir()


def test_template_recipe_output_on_a_fifo_is_written_through(slap):
    fifo = slap.cwd / "out"
    os.mkfifo(fifo)
    profile(slap, f"parts = t\n[t]\nrecipe = slapos.recipe.template\noutput = {fifo}\ninline = hello\n")
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo).read()), daemon=True)
    reader.start()
    r = slap("build")
    reader.join(10)
    assert r.code == 0, r
    assert got == ["hello"] or got == ["hello\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# ---- 2. a full disk


@pytest.fixture
def small_filesystem(tmp_path):
    """A 2 MiB tmpfs (needs root and mount(2)): a disk that fills up for real."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
                                           capture_output=True).returncode != 0:
        pytest.skip("a full disk is simulated with a small tmpfs: needs root and mount(2)")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)])


def test_a_full_disk_while_unpacking_fails_the_part_and_records_nothing(slap, tmp_path, small_filesystem):
    src = tmp_path / "src" / "big-1.0"
    src.mkdir(parents=True)
    (src / "big").write_bytes(os.urandom(4 << 20))  # not zeros: libarchive would write those as a hole
    archive = tmp_path / "big.tar.gz"
    with tarfile.open(archive, "w:gz") as t:
        t.add(src, arcname="big-1.0")
    md5 = hashlib.md5(archive.read_bytes()).hexdigest()
    destination = small_filesystem / "d"
    profile(slap, f"parts = d\n[d]\nrecipe = slapos.recipe.build:download-unpacked\n"
                  f"url = file://{archive}\nmd5sum = {md5}\ndestination = {destination}\n")
    r = slap("build")
    assert r.code == 1, r
    assert "cannot extract" in r.err and "No space left on device" in r.err
    installed = slap.cwd / ".installed.cfg"
    assert not installed.exists() or "[d]" not in installed.read_text()
    assert not destination.exists()
    assert list(small_filesystem.iterdir()) == [], "no staging directory left behind"
    r = slap("build")
    assert r.code == 1, "not recorded as installed: built again, and fails again"


# ---- 3. the download cache is checked on every use


def test_a_tampered_download_cache_entry_is_downloaded_again(slap, tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    (www / "data.txt").write_text("the real bytes\n")
    httpd, url = serve_directory(www)
    try:
        md5 = hashlib.md5(b"the real bytes\n").hexdigest()
        profile(slap, f"parts = d\n[d]\nrecipe = slapos.recipe.build:download\nurl = {url}/data.txt\n"
                      f"filename = data.txt\nmd5sum = {md5}\n")
        assert slap("build").code == 0
        entry = slap.home / ".cache" / "slap" / "download" / "by-md5" / md5
        assert entry.read_text() == "the real bytes\n"
        entry.write_text("tampered bytes!\n")
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (elsewhere / "buildout.cfg").write_text((slap.cwd / "buildout.cfg").read_text())
        r = slap("build", cwd=elsewhere)
        assert r.code == 0, r
        assert "was changed" in r.err
        assert (elsewhere / "parts" / "d" / "data.txt").read_text() == "the real bytes\n"
        assert entry.read_text() == "the real bytes\n"
        entry.write_text("tampered bytes!\n")
        offline = tmp_path / "offline"
        offline.mkdir()
        (offline / "buildout.cfg").write_text((slap.cwd / "buildout.cfg").read_text())
        r = slap("--offline", "build", cwd=offline)
        assert r.code == 1, r
        assert not (offline / "parts" / "d" / "data.txt").exists()
    finally:
        httpd.shutdown()


# ---- 4. a peer that sends more than it announced


class EndlessPeer(http.server.BaseHTTPRequestHandler):
    """Lists one blob of 13 bytes, then streams its body without end."""
    sha512 = hashlib.sha512(b"thirteen byte").hexdigest()

    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path.startswith("/shacache/list"):
            body = json.dumps({"blobs": [{"sha512": self.sha512, "size": 13}], "next": None}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.end_headers()  # no Content-Length: the body ends when the connection does
        try:
            for _ in range(1 << 14):
                self.wfile.write(b"x" * 65536)
        except OSError:
            pass


def test_sync_pull_never_takes_more_bytes_than_announced(slap, tmp_path):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EndlessPeer)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        root = tmp_path / "store"
        start = time.monotonic()
        r = slap("sync", "pull", f"http://127.0.0.1:{httpd.server_address[1]}", "--root", root, timeout=60)
        assert time.monotonic() - start < 30
        assert r.code != 0 or "larger than 13 bytes" in r.err, r
        assert "larger than 13 bytes" in r.err, r
        total = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
        assert total < 1 << 20, f"{total} bytes kept"
    finally:
        httpd.shutdown()


# ---- 5. two builds in one directory


def test_a_second_build_waits_for_the_first(slap):
    profile(slap, "parts = slow\n[slow]\nrecipe = plone.recipe.command\n"
                  "command = echo run >> runs.txt && sleep 2\nstop-on-error = true\n")
    first = subprocess.Popen([os.path.abspath(SLAP), "build"], cwd=slap.cwd, env=slap.env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.7)
    second = slap("build")
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert second.code == 0, second
    assert "another slap build" in second.err and "waiting" in second.err
    assert (slap.cwd / "runs.txt").read_text() == "run\n", "the part ran once"


# ---- 6. Range headers


@pytest.fixture
def blob_server(slap, tmp_path):
    s = CacheServer(slap, tmp_path / "store")
    data = os.urandom(1000)
    status, body = s.request("POST", "/shacache", data, token=s.token)
    assert status == 201
    yield s, "/shacache/" + body.decode(), data
    if s.alive():
        s.stop()


def ranged(server, path, spec):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("GET", path, headers={"Range": spec})
        r = conn.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
    finally:
        conn.close()


@pytest.mark.parametrize("spec", ["bytes=999999999999-", "bytes=1000-", "bytes=5-3", "bytes=-0",
                                  "bytes=99999999999999999999999-", "bytes=abc-", "bytes=2000-3000,4000-"])
def test_unsatisfiable_or_malformed_ranges_get_416(blob_server, spec):
    server, path, _ = blob_server
    status, headers, _ = ranged(server, path, spec)
    assert status == 416, (spec, status, headers)
    assert headers.get("content-range") == "bytes */1000"


@pytest.mark.parametrize("spec,first,last", [("bytes=10-19", 10, 19), ("bytes=990-", 990, 999),
                                             ("bytes=-5", 995, 999), ("bytes=995-5000", 995, 999)])
def test_satisfiable_ranges_get_exactly_their_bytes(blob_server, spec, first, last):
    server, path, data = blob_server
    status, headers, body = ranged(server, path, spec)
    assert status == 206, (spec, status)
    assert body == data[first:last + 1]
    assert int(headers["content-length"]) == last - first + 1


def test_a_range_set_partly_past_the_end_never_gets_a_bogus_length(blob_server):
    server, path, data = blob_server
    status, headers, body = ranged(server, path, "bytes=0-9,5000-")
    assert status in (200, 206)
    assert int(headers["content-length"]) == len(body) <= len(data) + 1000


# ---- 7. two servers on one store


def test_a_second_server_on_the_same_store_refuses_to_start(slap, tmp_path):
    root = tmp_path / "store"
    first = CacheServer(slap, root)
    try:
        status, body = first.request("POST", "/shacache", b"kept", token=first.token)
        assert status == 201
        r = slap("cache-serve", "--root", root, "--listen", "127.0.0.1:0",
                 "--upload-token-file", first.token_file, timeout=30)
        assert r.code == 1, r
        assert "another slap cache-serve" in r.err and str(first.proc.pid) in r.err
        status, _ = first.request("POST", "/shacache", b"still accepted", token=first.token)
        assert status == 201
    finally:
        first.stop()


# ---- 8. show prints what build uses


def test_show_prints_the_shared_location_the_build_uses(slap):
    release = copy_hello(slap.cwd)
    shared = slap.home / "shared"
    (slap.home / ".config" / "slap").mkdir(parents=True)
    (slap.home / ".config" / "slap" / "slap.toml").write_text(f'[build]\nshared-parts = "{shared}"\n')
    shown = slap("show", "hello-wrapper:command-line", cwd=release)
    assert shown.code == 0, shown
    binary = shown.out.strip()
    assert binary.startswith(str(shared / "hello")), binary
    assert slap("build", cwd=release).code == 0
    assert os.access(binary, os.X_OK), binary
    assert slap("show", "hello-wrapper:command-line", cwd=release).out.strip() == binary


def test_show_without_shared_directories_uses_parts(slap):
    release = copy_hello(slap.cwd)
    shown = slap("show", "hello-wrapper:command-line", cwd=release)
    assert shown.out.strip() == str(release / "parts" / "hello" / "bin" / "hello")
    assert slap("build", cwd=release).code == 0
    assert os.access(shown.out.strip(), os.X_OK)


def test_show_of_a_section_in_error_fails(slap):
    profile(slap, "parts =\n[bad]\nx = ${nowhere:y}\n")
    r = slap("show", "bad")
    assert r.code != 0, r
    assert "nowhere" in r.err


# ---- 9. templates read only under their search path


def test_include_of_an_absolute_name_is_looked_up_under_the_search_path(slap):
    (slap.cwd / "t.j2").write_text('{% include "/etc/passwd" %}')
    r = slap("render", "t.j2")
    assert r.code != 0, r
    assert "root:" not in r.out
    assert "TemplateNotFound" in r.err or "not found" in r.err
    (slap.cwd / "etc").mkdir()
    (slap.cwd / "etc" / "passwd").write_text("local file\n")
    r = slap("render", "t.j2")
    assert r.code == 0, r
    assert r.out == "local file"


def test_include_with_dotdot_is_refused(slap, tmp_path):
    (tmp_path / "secret.txt").write_text("secret\n")
    (slap.cwd / "t.j2").write_text('{% include "../secret.txt" %}')
    r = slap("render", "t.j2")
    assert r.code != 0, r
    assert "secret" not in r.out
    assert "'..' is not allowed" in r.err


# ---- smaller ones


def test_json_errors_name_the_command(slap):
    r = slap("--json", "show", "-c", "absent.cfg")
    assert r.code != 0
    assert r.json["command"] == "show"


def test_zero_jobs_is_refused_everywhere(slap):
    r = slap("-j", "0", "show")
    assert r.code == 2, r
    assert "at least 1" in r.err and len(r.err) < 300
    r = slap("show", env={"SLAP_CORE_JOBS": "0"})
    assert r.code == 3, r
    assert "at least 1" in r.err


def unused_port():
    """A loopback port nothing listens on: connecting there fails (after retries)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_offline_remote_extends_are_refused_without_network(slap):
    profile(slap, f"extends = http://127.0.0.1:{unused_port()}/base.cfg\nparts =\n")
    start = time.monotonic()
    r = slap("show", "buildout:offline=true")
    assert r.code != 0, r
    assert "offline mode" in r.err
    assert time.monotonic() - start < 2


def test_an_unreachable_remote_extends_is_tried_once(slap):
    profile(slap, f"extends = http://127.0.0.1:{unused_port()}/base.cfg\nparts =\n")
    r = slap("show")
    assert r.code != 0, r
    assert r.err.count("retrying") <= 3, r.err
