"""slap render: output, files, JSON result, exit codes and error texts."""
import json


def write(path, text):
    path.write_text(text)
    return str(path)


def test_render_to_stdout_with_context_and_imports(slap):
    t = write(slap.cwd / "t.in", "{{ name }} {{ json.dumps(items) }}\n")
    ctx = write(slap.cwd / "ctx.json", json.dumps({"name": "slap", "items": [1, "a"]}))
    r = slap("render", t, "--context", ctx, "--import", "json=json")
    assert r.code == 0, r
    assert r.out == 'slap [1, "a"]'


def test_render_to_file_and_json_result(slap):
    t = write(slap.cwd / "t.in", "a\n")
    r = slap("--json", "render", t, "--option", "keep_trailing_newline=true", "-o", "out.txt")
    assert r.code == 0, r
    assert (slap.cwd / "out.txt").read_text() == "a\n"
    assert r.json["result"] == {"template": t, "output": "out.txt", "bytes": 2}
    r = slap("--json", "render", t)
    assert r.json["result"]["text"] == "a"


def test_render_finds_imported_templates_next_to_the_template_and_in_include_dirs(slap):
    (slap.cwd / "lib").mkdir()
    write(slap.cwd / "lib" / "macros.j2", "{% macro hi(n) %}hi {{ n }}{% endmacro %}")
    write(slap.cwd / "row.j2", "[{{ x }}]")
    t = write(slap.cwd / "t.in", "{% from 'macros.j2' import hi %}{{ hi(1) }}{% for x in 'ab' %}{% include 'row.j2' %}{% endfor %}")
    assert slap("render", t, "-I", "lib").out == "hi 1[a][b]"
    r = slap("render", t)
    assert r.code == 3
    assert "template 'macros.j2' not found" in r.err


def test_render_errors_have_location_and_exit_3(slap):
    t = write(slap.cwd / "t.in", "ok\n{{ missing }}\n")
    r = slap("render", t, "--option", "undefined=strict")
    assert r.code == 3
    assert r.err == f"slap: error: {t}:2:4: UndefinedError: 'missing' is undefined\n"
    assert r.out == ""
    bad = write(slap.cwd / "bad.in", "{% if x %}")
    r = slap("render", bad)
    assert r.code == 3
    assert ("TemplateSyntaxError: unexpected end of template: expected 'elif', 'else' or 'endif' to close the 'if' "
            "from line 1") in r.err


def test_render_usage_and_input_errors(slap):
    t = write(slap.cwd / "t.in", "x")
    r = slap("render", t, "--option", "colour=blue")
    assert r.code == 2
    assert "unknown --option 'colour=blue'" in r.err
    r = slap("render", t, "--import", "sp=subprocess")
    assert r.code == 3
    assert "module subprocess not available in slap templates" in r.err
    ctx = write(slap.cwd / "ctx.json", "[1, 2]")
    r = slap("render", t, "--context", ctx)
    assert r.code == 3
    assert "the context must be a JSON object" in r.err
    r = slap("render", t, t)
    assert r.code == 2


def test_check_many_templates(slap):
    good = write(slap.cwd / "a.in", "{{ x|tojson }}")
    bad = write(slap.cwd / "b.in", "{{ x|no_such_filter }}")
    r = slap("render", "--check", good)
    assert r.code == 0 and r.out == "1 template parsed\n"
    r = slap("--json", "render", "--check", good, bad)
    assert r.code == 3
    assert r.json["result"]["failed"] == 1
    assert r.json["result"]["errors"][0]["template"] == bad
    assert r.json["result"]["errors"][0]["error"]["message"] == "TemplateAssertionError: No filter named 'no_such_filter'."


def test_render_environment_options(slap):
    t = write(slap.cwd / "t.in", "a\n<% if x %>[[ x ]]<% endif %>\n")
    ctx = write(slap.cwd / "ctx.json", json.dumps({"x": "<b>"}))
    r = slap("render", t, "--context", ctx, "--option", "block_start_string=<%", "--option", "block_end_string=%>",
             "--option", "variable_start_string=[[", "--option", "variable_end_string=]]",
             "--option", "autoescape=true", "--option", "newline_sequence=\\r\\n", "-o", "out.txt")
    assert r.code == 0, r
    assert (slap.cwd / "out.txt").read_bytes() == b"a\r\n&lt;b&gt;"
    r = slap("render", t, "--option", "newline_sequence=\\t")
    assert r.code == 2
    assert "unknown --option 'newline_sequence=\\t'" in r.err
    r = slap("render", t, "--option", "autoescape=select_autoescape(enabled=('html',))")
    assert r.code == 2
    assert "select_autoescape() got an unexpected keyword argument 'enabled'" in r.err
    r = slap("render", t, "--option", "block_start_string=")
    assert r.code == 2
    assert "a delimiter cannot be empty" in r.err
