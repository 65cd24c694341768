"""slapos.cookbook recipes of instance profiles, built by `slap build`: cron.d and cron,
logrotate and logrotate.d, free_port, userinfo, symbolic.link, cns.recipe.symlink,
simplelogger."""
import grp
import os
import pwd
import socket
import signal
import subprocess
import time


def build(slap, text):
    (slap.cwd / "buildout.cfg").write_text("[buildout]\n" + text)
    return slap("build")


def test_cron_d_writes_one_crontab_line_from_a_frequency_or_a_calendar_spec(slap):
    r = build(slap, """parts = a b cron
[a]
recipe = slapos.cookbook:cron.d
cron-entries = ${buildout:directory}/etc/cron.d
name = logrotate
frequency = 0 0 * * *
command = ${buildout:directory}/bin/logrotate
[b]
recipe = slapos.cookbook:cron.d
cron-entries = ${buildout:directory}/etc/cron.d
name = check
time = Mon,Fri 12:30
command = echo hi
[cron]
recipe = slapos.cookbook:cron
dcrond-binary = /opt/dcron/sbin/crond
cron-entries = ${buildout:directory}/etc/cron.d
crontabs = ${buildout:directory}/etc/crontabs
cronstamps = ${buildout:directory}/etc/cronstamps
catcher = ${buildout:directory}/bin/sendmail
binary = ${buildout:directory}/etc/service/crond
log-file = ${buildout:directory}/var/log/crond.log
""")
    assert r.code == 0, r
    d = slap.cwd / "etc/cron.d"
    assert (d / "logrotate").read_text() == f"0 0 * * * {slap.cwd}/bin/logrotate\n"
    assert (d / "check").read_text() == "30 12 * * 1,5 echo hi\n"
    wrapper = (slap.cwd / "etc/service/crond").read_text()
    assert wrapper.startswith("#!/bin/sh -e\nexec /opt/dcron/sbin/crond -s ")
    assert f"-f -l 5 -M {slap.cwd}/bin/sendmail -L {slap.cwd}/var/log/crond.log \"$@\"\n" in \
        wrapper.replace(" \\\n\t", " ")
    bad = build(slap, """parts = a
[a]
recipe = slapos.cookbook:cron.d
cron-entries = ${buildout:directory}/etc/cron.d
name = x
time = 12:30:10
command = true
""")
    assert bad.code == 3 and "[a] time: Invalid systemd calendar spec '12:30:10'" in bad.err, bad


def test_logrotate_configuration_and_entries(slap):
    for d in ("etc/logrotate.d", "bin"):
        (slap.cwd / d).mkdir(parents=True)
    r = build(slap, """parts = logrotate entry
[logrotate]
recipe = slapos.cookbook:logrotate
logrotate-entries = ${buildout:directory}/etc/logrotate.d
conf = ${buildout:directory}/etc/logrotate.conf
gzip-binary = /bin/gzip
gunzip-binary = /bin/gunzip
logrotate-binary = /usr/sbin/logrotate
state-file = ${buildout:directory}/srv/logrotate.status
wrapper = ${buildout:directory}/bin/logrotate
[entry]
recipe = slapos.cookbook:logrotate.d
logrotate-entries = ${buildout:directory}/etc/logrotate.d
backup = ${buildout:directory}/srv/backup
name = web
log = ${buildout:directory}/var/log/web.log
post = kill -HUP 1
""")
    assert r.code == 0, r
    d = slap.cwd
    assert (d / "etc/logrotate.conf").read_text() == (
        f"compresscmd /bin/gzip\ncompressoptions -9\nuncompresscmd /bin/gunzip\ninclude {d}/etc/logrotate.d")
    assert (d / "etc/logrotate.d/web").read_text() == (
        f"{d}/var/log/web.log {{\ndaily\ndateext\nrotate 3650\ncompress\ndelaycompress\nnotifempty\n"
        f"sharedscripts\ncreate\nolddir {d}/srv/backup\npostrotate\nkill -HUP 1\nendscript\n}}\n")
    assert oct((d / "etc/logrotate.d/web").stat().st_mode & 0o777) == "0o600"
    assert "exec /usr/sbin/logrotate -s" in (d / "bin/logrotate").read_text()


