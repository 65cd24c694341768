"""Remote profiles (`-c URL` and remote `extends`) go through the download layer: fetched
when online and kept in the download cache, read only from that cache with --offline."""
import functools
import http.server
import threading

import pytest


@pytest.fixture
def web(tmp_path):
    """An HTTP server on 127.0.0.1 (ephemeral port) serving tmp_path/www."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.root = root
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def test_show_remote_profile_online_then_offline(slap, web):
    (web.root / "base.cfg").write_text("[app]\nrecipe = r\nflags = -O2\n")
    (web.root / "software.cfg").write_text("[buildout]\nextends = base.cfg\nparts = app\n[app]\nflags += -g\n")
    url = web.url + "/software.cfg"
    r = slap("show", "-c", url, "app:flags")
    assert (r.code, r.out) == (0, "-O2\n-g\n"), r

    # Offline, the copies kept by the online run are used.
    r = slap("--offline", "show", "-c", url, "app:flags")
    assert (r.code, r.out) == (0, "-O2\n-g\n"), r


def test_show_remote_profile_offline_miss_names_the_url(slap, web):
    url = web.url + "/never-fetched.cfg"
    r = slap("--offline", "show", "-c", url)
    assert r.code == 1, r
    cache = slap.home / ".cache" / "slap" / "download"
    assert f"offline: {url} is not in the download cache ({cache})" in r.err


def test_show_remote_profile_http_error(slap, web):
    url = web.url + "/missing.cfg"
    r = slap("show", "-c", url)
    assert r.code == 1, r
    assert f"cannot download {url}: HTTP 404" in r.err
