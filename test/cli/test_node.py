"""slap request + slap node: examples/hello deployed into a partition with its service under
supervisord, repaired when its process dies or a promise fails, stopped, destroyed; bad
requests; a release that fails to build; kill -9 of slap node. Every test stops the node's
supervisord at its end, and checks that no process it started is left."""
import http.server
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request

import pytest

from conftest import SLAP, copy_hello


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_under(root):
    """Live (non-zombie) processes whose command line mentions root."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(root) in cmdline and state != "Z":
            found.append((int(pid), cmdline))
    return found


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} within {timeout} s"
        time.sleep(0.05)


def http_get(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status, r.read().decode()
    except OSError:
        return None, ""


class Node:
    def __init__(self, slap, root):
        self.slap = slap
        self.root = root

    def __call__(self, *args, **kw):
        return self.slap(*args, "--root", self.root, **kw)

    def request(self, title, url, *args):
        return self.slap("--json", "request", title, url, "--root", self.root, *args)

    def status(self):
        r = self.slap("--json", "node", "status", "--root", self.root)
        assert r.code == 0, r
        return r.json["result"]

    def partition(self, pid):
        return self.root / "instance" / pid

    def service_pid(self, pid, name):
        for p in self.status()["partitions"]:
            if p["id"] == pid:
                for s in p["services"]:
                    if s["name"] == name:
                        return s["pid"]
        return None

    def stop(self):
        if (self.root / "var/run/supervisord.sock").exists():
            self.slap("node", "supervisorctl", "shutdown", "--root", self.root)
        wait_for(lambda: not processes_under(self.root), 30, "every process of the node gone")


@pytest.fixture
def node(slap, tmp_path):
    config = slap.home / ".config" / "slap"
    config.mkdir(parents=True, exist_ok=True)
    (config / "slap.toml").write_text("[node]\npromise-wait = 5\n")
    n = Node(slap, tmp_path / "node")
    r = n("node", "format", "--partitions", "3")
    assert r.code == 0, r
    yield n
    n.stop()
    assert not processes_under(n.root)


@pytest.fixture
def hello(slap):
    return copy_hello(slap.cwd) / "software.cfg"


def deploy_hello(node, hello, port, greeting="Hello from a node"):
    r = node.request("hello", hello, "--param", f"port:={port}", "--param", f"greeting={greeting}")
    assert r.code == 4, r  # recorded, not deployed yet
    assert r.json["result"]["ready"] is False and r.json["result"]["partition"] == "slappart0"
    once = node("node", "--once")
    assert once.code == 0, once
    assert once.out == "", once
    r = node.request("hello", hello, "--param", f"port:={port}", "--param", f"greeting={greeting}")
    assert r.code == 0, r
    return r.json["result"]


def test_hello_deployed_by_request_and_node_once_answers_on_its_published_url(node, hello):
    port = free_port()
    result = deploy_hello(node, hello, port)
    assert result["connection"] == {"url": f"http://127.0.0.1:{port}/", "greeting": "Hello from a node"}
    assert result["status"] == "started"
    status, page = http_get(result["connection"]["url"])
    assert status == 200
    assert "Hello from a node (partition slappart0" in page
    plain = node.slap("request", "hello", hello, "--param", f"port:={port}", "--param",
                      "greeting=Hello from a node", "--root", node.root)
    assert plain.code == 0 and f"url = http://127.0.0.1:{port}/\n" in plain.out, plain
    part = node.partition("slappart0")
    assert (part / ".timestamp").read_text().strip() == str(result["timestamp"])
    s = node.status()
    assert s["supervisord"]["running"] is True
    services = s["partitions"][0]["services"]
    assert [(x["name"], x["up"]) for x in services] == [("hello-web", True)]
    assert {p["title"]: p["failed"] for p in s["partitions"][0]["promises"]} == {
        "hello-page-not-empty": False, "hello-url-available": False}
    assert "processing 'hello'" in (part / ".slapgrid/log/instance.log").read_text()


def test_an_unchanged_partition_is_skipped_a_changed_request_reprocesses_it(node, hello):
    port = free_port()
    deploy_hello(node, hello, port, "One")
    page = node.partition("slappart0") / "srv/www/index.html"
    before = page.stat().st_mtime_ns
    again = node("--json", "node", "instance")
    assert again.code == 0, again
    assert again.json["result"]["instance"]["partitions"][0]["action"] == "skipped"
    assert page.stat().st_mtime_ns == before
    r = node.request("hello", hello, "--param", f"port:={port}", "--param", "greeting=Two")
    assert r.code == 0 and r.json["result"]["connection"]["greeting"] == "One", r  # still the old values
    changed = node("--json", "node", "instance")
    assert changed.code == 0, changed
    assert changed.json["result"]["instance"]["partitions"][0]["action"] == "processed"
    assert "<p>Two (" in http_get(f"http://127.0.0.1:{port}/")[1]
    assert node.request("hello", hello, "--param", f"port:={port}", "--param", "greeting=Two").json[
        "result"]["connection"]["greeting"] == "Two"


def test_a_killed_service_is_back_within_5_seconds(node, hello):
    port = free_port()
    url = deploy_hello(node, hello, port)["connection"]["url"]
    pid = node.service_pid("slappart0", "hello-web")
    assert pid and any(p == pid for p, _ in processes_under(node.root))
    os.kill(pid, signal.SIGKILL)
    start = time.monotonic()
    wait_for(lambda: http_get(url)[0] == 200 and node.service_pid("slappart0", "hello-web") not in (None, pid),
             5, "the web server answering again")
    assert time.monotonic() - start < 5


def test_destroyed_frees_the_partition_and_leaves_no_process(node, hello):
    port = free_port()
    deploy_hello(node, hello, port)
    r = node.request("hello", hello, "--state", "destroyed")
    assert r.code == 4, r
    once = node("node", "--once")
    assert once.code == 0, once
    r = node.request("hello", hello, "--state", "destroyed")
    assert r.code == 0, r
    assert r.json["result"]["status"] == "destroyed" and r.json["result"]["partition"] is None
    assert os.listdir(node.partition("slappart0")) == []
    assert not [c for _, c in processes_under(node.root) if "http.server" in c]
    assert http_get(f"http://127.0.0.1:{port}/")[0] is None
    assert node.status()["partitions"][0]["instance"] is None
    # The same title again: a new deployment in a free partition.
    again = deploy_hello(node, hello, port, "Back")
    assert again["partition"] == "slappart0"
    assert "<p>Back (" in http_get(f"http://127.0.0.1:{port}/")[1]


def test_stopped_stops_the_services_started_starts_them_again(node, hello):
    port = free_port()
    deploy_hello(node, hello, port)
    r = node.request("hello", hello, "--param", f"port:={port}", "--param", "greeting=Hello from a node",
                     "--state", "stopped")
    assert r.code == 0, r
    assert node("node", "--once").code == 0
    assert [x["state"] for x in node.status()["partitions"][0]["services"]] == ["STOPPED"]
    assert http_get(f"http://127.0.0.1:{port}/")[0] is None
    assert node.request("hello", hello, "--param", f"port:={port}", "--param",
                        "greeting=Hello from a node").json["result"]["status"] == "stopped"
    assert node("node", "--once").code == 0
    assert http_get(f"http://127.0.0.1:{port}/")[0] == 200


def test_unknown_software_type_and_schema_breaking_parameters_exit_3(node, hello):
    r = node.slap("request", "hello", hello, "--type", "frontend", "--root", node.root)
    assert r.code == 3, r
    assert "unknown software type 'frontend'" in r.err and "default" in r.err, r.err
    r = node.slap("request", "hello", hello, "--param", "port:=80", "--root", node.root)
    assert r.code == 3, r
    assert "parameter /port is invalid" in r.err and "instance-input-schema.json" in r.err, r.err
    assert node.status()["partitions"][0]["instance"] is None  # nothing recorded
    missing = node.slap("request", "x", node.root / "nope.cfg", "--root", node.root)
    assert missing.code == 2 and "no such file" in missing.err, missing
    no_node = node.slap("request", "x", hello, "--root", node.root / "elsewhere")
    assert no_node.code == 2 and "slap node format" in no_node.err, no_node


def test_a_release_that_fails_to_build_fails_the_run_the_others_still_deploy(node, hello, slap):
    broken = slap.cwd / "broken"
    broken.mkdir()
    (broken / "software.cfg").write_text(
        "[buildout]\nparts = fail\n[fail]\nrecipe = plone.recipe.command\ncommand = echo no >&2; false\n"
        "stop-on-error = true\n")
    assert node.request("broken", broken / "software.cfg").code == 4
    port = free_port()
    assert node.request("hello", hello, "--param", f"port:={port}").code == 4
    r = node("--json", "node", "--once")
    assert r.code == 1, r
    result = r.json["result"]
    actions = {s["url"]: s["action"] for s in result["software"]}
    assert actions == {str(broken / "software.cfg"): "failed", str(hello): "built"}
    parts = {p["partition"]: p for p in result["instance"]["partitions"]}
    assert parts["slappart0"]["action"] == "failed"
    assert "is not installed yet" in parts["slappart0"]["error"]
    # What check_partition_deployment_state reads.
    error_log = node.partition("slappart0") / ".slapgrid-slappart0-error.log"
    assert "is not installed yet" in error_log.read_text()
    assert not (node.partition("slappart1") / ".slapgrid-slappart1-error.log").exists()
    assert parts["slappart1"]["action"] == "processed" and parts["slappart1"]["status"] == "started"
    assert http_get(f"http://127.0.0.1:{port}/")[0] == 200
    assert r.json["error"]["message"].startswith("2 releases or partitions failed: ")
    failed = node.slap("request", "broken", broken / "software.cfg", "--root", node.root)
    assert failed.code == 4 and "error" in failed.err, failed


def test_a_promise_failure_is_an_error_and_the_next_run_repairs_it(node, hello):
    class Unavailable(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_error(503)

        def log_message(self, *args):
            pass

    # Another server on the port: the instance's web server cannot listen, its URL
    # promise gets 503.
    blocker = http.server.HTTPServer(("127.0.0.1", 0), Unavailable)
    port = blocker.server_address[1]
    threading.Thread(target=blocker.serve_forever, daemon=True).start()
    try:
        assert node.request("hello", hello, "--param", f"port:={port}").code == 4
        r = node("--json", "node", "--once")
        assert r.code in (1, 4), r
        p = r.json["result"]["instance"]["partitions"][0]
        assert p["action"] == "failed" and "hello-url-available" in p["error"], p
        assert not (node.partition("slappart0") / ".timestamp").exists()
        assert node.request("hello", hello, "--param", f"port:={port}").json["result"]["status"] == "error"
    finally:
        blocker.shutdown()
        blocker.server_close()
    fixed = node("--json", "node", "--once")
    assert fixed.code == 0, fixed
    assert fixed.json["result"]["instance"]["partitions"][0]["action"] == "processed"
    assert http_get(f"http://127.0.0.1:{port}/")[0] == 200


def test_a_promise_anomaly_bangs_and_the_partition_is_processed_again(node, hello):
    port = free_port()
    deploy_hello(node, hello, port)
    part = node.partition("slappart0")
    (part / "srv/www/index.html").unlink()
    plugin = part / "etc/plugin/hello-page-not-empty.py"
    later = time.time() + 5  # a promise edited after its last run is run again
    os.utime(plugin, (later, later))
    r = node("--json", "node", "--once")
    assert r.code == 0, r
    assert r.json["result"]["instance"]["partitions"][0]["action"] == "processed"
    assert r.json["result"]["instance"]["passes"] == 2
    assert (part / "srv/www/index.html").read_text().strip() != ""
    assert "BANG hello-page-not-empty" in (part / ".slapgrid/log/promise-bang.log").read_text()


@pytest.mark.parametrize("delay", [0.3, 1.0, 1.8, 2.6])
def test_kill_9_of_slap_node_then_the_next_run_converges(node, hello, delay):
    port = free_port()
    assert node.request("hello", hello, "--param", f"port:={port}").code == 4
    proc = subprocess.Popen([os.path.abspath(SLAP), "node", "--once", "--root", str(node.root)],
                            env=node.slap.env, cwd=node.slap.cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    r = node("node", "--once")
    assert r.code == 0, r
    assert node.request("hello", hello, "--param", f"port:={port}").code == 0
    assert http_get(f"http://127.0.0.1:{port}/")[0] == 200


def test_node_loop_runs_until_interrupted(node, hello, slap):
    config = slap.home / ".config" / "slap" / "slap.toml"
    config.write_text(config.read_text() + "period = 1\n")
    port = free_port()
    assert node.request("hello", hello, "--param", f"port:={port}").code == 4
    proc = subprocess.Popen([os.path.abspath(SLAP), "node", "--root", str(node.root)], env=node.slap.env,
                            cwd=node.slap.cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: http_get(f"http://127.0.0.1:{port}/")[0] == 200, 60, "the loop deploying hello")
        # A request made while it loops is deployed by a later run.
        r = node.request("hello", hello, "--param", f"port:={port}", "--param", "greeting=Later")
        assert r.code == 0
        wait_for(lambda: "<p>Later (" in http_get(f"http://127.0.0.1:{port}/")[1], 30, "the new greeting")
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)


def test_a_second_node_run_at_the_same_time_fails_at_once(node, hello):
    from fcntl import flock, LOCK_EX
    lock = node.root / "var/run/instance.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as f:
        flock(f, LOCK_EX)
        r = node("node", "instance")
        assert r.code == 1, r
        assert "another slap node instance is running" in r.err, r.err


def test_status_json_and_format_grow(node, hello):
    r = node("--json", "node", "format", "--partitions", "5")
    assert r.code == 0, r
    assert r.json["result"]["added"] == ["slappart3", "slappart4"]
    s = node.status()
    assert [p["id"] for p in s["partitions"]] == [f"slappart{i}" for i in range(5)]
    assert s["supervisord"]["running"] is False
    assert node("node", "--once", "instance").code == 2


@pytest.fixture
def tree(slap, source_root):
    import shutil
    dest = slap.cwd / "examples" / "tree"
    shutil.copytree(os.path.join(source_root, "examples", "tree"), dest)
    return dest / "software.cfg"


def test_tree_root_requests_a_backend_and_a_shared_page_and_reads_them_back(node, tree):
    port = free_port()
    r = node.request("tree", tree, "--param", f"port:={port}", "--param", "page-text=Shared hello")
    assert r.code == 4, r
    once = node("--json", "node", "--once")
    assert once.code == 0, once
    assert once.json["result"]["instance"]["passes"] >= 2
    r = node.request("tree", tree, "--param", f"port:={port}", "--param", "page-text=Shared hello")
    assert r.code == 0, r
    c = r.json["result"]["connection"]
    assert c["backend-url"] == f"http://127.0.0.1:{port}/"
    assert c["page-url"].startswith(f"http://127.0.0.1:{port}/SOFT-")
    assert "Hello from the backend (tree backend)" in http_get(c["backend-url"])[1]
    assert "Shared hello (shared instance tree page)" in http_get(c["page-url"])[1]
    s = node.status()
    by_title = {p["instance"]["title"]: p for p in s["partitions"] if p["instance"]}
    assert by_title["tree"]["instance"]["software_type"] == "default"
    assert by_title["tree backend"]["instance"]["software_type"] == "backend"
    assert [x["name"] for x in by_title["tree backend"]["services"]] == ["web"]
    assert all(not p["failed"] for x in by_title.values() for p in x["promises"])
    assert [(i["title"], i["status"]) for i in s["shared"]] == [("tree page", "started")]
    # The shared page, as its requester sees it.
    page = node.slap("--json", "request", "tree page", tree, "--type", "backend", "--shared", "--param",
                     "text=Shared hello", "--root", node.root)
    assert page.code == 0 and page.json["result"]["connection"] == {"url": c["page-url"]}, page
    # Destroying the root destroys the tree.
    assert node.request("tree", tree, "--state", "destroyed").code == 4
    assert node("node", "--once").code == 0
    s = node.status()
    assert all(p["instance"] is None for p in s["partitions"])
    assert [(i["title"], i["status"]) for i in s["shared"]] == [("tree page", "destroyed")]
    assert not [c for _, c in processes_under(node.root) if "http.server" in c]


FAMILY_SOFTWARE = """
[buildout]
parts = instance
[instance]
recipe = slapos.recipe.template
url = ${:_profile_base_location_}/instance.cfg.in
output = ${buildout:directory}/instance.cfg
base = ${:_profile_base_location_}
"""

FAMILY_INSTANCE = """
[buildout]
parts = switch-softwaretype