def test_free_port_picks_the_first_free_port_and_keeps_it_once_installed(slap):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    first = busy.getsockname()[1]
    profile = f"""parts = show
[port]
recipe = slapos.cookbook:free_port
ip = 127.0.0.1
minimum = {first}
maximum = {first + 50}
[show]
recipe = slapos.recipe.template
output = ${{buildout:directory}}/port.txt
inline = ${{port:port}}
"""
    r = build(slap, profile)
    assert r.code == 0, r
    chosen = int((slap.cwd / "port.txt").read_text())
    assert first < chosen <= first + 50
    busy.close()
    # Installed: kept, although a smaller port is free now.
    assert build(slap, profile).code == 0
    assert int((slap.cwd / "port.txt").read_text()) == chosen
    same = build(slap, profile.replace(f"maximum = {first + 50}", f"maximum = {first}"))
    assert same.code == 0 and int((slap.cwd / "port.txt").read_text()) == chosen, same


def test_userinfo_names_who_builds(slap):
    r = build(slap, """parts = show
[user]
recipe = slapos.cookbook:userinfo
[show]
recipe = slapos.recipe.template
output = ${buildout:directory}/user.txt
inline = ${user:pw-name} ${user:pw-uid} ${user:pw-gid} ${user:pw-dir} ${user:gr-name} ${user:gr-gid}
""")
    assert r.code == 0, r
    pw = pwd.getpwuid(os.getuid())
    gr = grp.getgrgid(os.getgid())
    assert (slap.cwd / "user.txt").read_text() == (
        f"{pw.pw_name} {pw.pw_uid} {pw.pw_gid} {pw.pw_dir} {gr.gr_name} {gr.gr_gid}\n")


def test_symbolic_links_both_recipes(slap):
    (slap.cwd / "src").mkdir()
    (slap.cwd / "src/tool").write_text("x")
    (slap.cwd / "bin").mkdir()
    (slap.cwd / "bin/old").symlink_to("/nowhere")
    r = build(slap, """parts = links cns
[links]
recipe = slapos.cookbook:symbolic.link
target-directory = ${buildout:directory}/bin
link-binary =
  ${buildout:directory}/src/tool
  /nowhere/old
[cns]
recipe = cns.recipe.symlink
symlink_base = ${buildout:directory}/src
symlink =
  tool = ${buildout:directory}/public/tool-link
  tool
symlink_target = ${buildout:directory}/public
autocreate = true
""")
    assert r.code == 0, r
    assert os.readlink(slap.cwd / "bin/tool") == str(slap.cwd / "src/tool")
    assert os.readlink(slap.cwd / "bin/old") == "/nowhere/old"
    assert os.readlink(slap.cwd / "public/tool-link") == str(slap.cwd / "src/tool")
    assert os.readlink(slap.cwd / "public/tool") == str(slap.cwd / "src/tool")
    (slap.cwd / "bin/y").write_text("a file in the way")
    (slap.cwd / "buildout.cfg").write_text((slap.cwd / "buildout.cfg").read_text().replace("/nowhere/old", "/x/y"))
    blocked = slap("build")
    assert blocked.code == 1 and "already exists but is not a link" in blocked.err, blocked


def test_simplelogger_appends_stdin_with_a_dated_prefix(slap):
    r = build(slap, """parts = logger
[logger]
recipe = slapos.cookbook:simplelogger
wrapper = ${buildout:directory}/bin/log
log = ${buildout:directory}/var/log/notes.log
""")
    assert r.code == 0, r
    (slap.cwd / "var/log").mkdir(parents=True)
    for text in ("one\ntwo\n", "three"):
        subprocess.run([str(slap.cwd / "bin/log")], input=text, text=True, check=True)
    lines = (slap.cwd / "var/log/notes.log").read_text().splitlines()
    assert [l.split(" ", 1)[1] for l in lines] == ["one", "two", "------------------------", "three",
                                                  "------------------------"]
    prefix = lines[0].split(" ", 1)[0]
    assert len(prefix.split(".")) == 3 and prefix.endswith(":")


