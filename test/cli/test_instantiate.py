"""slap instantiate: examples/hello deployed into a partition, parameters checked against
its schema, published connection parameters, re-runs, template errors; and slap promise on
the result with the instance's web server running."""
import hashlib
import json
import os
import socket
import subprocess
import time

import pytest

from conftest import copy_hello


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def software(slap):
    """examples/hello (with components/hello) copied into the test directory and built."""
    sr = copy_hello(slap.cwd)
    r = slap("build", cwd=sr)
    assert r.code == 0, r
    assert (sr / "instance.cfg").is_file()
    return sr


def instantiate(slap, software, partition, *args):
    return slap("--json", "instantiate", "-s", software, *args, partition)


def test_instantiate_publishes_connection_parameters_and_lays_out_the_partition(slap, software):
    part = slap.cwd / "part"
    r = instantiate(slap, software, part, "--param", "greeting=Bonjour", "--param", "port:=18123")
    assert r.code == 0, r
    assert r.json["result"] == {"greeting": "Bonjour", "url": "http://127.0.0.1:18123/"}
    for d in ("etc/promise", "etc/plugin", "etc/service", "bin", "srv", "var/log", "tmp"):
        assert (part / d).is_dir(), d
    page = (part / "srv/www/index.html").read_text()
    assert "<p>Bonjour (partition part, built with " in page
    service = (part / "etc/service/hello-web").read_text()
    assert service.split() == ["#!/bin/sh", "-e", "exec", "/usr/bin/python3", "-m", "http.server", "--bind", "\\",
                               "127.0.0.1", "--directory", str(part / "srv/www"), "\\", "18123", '"$@"']
    plugins = sorted(p.name for p in (part / "etc/plugin").iterdir())
    assert plugins == ["hello-page-not-empty.py", "hello-url-available.py"]
    assert json.loads((part / "etc/plugin/hello-url-available.py").read_text()) == {
        "module": "check_url_available", "config": {"url": "http://127.0.0.1:18123/"}}


def test_same_parameters_change_nothing_new_ones_update(slap, software):
    part = slap.cwd / "part"
    assert instantiate(slap, software, part, "--param", "greeting=One").code == 0
    page = part / "srv/www/index.html"
    before = page.stat().st_mtime_ns
    again = slap("instantiate", "-s", software, "--param", "greeting=One", part)
    assert again.code == 0, again
    assert "Installing" not in again.err and "Updating" not in again.err, again
    assert page.stat().st_mtime_ns == before
    changed = instantiate(slap, software, part, "--param", "greeting=Two")
    assert changed.code == 0, changed
    assert changed.json["result"]["greeting"] == "Two"
    assert "<p>Two (" in page.read_text()


@pytest.mark.parametrize("name,text", [
    ("params.json", '{"greeting": "From JSON", "port": 18124}'),
    ("params.yaml", "greeting: From YAML\nport: 18124\n"),
    ("params.toml", 'greeting = "From TOML"\nport = 18124\n'),
])
def test_parameters_from_json_yaml_toml(slap, software, name, text):
    (slap.cwd / name).write_text(text)
    r = instantiate(slap, software, slap.cwd / "part", "-p", name)
    assert r.code == 0, r
    fmt = name.split(".")[1].upper()
    assert r.json["result"] == {"greeting": f"From {fmt}", "url": "http://127.0.0.1:18124/"}


@pytest.mark.parametrize("args,path,rule", [
    (["--param", "port:=80"], "/port", "greater than or equal to 1024"),
    (["--param", "port=8080"], "/port", "type"),
    (["--param", "colour=blue"], "", "colour"),
    (["--param", "greeting="], "/greeting", "length"),
])
def test_bad_parameters_exit_3_naming_the_json_path_and_rule(slap, software, args, path, rule):
    part = slap.cwd / "part"
    r = slap("instantiate", "-s", software, *args, part)
    assert r.code == 3, r
    assert f"parameter {path or '/'}" in r.err or f"parameter {path}" in r.err, r.err
    assert rule.lower() in r.err.lower(), r.err
    assert "instance-input-schema.json" in r.err
    assert not (part / "buildout.cfg").exists(), "nothing is deployed with bad parameters"


def test_parameters_nested_too_deep_are_refused_not_a_crash(slap, software):
    part = slap.cwd / "part"
    (slap.cwd / "deep.json").write_text('{"greeting": ' + "[" * 100000 + "]" * 100000 + "}")
    r = slap("instantiate", "-s", software, "-p", "deep.json", part)
    assert r.code == 3, r
    assert "nested more than 512 levels deep" in r.err and "deep.json" in r.err, r.err
    r = slap("instantiate", "-s", software, "--param", "greeting:=" + "[" * 600 + "]" * 600, part)
    assert r.code == 2, r
    assert "'greeting': JSON nested more than 512 levels deep" in r.err, r.err
    for depth in (600, 5000):  # past slap's limit, and past yaml-cpp's own
        (slap.cwd / "deep.yaml").write_text("greeting: " + "[" * depth + "]" * depth + "\n")
        r = slap("instantiate", "-s", software, "-p", "deep.yaml", part)
        assert r.code == 3, r
        assert "YAML nested more than 512 levels deep" in r.err and "deep.yaml" in r.err, r.err
    assert not (part / "buildout.cfg").exists()