[slap-configuration]
recipe = slapos.cookbook:slapconfiguration.serialised
computer = $${slap-connection:computer-id}
partition = $${slap-connection:partition-id}
url = $${slap-connection:server-url}
key = $${slap-connection:key-file}
cert = $${slap-connection:cert-file}

[root-profile]
recipe = slapos.recipe.template:jinja2
url = ${instance:base}/root.cfg.in
output = $${buildout:directory}/root.cfg
context = key children slap-configuration:configuration.children

[child-profile]
recipe = slapos.recipe.template
url = ${instance:base}/child.cfg.in
output = $${buildout:directory}/child.cfg

[switch-softwaretype]
recipe = slapos.cookbook:switch-softwaretype
default = root-profile:output
child = child-profile:output
"""

FAMILY_ROOT = """
[buildout]
parts = publish
{% for i in range(children | int) %}
[child-{{ i }}]
<= slap-connection
recipe = slapos.cookbook:request.serialised
software-url = ${slap-connection:software-release-url}
software-type = child
name = child-{{ i }}
config-number = {{ i }}
return = title number
{% endfor %}
[publish]
recipe = slapos.cookbook:publish.serialised
{%- for i in range(children | int) %}
child-{{ i }} = ${child-{{ i }}:connection-title} ${child-{{ i }}:connection-number}
{%- endfor %}
"""

FAMILY_CHILD = """
[buildout]
parts = publish
[publish]
recipe = slapos.cookbook:publish.serialised
title = ${slap-configuration:instance-title}
number = ${slap-configuration:configuration.number}
"""


def test_serialised_requests_round_trip_and_children_no_longer_requested_are_destroyed(node, slap):
    sr = slap.cwd / "family"
    sr.mkdir()
    for name, text in (("software.cfg", FAMILY_SOFTWARE), ("instance.cfg.in", FAMILY_INSTANCE),
                       ("root.cfg.in", FAMILY_ROOT), ("child.cfg.in", FAMILY_CHILD)):
        (sr / name).write_text(text)
    url = sr / "software.cfg"
    assert node.request("family", url, "--param", "children=2").code == 4
    r = node("node", "--once")
    assert r.code == 0, r
    r = node.request("family", url, "--param", "children=2")
    assert r.code == 0, r
    assert r.json["result"]["connection"] == {"child-0": "child-0 0", "child-1": "child-1 1"}
    assert sorted(p["instance"]["title"] for p in node.status()["partitions"] if p["instance"]) == [
        "child-0", "child-1", "family"]
    assert node.request("family", url, "--param", "children=1").code == 0
    r = node("node", "--once")
    assert r.code == 0, r
    assert node.request("family", url, "--param", "children=1").json["result"]["connection"] == {
        "child-0": "child-0 0"}
    assert sorted(p["instance"]["title"] for p in node.status()["partitions"] if p["instance"]) == [
        "child-0", "family"]


def test_a_child_of_an_unknown_type_keeps_its_parent_pending(node, slap):
    sr = slap.cwd / "family"
    sr.mkdir()
    for name, text in (("software.cfg", FAMILY_SOFTWARE), ("instance.cfg.in", FAMILY_INSTANCE),
                       ("root.cfg.in", FAMILY_ROOT.replace("software-type = child", "software-type = nope")),
                       ("child.cfg.in", FAMILY_CHILD)):
        (sr / name).write_text(text)
    assert node.request("family", sr / "software.cfg", "--param", "children=1").code == 4
    r = node("--json", "node", "--once")
    assert r.code == 1, r
    parts = {p["title"]: p for p in r.json["result"]["instance"]["partitions"]}
    assert "Connection parameter title not found" in parts["family"]["error"]
    assert "This software type (nope) isn't mapped" in parts["child-0"]["error"]


EARLY_INSTANCE = """
[buildout]
parts = publish

