"""slapos.recipe.template:jinja2 through slap build: context line kinds, import-list, once,
md5sum, re-rendering when a referenced value changes, and its errors."""
import hashlib
import textwrap


def write(path, text):
    path.write_text(textwrap.dedent(text).lstrip("\n"))


def build(slap, *args):
    return slap("build", *args)


def test_context_kinds_and_import_list(slap):
    write(slap.cwd / "macros.j2", """
        {% macro greet(who) %}hello {{ who }}{% endmacro %}
        """)
    write(slap.cwd / "page.in", """
        {% import "macros" as m %}{{ m.greet(name) }}
        {{ conf['port'] }}/{{ conf.get('missing', 'none') }}
        {{ data['list'][1] }} {{ key_json['a'] }} {{ json_module.dumps({'x': 1}) }}
        {{ raw_text }}
        {{ dumps("plain") }}|{{ dumps([1, "a"]) | length > 10 }}
        """)
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = page

        [conf]
        port = 8080
        doc = {"a": "from jsonkey"}

        [macros]
        path = ${buildout:directory}/macros.j2

        [page]
        recipe = slapos.recipe.template:jinja2
        url = ${buildout:directory}/page.in
        output = ${buildout:directory}/out/page.txt
        name = world
        context =
          key name :name
          section conf conf
          json data {"list": [1, 2, 3]}
          jsonkey key_json conf:doc
          import json_module json
          raw raw_text two words
        import-list =
          file macros macros:path
        """)
    r = build(slap)
    assert r.code == 0, r
    assert (slap.cwd / "out/page.txt").read_text() == (
        "hello world\n8080/none\n2 from jsonkey {\"x\": 1}\ntwo words\nplain|True")


def test_changed_referenced_value_rerenders(slap):
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = page

        [conf]
        greeting = hi

        [page]
        recipe = slapos.recipe.template:jinja2
        inline = {{ greeting }}
        output = ${buildout:directory}/page.txt
        context = key greeting conf:greeting
        """)
    assert build(slap).code == 0
    assert (slap.cwd / "page.txt").read_text() == "hi"
    r = build(slap, "conf:greeting=bye")
    assert r.code == 0, r
    assert (slap.cwd / "page.txt").read_text() == "bye"


def test_once_renders_a_single_time(slap):
    write(slap.cwd / "buildout.cfg", """
        [buildout]
        parts = page

        [page]
        recipe = slapos.recipe.template:jinja2
        inline = {{ v }}
        output = ${buildout:directory}/page.txt
        once = ${buildout:directory}/page.done
        v = first
        context = key v :v
        """)
    assert build(slap).code == 0
    (slap.cwd / "page.txt").write_text("edited by the user")
    assert build(slap, "page:v=second").code == 0
    assert (slap.cwd / "page.txt").read_text() == "edited by the user"


def test_md5sum_mismatch_is_refused(slap):
    (slap.cwd / "t.in").write_text("x")
    write(slap.cwd / "buildout.cfg", f"""
        [buildout]
        parts = page

        [page]
        recipe = slapos.recipe.template:jinja2
        url = ${{buildout:directory}}/t.in
        md5sum = {hashlib.md5(b"y").hexdigest()}
        output = ${{buildout:directory}}/page.txt
        """)
    r = build(slap)
    assert r.code != 0, r
    assert hashlib.md5(b"x").hexdigest() in r.err, r.err
    assert not (slap.cwd / "page.txt").exists()


def test_errors(slap):
    cases = {
        "context = bogus x y": "unknown context type 'bogus'",
        "context = key x nosuchsection:opt": "nosuchsection",
        "context =\n  raw a 1\n  raw a 2": "'a' is defined twice",
        "extensions = mypackage.MyExtension": "Jinja2 extension 'mypackage.MyExtension' is not supported",
    }
    for extra, message in cases.items():
        write(slap.cwd / "buildout.cfg", """
            [buildout]
            parts = page

            [page]
            recipe = slapos.recipe.template:jinja2
            inline = x
            output = ${buildout:directory}/page.txt
            """)
        with open(slap.cwd / "buildout.cfg", "a") as f:
            f.write(extra + "\n")
        r = build(slap)
        assert r.code == 3, (extra, r)
        assert message in r.err, (extra, r.err)
        assert "buildout.cfg:" in r.err, (extra, r.err)


def test_i18n_extension_without_translations(slap):
    # As upstream: the recipe loads jinja2.ext.i18n but installs no translations, so a
    # {% trans %} block parses and fails when it runs, and text without one renders.
    for inline, expected in (("plain {{ 1 + 1 }}", "plain 2"), ("{% trans %}Hello{% endtrans %}", None)):
        write(slap.cwd / "buildout.cfg", f"""
            [buildout]
            parts = page

            [page]
            recipe = slapos.recipe.template:jinja2
            extensions = jinja2.ext.do jinja2.ext.i18n
            inline = {inline}
            output = ${{buildout:directory}}/page.txt
            """)
        r = build(slap)
        if expected is None:
            assert r.code == 3, r
            assert "'gettext' is undefined" in r.err, r.err
        else:
            assert r.code == 0, r
            assert (slap.cwd / "page.txt").read_text() == expected


def test_debug_extension(slap):
    # extensions = jinja2.ext.debug enables {% debug %}; without it the tag is unknown.
    for extensions, code in (("jinja2.ext.debug", 0), ("jinja2.ext.do", 3)):
        write(slap.cwd / "buildout.cfg", f"""
            [buildout]
            parts = page

            [page]
            recipe = slapos.recipe.template:jinja2
            extensions = {extensions}
            context = raw flavour vanilla
            inline = {{% debug %}}
            output = ${{buildout:directory}}/page.txt
            """)
        r = build(slap)
        assert r.code == code, r
        if code == 0:
            text = (slap.cwd / "page.txt").read_text()
            assert text.startswith("{'context': {"), text
            assert "'flavour': 'vanilla'" in text and "'dictsort'" in text and "'defined'" in text, text
        else:
            assert "unknown tag 'debug'" in r.err, r.err
