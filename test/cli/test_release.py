"""slap freeze and slap release: update-hash on the SlapOS corpus, freeze --check / freeze,
reproducible archives, atomic edits, git tagging, pre-caching in Shacache."""
import hashlib
import http.server
import os
import re
import shutil
import subprocess
import tarfile
import threading

import pytest

from cache_server import CacheServer
from conftest import SOURCE_ROOT
from test_cache import configure, make_key

CORPUS = os.path.join(SOURCE_ROOT, "..", "shared", "corpus", "slapos")
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1"}


def md5(data):
    return hashlib.md5(data).hexdigest()


def git(cwd, *args):
    env = dict(os.environ, HOME=str(cwd), **GIT_ENV)
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def make_repo(path, files):
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    for name, text in files.items():
        (path / name).write_text(text)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "initial")
    return git(path, "rev-parse", "HEAD").strip()


def recorded_md5sums(root):
    """(hash file, section, target, recorded md5) of every buildout.hash.cfg section, parsed
    independently of slap."""
    found = []
    for dirpath, _, files in os.walk(root):
        if "buildout.hash.cfg" not in files:
            continue
        section, options = None, {}
        lines = open(os.path.join(dirpath, "buildout.hash.cfg"), encoding="utf-8").read().splitlines()
        for line in lines + ["[end]"]:
            m = re.match(r"\[([^\]]+)\]", line)
            if m:
                if section and "md5sum" in options:
                    target = options.get("filename") or options.get("_update_hash_filename_") or section
                    found.append((dirpath, section, target, options["md5sum"]))
                section, options = m.group(1).strip(), {}
            elif "=" in line and not line.startswith("#"):
                k, v = line.split("=", 1)
                options[k.strip()] = v.strip()
    return found


def tree_bytes(root):
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            out[os.path.relpath(p, root)] = open(p, "rb").read()
    return out