CA = """parts = ca request
[directory]
recipe = slapos.cookbook:mkdirectory
ca-dir = ${buildout:directory}/srv/ssl
requests = ${:ca-dir}/requests
private = ${:ca-dir}/private
certs = ${:ca-dir}/certs
newcerts = ${:ca-dir}/newcerts
etc = ${buildout:directory}/etc
service = ${:etc}/service
[ca]
recipe = slapos.cookbook:certificate_authority
openssl-binary = openssl
ca-dir = ${directory:ca-dir}
requests-directory = ${directory:requests}
wrapper = ${directory:service}/certificate-authority
ca-private = ${directory:private}
ca-certs = ${directory:certs}
ca-newcerts = ${directory:newcerts}
[request]
recipe = slapos.cookbook:certificate_authority.request
key-file = ${directory:etc}/web.key
cert-file = ${directory:etc}/web.crt
executable = /bin/true
wrapper = ${directory:service}/web
requests-directory = ${directory:requests}
ca-private = ${directory:private}
ca-certs = ${directory:certs}
"""


def test_certificate_authority_signs_what_is_requested(slap):
    r = build(slap, CA)
    assert r.code == 0, r
    etc = slap.cwd / "etc"
    assert os.readlink(etc / "web.key").startswith(str(slap.cwd / "srv/ssl/private/"))
    requests = os.listdir(slap.cwd / "srv/ssl/requests")
    assert len(requests) == 1 and len(requests[0]) == 128
    assert "name = request\n" in (slap.cwd / "srv/ssl/requests" / requests[0]).read_text()
    service = subprocess.Popen([str(etc / "service/certificate-authority")], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not (etc / "web.crt").exists():
            assert time.monotonic() < deadline, "no certificate signed"
            time.sleep(0.1)
    finally:
        os.killpg(service.pid, signal.SIGTERM)
        service.wait()
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(slap.cwd / "srv/ssl/cacert.pem"), str(etc / "web.crt")],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify
    subject = subprocess.run(["openssl", "x509", "-noout", "-subject", "-in", str(etc / "web.crt")],
                             capture_output=True, text=True).stdout
    assert "CN = request" in subject
    # The service waiting for both files runs once they exist.
    assert subprocess.run([str(etc / "service/web")], timeout=10).returncode == 0


# openssl, except that with SLAP_TEST_STALL set `openssl ca` writes the start of its
# certificate and hangs: what a service killed while signing leaves behind.
STALLING_OPENSSL = """#!/bin/sh
if [ "$1" = ca ] && [ -n "$SLAP_TEST_STALL" ]; then
  out= prev=
  for a in "$@"; do [ "$prev" = -out ] && out=$a; prev=$a; done
  printf '%s\\nMIIB' '-----BEGIN CERTIFICATE-----' > "$out"
  exec sleep 60
fi
exec openssl "$@"
"""


def run_until(command, env, done, what):
    service = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not done():
            assert time.monotonic() < deadline, what
            time.sleep(0.05)
    finally:
        os.killpg(service.pid, signal.SIGKILL)
        service.wait()


def test_certificate_authority_killed_while_signing_leaves_no_half_certificate(slap):
    fake = slap.cwd / "stalling-openssl"
    fake.write_text(STALLING_OPENSSL)
    fake.chmod(0o755)
    r = build(slap, CA.replace("openssl-binary = openssl", f"openssl-binary = {fake}"))
    assert r.code == 0, r
    etc, certs = slap.cwd / "etc", slap.cwd / "srv/ssl/certs"
    wrapper = [str(etc / "service/certificate-authority")]
    stall = dict(os.environ, SLAP_TEST_STALL="1")
    run_until(wrapper, stall, lambda: any(f.stat().st_size for f in certs.iterdir()), "openssl ca never started")
    # Killed (-9) halfway through: the certificate is not there, not even in part...
    assert not (etc / "web.crt").exists()
    # ...so the next run signs it again, whole.
    run_until(wrapper, dict(os.environ), lambda: (etc / "web.crt").exists(), "no certificate signed")
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(slap.cwd / "srv/ssl/cacert.pem"), str(etc / "web.crt")],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify


