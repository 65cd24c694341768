"""slap show: human and JSON output, overrides, error reporting and exit codes."""
import json


def write(path, text):
    path.write_text(text)
    return path


def test_show_json_views(slap):
    write(slap.cwd / "buildout.cfg", "[buildout]\nparts = app\n[app]\nrecipe = r\nlib = ${lib:location}\n[lib]\nrecipe = r\n")
    r = slap("show", "--json")
    assert r.code == 0, r
    doc = r.json
    assert set(doc) == {"command", "ok", "result", "warnings", "error"}
    assert doc["command"] == "show" and doc["ok"] is True and doc["error"] is None
    res = doc["result"]
    assert res["order"] == ["lib", "app"]
    assert res["resolved"]["app"]["lib"] == str(slap.cwd / "parts" / "lib")
    assert res["raw"]["app"]["lib"] == "${lib:location}"
    assert res["part_errors"] == {}


def test_show_human_gives_origins(slap):
    write(slap.cwd / "base.cfg", "[app]\nrecipe = r\nflags = -O2\n")
    write(slap.cwd / "buildout.cfg", "[buildout]\nextends = base.cfg\nparts = app\n[app]\nflags += -g\n")
    r = slap("show", "app")
    assert r.code == 0, r
    assert "flags = -O2\n    -g\n" in r.out
    assert "base.cfg:3" in r.out and "+=  " + str(slap.cwd / "buildout.cfg") + ":5" in r.out


def test_show_single_option_and_override(slap):
    write(slap.cwd / "buildout.cfg", "[buildout]\nparts =\n[a]\nx = 1\ny = ${:x}2\n")
    r = slap("show", "a:y")
    assert (r.code, r.out) == (0, "12\n"), r
    r = slap("show", "a:y", "a:x=5")
    assert (r.code, r.out) == (0, "52\n"), r


def test_show_defaults_to_software_cfg(slap):
    write(slap.cwd / "software.cfg", "[buildout]\nparts =\n[s]\nv = soft\n")
    r = slap("show", "s:v")
    assert (r.code, r.out) == (0, "soft\n"), r


def test_undefined_section_is_exit_3_with_location(slap):
    write(slap.cwd / "buildout.cfg", "[buildout]\nparts = a\n\n[a]\nrecipe = r\nv = ${nowhere:x}\n")
    r = slap("show")
    assert r.code == 3, r
    assert f"slap: error: {slap.cwd}/buildout.cfg:6:1:" in r.err
    assert "nowhere" in r.err


def test_parse_error_names_file_and_line(slap):
    write(slap.cwd / "buildout.cfg", "[buildout]\nparts =\n[a\n")
    r = slap("show")
    assert r.code == 3, r
    assert f"{slap.cwd}/buildout.cfg:3:1: cannot parse line '[a'" in r.err


def test_error_json_envelope(slap):
    write(slap.cwd / "buildout.cfg", "[buildout]\nextends = missing.cfg\n")
    r = slap("show", "--json")
    assert r.code == 3, r
    doc = r.json
    assert doc["ok"] is False
    assert doc["error"]["kind"] == "input"
    assert doc["error"]["file"] == str(slap.cwd / "buildout.cfg")
    assert doc["error"]["line"] == 2
    assert doc["error"]["class"] == "FileNotFoundError"


def test_circular_reference(slap):
    write(slap.cwd / "buildout.cfg", "[buildout]\nparts = a\n[a]\nrecipe = r\nx = ${b:y}\n[b]\ny = ${a:x}\n")
    r = slap("show")
    assert r.code == 3, r
    assert "circular reference in substitutions: b:y -> a:x -> b:y" in r.err


def test_extends_loop(slap):
    write(slap.cwd / "buildout.cfg", "[buildout]\nextends = a.cfg\n")
    write(slap.cwd / "a.cfg", "[buildout]\nextends = buildout.cfg\n")
    r = slap("show")
    assert r.code == 3, r
    assert "Recursive file include" in r.err and "a.cfg:2:1" in r.err


def test_binary_garbage(slap):
    (slap.cwd / "buildout.cfg").write_bytes(b"[buildout]\nparts =\n\xff\xfe\x00garbage\n")
    r = slap("show")
    assert r.code == 3, r
    assert "buildout.cfg:3:1: file is not valid UTF-8 text" in r.err


def test_line_before_any_section(slap):
    write(slap.cwd / "buildout.cfg", "x = 1\n[buildout]\n")
    r = slap("show")
    assert r.code == 3, r
    assert "buildout.cfg:1:1: line outside of any section" in r.err


def test_missing_profile(slap):
    r = slap("show", "-c", "nope.cfg")
    assert r.code == 3, r
    assert "Couldn't open" in r.err and "nope.cfg" in r.err


def test_large_file_is_handled(slap):
    # ~100 MB of options: no crash, a normal result.
    line = "k%08d = " + "v" * 80 + "\n"
    with open(slap.cwd / "buildout.cfg", "w") as f:
        f.write("[buildout]\nparts =\n[big]\n")
        for i in range(1_100_000):
            f.write(line % i)
    r = slap("show", "big:k00000007", timeout=300)
    assert (r.code, r.out) == (0, "v" * 80 + "\n"), r.err[-500:]


def test_unknown_section_in_show(slap):
    write(slap.cwd / "buildout.cfg", "[buildout]\nparts =\n")
    r = slap("show", "nosuch")
    assert r.code == 3, r
    assert "no section [nosuch]" in r.err


CONDITIONS = [  # (expression, what zc.buildout's eval() makes of it on this machine)
    ("2 + 2 == 4", "1"),
    ("len('ab') == 3", "0"),
    ("any(x == 'a' for x in ['a'])", "1"),
    ("list(map(str, [1])) == ['1']", "1"),
    ("(lambda x: x)(0)", "0"),
    ("sys.version[0] == '3'", "1"),
    ("[x for x in range(3)] == [0, 1, 2]", "1"),
    ("'a' * 2 == 'aa' and bits64 and linux", "1"),
    ("os.environ.get('SLAP_TEST_MARK') == 'on'", "1"),
    ("re.match('win', sys.platform) is not None", "0"),
    ("python3 and sys.version_info >= (3, 8)", "1"),  # the built-in evaluator's own
]


def test_section_conditions_python_accepts(slap):
    for expression, expected in CONDITIONS:
        write(slap.cwd / "buildout.cfg", f"[buildout]\nparts =\n[s]\nx = 0\n[s: {expression}]\nx = 1\n")
        r = slap("show", "s:x", env={"SLAP_TEST_MARK": "on"})
        assert (r.code, r.out) == (0, expected + "\n"), (expression, r)


def test_section_condition_errors_are_pythons(slap):
    write(slap.cwd / "buildout.cfg", "[buildout]\nparts =\n[s: no_such_name > 1]\nx = 1\n")
    r = slap("show")
    assert r.code == 3, r
    assert f"{slap.cwd}/buildout.cfg:3:1: NameError: name 'no_such_name' is not defined" in r.err
    write(slap.cwd / "buildout.cfg", "[buildout]\nparts =\n[s: 1 +]\nx = 1\n")
    r = slap("show")
    assert r.code == 3 and "SyntaxError" in r.err, r
