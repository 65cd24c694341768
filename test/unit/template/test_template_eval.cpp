#include <doctest/doctest.h>

#include <map>

#include "render_helpers.hpp"

using namespace slap;
using slap::test::render;

TEST_CASE("template eval: output, literals and arithmetic") {
  CHECK(render("{{ x }} {{ none }} {{ true }} {{ 1.0 }} {{ [1, 'a'] }} {{ (1,) }}", R"({"x": "v"})") ==
        "v None True 1.0 [1, 'a'] (1,)");
  CHECK(render("{{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 2 ** -1 }}") ==
        "3 -4 2 -2 3.5 1024 0.5");
  CHECK(render("{{ 7.5 // 2 }} {{ -7.5 % 2 }} {{ 'ab' * 2 }} {{ [1] + [2] }} {{ true + 1 }}") == "3.0 0.5 abab [1, 2] 2");
  CHECK(render("{{ 'a' ~ 1 ~ none }} {{ 1 < 2 < 3 }} {{ 'b' in 'abc' }} {{ 1 not in [1] }}") == "a1None True True False");
  CHECK(render("{{ 'x' if false }}|{{ 'y' if 0 else 'z' }}|{{ none or 'd' }}|{{ 0 and 1 }}") == "|z|d|0");
}

TEST_CASE("template eval: scoping as in Jinja2") {
  CHECK(render("{% set x = 0 %}{% for i in range(3) %}{{ x }}{% set x = i %}{{ x }};{% endfor %}{{ x }}") ==
        "00;01;02;0");
  CHECK(render("{% for i in range(3) %}{% if i %}[{{ prev }}]{% endif %}{% set prev = i %}{% endfor %}") == "[][]");
  CHECK(render("{% if true %}{% set y = 3 %}{% endif %}{{ y }}") == "3");
  CHECK(render("{% macro m() %}{{ v }}{% endmacro %}[{{ m() }}]{% set v = 5 %}[{{ m() }}]") == "[][5]");
  CHECK(render("{% set ns = namespace(n=0) %}{% for i in [1, 2] %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}") == "3");
  CHECK(render("{% with a = 1, b = a|default(2) %}{{ a }}{{ b }}{% endwith %}[{{ a }}]") == "12[]");
}

TEST_CASE("template eval: for loops") {
  CHECK(render("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ loop.index }}{{ k }}{{ v }}{{ ',' if not loop.last }}{% endfor %}") ==
        "1a1,2b2");
  CHECK(render("{% for x in [] %}x{% else %}empty{% endfor %}") == "empty");
  CHECK(render("{% for x in range(10) if x is odd %}{{ x }}/{{ loop.length }} {% endfor %}") == "1/5 3/5 5/5 7/5 9/5 ");
  CHECK(render("{% for x in range(9) %}{% if x == 5 %}{% break %}{% endif %}{% if x is even %}{% continue %}{% endif %}{{ x }}{% endfor %}") ==
        "13");
  CHECK(render("{% for n in t recursive %}{{ n.v }}{% if n.c %}({{ loop(n.c) }}){% endif %}{% endfor %}",
               R"({"t": [{"v": 1, "c": [{"v": 2}, {"v": 3}]}, {"v": 4}]})") == "1(23)4");
  CHECK(render("{% for x in 'ab' %}{{ loop.cycle('-', '+') }}{{ loop.revindex }}{{ x }}{% endfor %}") == "-2a+1b");
}

TEST_CASE("template eval: macros, call blocks and filter blocks") {
  CHECK(render("{% macro m(a, b=a * 2) %}{{ a }}{{ b }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1) }} {{ m(1, 5, 6, k=7) }}") ==
        "12(){} 15(6,){'k': 7}");
  CHECK(render("{% macro m(a) %}[{{ a }}]{% endmacro %}{{ m() }}") == "[]");
  CHECK(render("{% macro w(t) %}<{{ caller(t) }}>{% endmacro %}{% call(v) w('x') %}{{ v|upper }}{% endcall %}") == "<X>");
  CHECK(render("{% filter upper %}a{{ 'b' }}{% endfilter %}{% set s | trim %}  c  {% endset %}[{{ s }}]") == "AB[c]");
}