def test_legacy_promise_recipes_write_promises_that_pass_and_fail(slap):
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    port = listening.getsockname()[1]
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/ok" else 404)
            self.end_headers()

        def log_message(self, *a):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    web = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        r = build(slap, f"""parts = port port-closed url url-missing same differs ipv6 not-ipv4
[port]
recipe = slapos.cookbook:check_port_listening
path = ${{buildout:directory}}/etc/promise/port
hostname = 127.0.0.1
port = {port}
[port-closed]
<= port
path = ${{buildout:directory}}/etc/promise/port-closed
port = 1
[url]
recipe = slapos.cookbook:check_url_available
path = ${{buildout:directory}}/etc/promise/url
url = {web}/ok
dash_path = /bin/sh
curl_path = curl
[url-missing]
<= url
path = ${{buildout:directory}}/etc/promise/url-missing
url = {web}/missing
[same]
recipe = slapos.cookbook:check_parameter
path = ${{buildout:directory}}/etc/promise/same
value = a b
expected-value = a b
[differs]
<= same
path = ${{buildout:directory}}/etc/promise/differs
expected-value =
expected-not-value = a b
[ipv6]
recipe = slapos.cookbook:check_parameter
path = ${{buildout:directory}}/etc/promise/ipv6
value = ::1
expected-type = ipv6
[not-ipv4]
<= ipv6
path = ${{buildout:directory}}/etc/promise/not-ipv4
expected-type = ipv4
""")
        assert r.code == 0, r
        runs = {}
        for name in ("port", "port-closed", "url", "url-missing", "same", "differs", "ipv6", "not-ipv4"):
            p = subprocess.run([str(slap.cwd / "etc/promise" / name)], capture_output=True, text=True, timeout=30)
            runs[name] = (p.returncode, (p.stderr + p.stdout).strip())
        promise = slap("--json", "promise", "run", "--only", "port", "--only", "url")
        assert promise.code == 0, promise
    finally:
        server.shutdown()
        server.server_close()
        listening.close()
    assert runs["port"] == (0, "")
    assert runs["port-closed"] == (127, "127.0.0.1 on 1 is not listening")
    assert runs["url"] == (0, "")
    assert runs["url-missing"] == (2, f"{web}/missing is not available (returned 404, expected 200).")
    assert runs["same"] == (0, "")
    assert runs["differs"] == (127, "FAIL: a b == a b")
    assert runs["ipv6"] == (0, "")
    assert runs["not-ipv4"][0] == 127


def test_simplehttpserver_serves_and_writes_when_allowed(slap):
    port = socket.socket()
    port.bind(("127.0.0.1", 0))
    number = port.getsockname()[1]
    port.close()
    (slap.cwd / "www").mkdir()
    (slap.cwd / "www/index.html").write_text("served")
    r = build(slap, f"""parts = server
[server]
recipe = slapos.cookbook:simplehttpserver
host = 127.0.0.1
port = {number}
base-path = ${{buildout:directory}}/www
wrapper = ${{buildout:directory}}/bin/server
log-file = ${{buildout:directory}}/server.log
allow-write = true
""")
    assert r.code == 0, r
    import urllib.parse
    import urllib.request
    server = subprocess.Popen([str(slap.cwd / "bin/server")], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{number}/index.html", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, server.stderr.read()
                time.sleep(0.1)
        assert page == b"served"
        data = urllib.parse.urlencode({"path": "sub/new.txt", "content": "hello", "clear": "1"}).encode()
        answer = urllib.request.urlopen(f"http://127.0.0.1:{number}/", data=data, timeout=5).read()
        assert answer == b"Content written to sub/new.txt"
        assert (slap.cwd / "www/sub/new.txt").read_text() == "hello"
        escape = urllib.parse.urlencode({"path": "../out.txt", "content": "x"}).encode()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{number}/", data=escape, timeout=5)
            assert False, "a path out of base-path was written"
        except urllib.error.HTTPError as e:
            assert e.code == 403
        assert not (slap.cwd / "out.txt").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert "Writing received content to file" in (slap.cwd / "server.log").read_text()
    bad = build(slap, "parts = s\n[s]\nrecipe = slapos.cookbook:simplehttpserver\nhost = 127.0.0.1\n"
                      "socketpath = /tmp/x\nport = 1\nbase-path = /\nwrapper = /tmp/w\nlog-file = /tmp/l\n")
    assert bad.code == 3 and "Specify one of (host, port) | socketpath | abstract" in bad.err, bad