[slap-configuration]
recipe = slapos.cookbook:slapconfiguration
computer = ${slap-connection:computer-id}
partition = ${slap-connection:partition-id}
url = ${slap-connection:server-url}

[gen-password]
recipe = slapos.cookbook:generate.password
storage-path =

[publish-early]
recipe = slapos.cookbook:publish-early
-init =
  password gen-password:passwd

[publish]
recipe = slapos.cookbook:publish.serialised
-extends = publish-early
title = ${slap-configuration:instance-title}
"""


def test_publish_early_keeps_what_was_published_across_runs(node, slap):
    sr = slap.cwd / "early"
    sr.mkdir()
    (sr / "software.cfg").write_text(FAMILY_SOFTWARE)
    (sr / "instance.cfg.in").write_text(EARLY_INSTANCE.replace("${", "$${"))
    url = sr / "software.cfg"
    assert node.request("early", url).code == 4
    assert node("node", "--once").code == 0
    first = node.request("early", url)
    assert first.code == 0, first
    password = first.json["result"]["connection"]["password"]
    assert len(password) == 16 and first.json["result"]["connection"]["title"] == "early"
    # Processed again: gen-password makes a new password (it stores none), the published one stays.
    assert node("node", "--once", "--force").code == 0
    assert node.request("early", url).json["result"]["connection"]["password"] == password


def test_a_changed_wrapper_restarts_its_service_an_unchanged_one_keeps_running(node, hello):
    port = free_port()
    deploy_hello(node, hello, port, "One")
    wait_for(lambda: [s["state"] for s in node.status()["partitions"][0]["services"]] == ["RUNNING"], 10, "running")
    pid = node.service_pid("slappart0", "hello-web")
    r = node.request("hello", hello, "--param", f"port:={port}", "--param", "greeting=Two")
    assert node("node", "--once").code == 0
    assert node.service_pid("slappart0", "hello-web") == pid  # only the page changed
    assert "<p>Two (" in http_get(f"http://127.0.0.1:{port}/")[1]
    other = free_port()
    r = node.request("hello", hello, "--param", f"port:={other}", "--param", "greeting=Two")
    assert r.code == 0, r
    assert node("node", "--once").code == 0
    assert node.service_pid("slappart0", "hello-web") != pid
    assert http_get(f"http://127.0.0.1:{other}/")[0] == 200
    assert http_get(f"http://127.0.0.1:{port}/")[0] is None


def test_supply_destroyed_removes_a_release_no_instance_uses(node, hello):
    port = free_port()
    deploy_hello(node, hello, port)
    refused = node.slap("node", "supply", hello, "--state", "destroyed", "--root", node.root)
    assert refused.code == 3 and "is still used by 'hello'" in refused.err, refused
    assert node.request("hello", hello, "--state", "destroyed").code == 4
    assert node("node", "instance").code == 0
    r = node.slap("--json", "node", "supply", hello, "--state", "destroyed", "--root", node.root)
    assert r.code == 0, r
    path = r.json["result"]["path"]
    assert os.path.isdir(path)
    sw = node("--json", "node", "software")
    assert sw.code == 0, sw
    assert [(s["url"], s["action"]) for s in sw.json["result"]["software"]] == [(str(hello), "removed")]
    assert not os.path.exists(path)
    assert node.status()["software"] == []
    # Supplied again: built again.
    assert node.slap("node", "supply", hello, "--root", node.root).code == 0
    again = node("--json", "node", "software")
    assert [s["action"] for s in again.json["result"]["software"]] == ["built"]


def test_the_retention_lock_delays_destruction(node, hello):
    port = free_port()
    deploy_hello(node, hello, port)
    part = node.partition("slappart0")
    (part / ".slapos-retention-lock-delay").write_text("0.00003\n")  # days: 2.6 s
    assert node.request("hello", hello, "--state", "destroyed").code == 4
    r = node("--json", "node", "instance")
    assert r.code == 0, r
    p = r.json["result"]["instance"]["partitions"][0]
    assert (p["action"], p["status"]) == ("skipped", "destroying")
    until = int((part / ".slapos-retention-lock-date").read_text())
    assert abs(until - (time.time() + 2.6)) < 2
    assert node.request("hello", hello, "--state", "destroyed").json["result"]["message"].startswith(
        "retention lock: destroyed in ")
    assert http_get(f"http://127.0.0.1:{port}/")[0] is None  # stopped meanwhile
    assert [x["state"] for x in node.status()["partitions"][0]["services"]] == ["STOPPED"]
    time.sleep(max(0, until - time.time()) + 0.5)
    r = node("--json", "node", "instance")
    assert r.json["result"]["instance"]["partitions"][0]["action"] == "destroyed", r
    assert os.listdir(part) == []