def test_bad_schema_is_reported_as_such(slap, software):
    (software / "instance-input-schema.json").write_text('{"type": "object", "properties": {"port": {"minimum": "x"}}}')
    r = slap("instantiate", "-s", software, slap.cwd / "part")
    assert r.code == 3, r
    assert "not a valid JSON Schema" in r.err and "instance-input-schema.json" in r.err, r.err


def test_unknown_software_type_lists_the_known_ones(slap, software):
    r = slap("instantiate", "-s", software, "--type", "frontend", slap.cwd / "part")
    assert r.code == 3, r
    assert "frontend" in r.err and "default" in r.err, r.err


def test_software_not_built_says_so(slap, tmp_path):
    (tmp_path / "sr").mkdir()
    r = slap("instantiate", "-s", tmp_path / "sr", slap.cwd / "part")
    assert r.code == 3, r
    assert "missing file instance.cfg" in r.err and "slap build" in r.err, r.err


def rebuild_with_template(slap, software, text):
    """Replaces instance.cfg.in (and its md5sum in software.cfg), then builds."""
    template = software / "instance.cfg.in"
    old_sum = hashlib.md5(template.read_bytes()).hexdigest()
    template.write_text(text)
    cfg = software / "software.cfg"
    cfg.write_text(cfg.read_text().replace(old_sum, hashlib.md5(text.encode()).hexdigest()))
    return slap("build", cwd=software)


def test_undefined_template_variable_fails_with_location(slap, software):
    r = rebuild_with_template(slap, software, "[buildout]\nparts =\n\n# {{ hello_location }}\nx = {{ no_such_thing }}\n")
    assert r.code == 3, r
    assert "instance.cfg.in:5:" in r.err and "'no_such_thing' is undefined" in r.err, r.err
    assert "instance-profile" in r.err


def test_template_syntax_error_fails_with_location(slap, software):
    r = rebuild_with_template(slap, software, "[buildout]\n{% if x %}\nparts =\n")
    assert r.code == 3, r
    assert "instance.cfg.in:" in r.err and "endif" in r.err, r.err


def test_promises_pass_with_the_service_running_and_fail_without(slap, software):
    part = slap.cwd / "part"
    port = free_port()
    assert instantiate(slap, software, part, "--param", f"port:={port}").code == 0
    service = subprocess.Popen([str(part / "etc/service/hello-web")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the instance's web server did not start"
                time.sleep(0.05)
        ok = slap("--json", "promise", "run", part)
        assert ok.code == 0, ok
    finally:
        os.killpg(service.pid, 15)
        service.wait(timeout=20)
    failed = slap("promise", "run", "--force", part)
    assert failed.code == 4, failed
    assert "hello-url-available" in failed.err + failed.out


def test_a_failing_request_leaves_the_partition_as_it_was(slap, tmp_path):
    """An instance template that cannot render with the new parameters, then parameters the
    schema refuses: the partition keeps the page, profile and request of the last good run."""
    sr = tmp_path / "sr"
    sr.mkdir()
    (sr / "instance.cfg").write_text(
        "[buildout]\nparts = page publish\n\n"
        "[config]\nrecipe = slapos.cookbook:slapconfiguration\nurl = ${slap-connection:server-url}\n"
        "computer = x\npartition = y\n\n"
        "[page]\nrecipe = slapos.recipe.template:jinja2\noutput = ${buildout:directory}/srv/page.txt\n"
        "context = key conf config:configuration\n"
        "inline = {{ conf['title'] }}\n\n"
        "[publish]\nrecipe = slapos.cookbook:publish\ntitle = ${config:configuration.title}\n")
    (sr / "software.cfg.json").write_text(json.dumps(
        {"name": "t", "software-type": {"default": {"title": "d", "request": "schema.json"}}}))
    (sr / "schema.json").write_text(json.dumps(
        {"type": "object", "properties": {"title": {"type": "string"}, "other": {"type": "integer"}}}))
    part = slap.cwd / "part"
    good = instantiate(slap, sr, part, "--param", "title=First")
    assert good.code == 0, good
    assert good.json["result"] == {"title": "First"}
    page, profile, request = part / "srv/page.txt", part / "buildout.cfg", part / ".slap/instance.json"
    before = {f: f.read_bytes() for f in (page, profile, request)}
    page_mtime = page.stat().st_mtime_ns

    bad = slap("instantiate", "-s", sr, "--param", "other:=1", part)
    assert bad.code == 3, bad
    assert "title" in bad.err and "rendering [page]" in bad.err, bad.err
    refused = slap("instantiate", "-s", sr, "--param", "other=x", part)
    assert refused.code == 3 and "/other" in refused.err, refused

    assert {f: f.read_bytes() for f in (page, profile, request)} == before
    assert page.stat().st_mtime_ns == page_mtime
    again = instantiate(slap, sr, part, "--param", "title=First")
    assert again.code == 0 and again.json["result"] == {"title": "First"}, again
    assert "Installing" not in again.err, again