@pytest.mark.skipif(not os.path.isdir(CORPUS), reason="../shared/corpus/slapos is absent")
def test_update_hash_reproduces_every_corpus_md5sum(slap, tmp_path):
    copy = tmp_path / "slapos"
    shutil.copytree(CORPUS, copy)
    before = tree_bytes(copy)
    recorded = recorded_md5sums(copy)
    present = [r for r in recorded if os.path.exists(os.path.join(r[0], r[2]))]
    matching = [r for r in present if md5(open(os.path.join(r[0], r[2]), "rb").read()) == r[3]]
    assert len(recorded) >= 600 and len(matching) == len(present)

    r = slap("--json", "release", "--update-hash", "--all", cwd=copy)
    assert r.code == 3, r  # two files named by hash files are not in the snapshot
    [step] = r.json["result"]["steps"]
    hashes = step["hashes"]
    missing = {(m["section"], m["target"]) for m in hashes["missing"]}
    assert missing == {(s, t) for d, s, t, _ in recorded if (d, s, t, _) not in present}
    assert len(missing) == len(recorded) - len(present)
    # Every md5sum recorded in a hash file for a present file is reproduced; the .cfg
    # template sections add 8 more, one of them stale upstream (software/postgres).
    assert hashes["matched"] >= len(matching)
    assert hashes["checked"] == hashes["matched"] + hashes["updated"] + len(missing)
    assert hashes["changed_files"] == [str(copy / "software/postgres/software.cfg")]
    print(f"update-hash on the corpus: {hashes['matched']} of {hashes['checked']} md5sums match, "
          f"{hashes['updated']} updated, {len(missing)} missing, {len(hashes['changed_files'])} files changed")

    after = tree_bytes(copy)
    assert after.keys() == before.keys()
    changed = [k for k in after if after[k] != before[k]]
    assert changed == ["software/postgres/software.cfg"]
    old, new = before[changed[0]].split(b"\n"), after[changed[0]].split(b"\n")
    assert [(a, b) for a, b in zip(old, new) if a != b] == [
        (b"md5sum = d8b833a2054b82b6031a9420008b58fd",
         b"md5sum = " + md5(after["software/postgres/instance.cfg.in"]).encode())]

    # Stale md5sums are rewritten back to the recorded ones, nothing else moves.
    victims = [r for r in present[:: len(present) // 3]][:3]
    for d, section, target, value in victims:
        p = os.path.join(d, "buildout.hash.cfg")
        text = open(p, "rb").read()
        open(p, "wb").write(text.replace(value.encode(), b"0" * 32, 1))
    r = slap("--json", "release", "--update-hash", "--all", cwd=copy)
    assert r.code == 3, r
    assert r.json["result"]["steps"][0]["hashes"]["updated"] == len(victims)
    assert tree_bytes(copy) == after


def test_update_hash_without_profile_uses_current_directory(slap):
    (slap.cwd / "instance.cfg.in").write_text("[buildout]\n")
    (slap.cwd / "buildout.hash.cfg").write_text("[instance]\r\nfilename = instance.cfg.in\r\nmd5sum = 00\r\n")
    (slap.cwd / "software.cfg").write_text(
        "[buildout]\nextends = buildout.hash.cfg\nparts = t\n[t]\nrecipe = slapos.recipe.template\n"
        "url = ${:_profile_base_location_}/t.in\nmd5sum = 11111111111111111111111111111111\n")
    (slap.cwd / "t.in").write_text("t\n")
    r = slap("--json", "release", "--update-hash")
    assert r.code == 0, r
    [step] = r.json["result"]["steps"]
    assert step["name"] == "update-hash" and step["ok"]
    assert [c["line"] for c in step["changes"]] == [3, 7]
    instance_md5, t_md5 = md5(b"[buildout]\n"), md5(b"t\n")
    assert (slap.cwd / "buildout.hash.cfg").read_bytes() == \
        f"[instance]\r\nfilename = instance.cfg.in\r\nmd5sum = {instance_md5}\r\n".encode()
    assert f"md5sum = {t_md5}\n" in (slap.cwd / "software.cfg").read_text()
    again = slap("release", "--update-hash")
    assert "2 of 2 md5sums match, 0 updated, 0 missing; 0 files changed" in again.out, again


def test_missing_template_file_is_a_clear_error(slap):
    text = "[instance]\nfilename = instance.cfg.in\nmd5sum = 00\n"
    (slap.cwd / "buildout.hash.cfg").write_text(text)
    r = slap("release", "--update-hash")
    assert r.code == 3, r
    hash_file = slap.cwd / "buildout.hash.cfg"
    assert f"slap: error: {hash_file}:3:1: [instance] file 'instance.cfg.in' does not exist" in r.err
    assert hash_file.read_text() == text


UNFROZEN = """[buildout]
parts = data src repo

[data]
recipe = slapos.recipe.build:download
url = ${:_profile_base_location_}/data.txt

[src]
recipe = slapos.recipe.cmmi
url = file://${:_profile_base_location_}/src.tar.gz
patches =
  ${:_profile_base_location_}/fix.patch

[repo]
recipe = slapos.recipe.build:gitclone
repository = REPO
branch = main
"""


def unfrozen_release(root, repo_revision_holder=None):
    root.mkdir(exist_ok=True)
    (root / "data.txt").write_text("data\n")
    (root / "src.tar.gz").write_bytes(b"src")
    (root / "fix.patch").write_text("--- a\n+++ b\n")
    repo = root.parent / "upstream"
    revision = make_repo(repo, {"README": "hello\n"})
    (root / "software.cfg").write_text(UNFROZEN.replace("REPO", str(repo)))
    return revision


def test_freeze_check_exits_4_then_freeze_pins_everything(slap):
    revision = unfrozen_release(slap.cwd)
    r = slap("--json", "freeze", "--check")
    assert r.code == 4, r
    items = r.json["result"]["items"]
    assert [(i["kind"], i["line"], i["missing"]) for i in items] == [
        ("download", 6, "md5sum"), ("download", 10, "md5sum"), ("patch", 11, "#md5"), ("gitclone", 16, "revision")]
    assert all(i["file"] == str(slap.cwd / "software.cfg") for i in items)
    assert r.json["error"]["kind"] == "drift"
    human = slap("freeze", "--check")
    assert human.code == 4
    assert f"{slap.cwd / 'software.cfg'}:16: [repo] gitclone {slap.cwd.parent / 'upstream'} main: no revision" in human.out
    assert (slap.cwd / "software.cfg").read_text() == UNFROZEN.replace("REPO", str(slap.cwd.parent / "upstream"))

    r = slap("freeze")
    assert r.code == 0, r
    text = (slap.cwd / "software.cfg").read_text()
    data_md5, src_md5, patch_md5 = md5(b"data\n"), md5(b"src"), md5(b"--- a\n+++ b\n")
    assert f"url = ${{:_profile_base_location_}}/data.txt\nmd5sum = {data_md5}\n" in text
    assert f"src.tar.gz\nmd5sum = {src_md5}\npatches" in text
    assert f"/fix.patch#{patch_md5}\n" in text
    assert f"repository = {slap.cwd.parent / 'upstream'}\nrevision = {revision}\nbranch = main\n" in text
    r = slap("freeze", "--check")
    assert (r.code, r.out) == (0, "freeze: everything is pinned\n"), r


def test_failed_download_during_freeze_changes_no_file(slap):
    unfrozen_release(slap.cwd)
    (slap.cwd / "fix.patch").unlink()
    before = (slap.cwd / "software.cfg").read_bytes()
    r = slap("freeze")
    assert r.code not in (0, 4), r
    assert "fix.patch" in r.err and "no file was changed" in r.err
    assert (slap.cwd / "software.cfg").read_bytes() == before
    assert sorted(p.name for p in slap.cwd.iterdir()) == ["data.txt", "software.cfg", "src.tar.gz"]


FROZEN = """[buildout]
parts = data

[data]
recipe = slapos.recipe.build:download
url = ${:_profile_base_location_}/data.txt
md5sum = %s
"""


def test_release_archive_is_reproducible(slap, tmp_path):
    (slap.cwd / "data.txt").write_text("data\n")
    (slap.cwd / "software.cfg").write_text(FROZEN % md5(b"data\n"))
    (slap.cwd / "bin").mkdir()
    (slap.cwd / "bin" / "tool").write_text("built")
    (slap.cwd / ".installed.cfg").write_text("")
    one, two = tmp_path / "one.tar.gz", tmp_path / "two.tar.gz"
    r = slap("--json", "release", "--archive", one)
    assert r.code == 0, r
    assert [s["name"] for s in r.json["result"]["steps"]] == ["lint", "update-hash", "archive"]
    os.utime(slap.cwd / "data.txt", (1, 1))  # mtimes must not matter
    assert slap("release", "--archive", two).code == 0
    assert one.read_bytes() == two.read_bytes()
    with tarfile.open(one) as t:
        members = t.getmembers()
    assert [m.name for m in members if m.isfile()] == ["work/data.txt", "work/software.cfg"]
    assert {(m.mtime, m.uid, m.gid, m.uname) for m in members} == {(0, 0, 0, "root")}


def test_release_archive_in_git_holds_tracked_files(slap, tmp_path):
    make_repo(slap.cwd, {"data.txt": "data\n", "software.cfg": FROZEN % md5(b"data\n")})
    (slap.cwd / "untracked.txt").write_text("x")
    one, two = slap.cwd / "one.tar.gz", tmp_path / "two.tar.gz"
    assert slap("release", "--archive", one).code == 0
    assert slap("release", "--archive", two).code == 0
    assert one.read_bytes() == two.read_bytes()
    with tarfile.open(one) as t:
        names = [m.name for m in t.getmembers() if m.isfile()]
    assert names == ["work/data.txt", "work/software.cfg"]


def test_tag_refuses_a_dirty_tree_then_commits_and_tags(slap):
    (slap.cwd / "t.in").write_text("v1\n")
    profile = FROZEN % md5(b"data\n") + "\n[t]\nrecipe = slapos.recipe.template\nurl = ${:_profile_base_location_}/t.in\n" \
        "md5sum = " + md5(b"v1\n") + "\noutput = ${buildout:directory}/t\n"
    make_repo(slap.cwd, {"data.txt": "data\n", "software.cfg": profile})
    (slap.cwd / "data.txt").write_text("edited\n")
    r = slap("release", "--tag", "1.0", env=GIT_ENV)
    assert r.code == 1, r
    assert "cannot tag: the work tree has uncommitted changes (data.txt)" in r.err
    assert git(slap.cwd, "tag") == ""

    git(slap.cwd, "checkout", "data.txt")
    (slap.cwd / "t.in").write_text("v2\n")
    git(slap.cwd, "commit", "-q", "-am", "new template")
    r = slap("--json", "release", "--tag", "1.0", env=GIT_ENV)
    assert r.code == 0, r
    assert [s["name"] for s in r.json["result"]["steps"]] == ["lint", "update-hash", "tag"]
    assert git(slap.cwd, "tag").split() == ["1.0"]
    assert git(slap.cwd, "log", "-1", "--format=%s").strip() == "Release 1.0"
    assert git(slap.cwd, "status", "--porcelain") == ""
    assert "md5sum = " + md5(b"v2\n") in git(slap.cwd, "show", "1.0:software.cfg")


def test_lint_reports_schema_problems_with_json_path(slap):
    (slap.cwd / "data.txt").write_text("data\n")
    (slap.cwd / "software.cfg").write_text(FROZEN % md5(b"data\n"))
    (slap.cwd / "software.cfg.json").write_text(
        '{"name": "x", "software-type": {"default": {"request": "in.json", "response": "out.json"}}}')
    (slap.cwd / "in.json").write_text('{"properties": {"a": {"minLength": -1}}}')
    r = slap("--json", "release", "--lint")
    assert r.code == 3, r
    [step] = r.json["result"]["steps"]
    problems = step["lint"]["problems"]
    assert {(p["rule"], os.path.basename(p["file"]), p.get("json_path")) for p in problems} == {
        ("schema", "in.json", "/properties/a/minLength"), ("missing-file", "software.cfg.json", "/software-type/default/response")}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_push_precaches_downloads_and_archive(slap, tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    (served / "src.tar.gz").write_bytes(b"upstream source")
    handler = lambda *a: QuietHandler(*a, directory=str(served))  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    server = CacheServer(slap, tmp_path / "root")
    try:
        key, cert = make_key(tmp_path, "release")
        configure(slap, server, key=key, trusted=cert)
        url = f"http://127.0.0.1:{httpd.server_address[1]}/src.tar.gz"
        (slap.cwd / "software.cfg").write_text(
            f"[buildout]\nparts = src\n[src]\nrecipe = slapos.recipe.cmmi\nurl = {url}\nmd5sum = {md5(b'upstream source')}\n")
        archive = tmp_path / "release.tar.gz"
        r = slap("--json", "release", "--archive", archive, "--push")
        assert r.code == 0, r
        push = r.json["result"]["steps"][-1]
        assert push["name"] == "push" and len(push["changes"]) == 2
        status, body = server.request("GET", "/shadir/file-urlmd5:" + md5(url.encode()))
        assert status == 200 and url in body.decode()
        for blob in (b"upstream source", archive.read_bytes()):
            assert server.request("GET", "/shacache/" + hashlib.sha512(blob).hexdigest())[0] == 200
    finally:
        server.stop()
        httpd.shutdown()


def test_push_without_cache_settings_is_a_usage_error(slap):
    (slap.cwd / "data.txt").write_text("data\n")
    (slap.cwd / "software.cfg").write_text(FROZEN % md5(b"data\n"))
    r = slap("release", "--push")
    assert r.code == 2, r
    assert "--push needs an upload cache" in r.err