TEST_CASE("template eval: Python objects and their methods") {
  CHECK(render("{% set l = [] %}{% do l.append(1) %}{% do l.extend([3, 2]) %}{% do l.sort() %}{{ l }} {{ l.pop() }} {{ l }}") ==
        "[1, 2, 3] 3 [1, 2]");
  CHECK(render("{% set d = {} %}{% do d.__setitem__('a', 1) %}{% do d.setdefault('l', []).append(2) %}{{ d }} {{ d.get('z', 0) }}") ==
        "{'a': 1, 'l': [2]} 0");
  CHECK(render("{{ d.items }}|{{ d['items'] }}", R"({"d": {"items": "key"}})").starts_with("<built-in method items of dict object>|key"));
  CHECK(render("{{ ' a  b '.split() }} {{ 'a,b'.split(',', 1) }} {{ 'x-y'.replace('-', '+') }} {{ ','.join(['a', 'b']) }}") ==
        "['a', 'b'] ['a', 'b'] x+y a,b");
  CHECK(render("{{ '%s-%05.1f-%(k)s' % ('a', 2.25, 'x') if false else '%(k)s' % {'k': 'v'} }} {{ '{}:{:>3}'.format('a', 1) }}") ==
        "v a:  1");
  CHECK(render("{{ 'abcdef'[1:4] }} {{ 'abcdef'[::-2] }} {{ [1, 2, 3][-1] }} {{ 'h\xc3\xa9llo'[1] }}") == "bcd fdb 3 \xc3\xa9");
}

TEST_CASE("template eval: imports and includes through the loader") {
  std::map<std::string, std::string> files = {
      {"lib", "{% set greeting = 'hi' %}{% set _hidden = 1 %}{% macro hello(n) %}{{ greeting }} {{ n }}{{ suffix|default('') }}{% endmacro %}"},
      {"row", "<{{ item }}>"},
  };
  tmpl::Environment env;
  env.loader = [&files](std::string_view name) -> Result<std::string> {
    auto it = files.find(std::string(name));
    if (it == files.end()) return fail(ErrorKind::input, "no template " + std::string(name));
    return it->second;
  };
  CHECK(render(env, "{% import 'lib' as l %}{{ l.hello('x') }}|{{ l.greeting }}|{{ l._hidden is defined }}") ==
        "hi x|hi|False");
  CHECK(render(env, "{% set suffix = '!' %}{% from 'lib' import hello with context %}{{ hello('y') }}") == "hi y!");
  CHECK(render(env, "{% for item in [1, 2] %}{% include 'row' %}{% endfor %}") == "<1><2>");
  CHECK(render(env, "a{% include 'missing' ignore missing %}b") == "ab");
  Error e = slap::test::render_error(env, "{% include 'missing' %}");
  CHECK(e.describe() == "t.in:1:4: no template missing");
  CHECK(e.cls == "TemplateNotFound");
}

TEST_CASE("template eval: undefined values, default and strict") {
  CHECK(render("[{{ x }}][{{ d.k }}][{{ x|default('d') }}]{{ x is defined }}{{ x|length }}", R"({"d": {}})") ==
        "[][][d]False0");
  tmpl::Environment strict;
  strict.options.strict_undefined = true;
  CHECK(render(strict, "{{ x is defined }} {{ x|default('d') }} {{ d.get('k', 1) }}", R"({"d": {}})") == "False d 1");
  CHECK(slap::test::render_error(strict, "a\n  {{ x }}").describe() == "t.in:2:6: UndefinedError: 'x' is undefined");
  CHECK(slap::test::render_error(strict, "{% if x %}{% endif %}").message == "UndefinedError: 'x' is undefined");
  CHECK(slap::test::render_error(strict, "{{ d.k ~ 'a' }}", R"({"d": {}})").message == "UndefinedError: 'dict object' has no attribute 'k'");
  CHECK(slap::test::render_error("{{ x.y }}").message == "UndefinedError: 'x' is undefined");
}

TEST_CASE("template eval: whitespace options") {
  tmpl::Environment env;
  env.options.trim_blocks = true;
  env.options.lstrip_blocks = true;
  env.options.keep_trailing_newline = true;
  CHECK(render(env, "[s]\n  {% for k in ['a', 'b'] %}\n  {{ k }} = 1\n  {% endfor %}\nend\n") == "[s]\n  a = 1\n  b = 1\nend\n");
  CHECK(render("x\n") == "x");
}
