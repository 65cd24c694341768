"""The command-line frame: help, version, unknown commands, config."""
import json


def test_version(slap):
    r = slap("--version")
    assert r.code == 0 and r.out.startswith("slap "), r


def test_help_lists_commands_and_exit_codes(slap):
    r = slap("--help")
    assert r.code == 0, r
    assert "show" in r.out and "config" in r.out and "Exit codes" in r.out


def test_help_command(slap):
    r = slap("help", "show")
    assert r.code == 0, r
    assert "--raw" in r.out


def test_unknown_command_suggests(slap):
    r = slap("shwo")
    assert r.code == 2, r
    assert "unknown command 'shwo' (did you mean 'show'?)" in r.err


def test_unknown_command_json(slap):
    r = slap("--json", "frobnicate")
    assert r.code == 2, r
    doc = r.json
    assert doc["ok"] is False and doc["error"]["kind"] == "usage"


def test_bad_flag_is_usage_error(slap):
    r = slap("show", "--no-such-flag")
    assert r.code == 2, r


def test_config_origins_and_precedence(slap):
    (slap.home / ".config" / "slap").mkdir(parents=True)
    (slap.home / ".config" / "slap" / "slap.toml").write_text("[core]\njobs = 3\n")
    (slap.cwd / "slap.toml").write_text("[promise]\ntimeout = 7\n")
    r = slap("config", "--json", env={"SLAP_CORE_OFFLINE": "true"})
    assert r.code == 0, r
    res = r.json["result"]
    assert res["core.jobs"] == {"value": "3", "origin": str(slap.home / ".config/slap/slap.toml") + ":2",
                                "help": "parallel jobs (builds, promises, transfers)"}
    assert res["promise.timeout"]["value"] == "7"
    assert res["core.offline"]["value"] == "true"
    assert res["core.offline"]["origin"] == "env SLAP_CORE_OFFLINE"
    r = slap("-j", "5", "config", "core.jobs")
    assert (r.code, r.out) == (0, "5\n"), r


def test_config_error_is_exit_3(slap):
    (slap.cwd / "slap.toml").write_text("[core]\njobs = 'x'\n")
    r = slap("config")
    assert r.code == 3, r
    assert "slap.toml:2:8: 'core.jobs' must be a whole number" in r.err


def test_chdir_option(slap):
    sub = slap.cwd / "sub"
    sub.mkdir()
    (sub / "buildout.cfg").write_text("[buildout]\nparts =\n[a]\nx = here\n")
    r = slap("-C", "sub", "show", "a:x")
    assert (r.code, r.out) == (0, "here\n"), r
