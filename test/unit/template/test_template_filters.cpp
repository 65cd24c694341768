#include <doctest/doctest.h>

#include "render_helpers.hpp"

using slap::test::render;

TEST_CASE("template filters: strings") {
  CHECK(render("{{ 'aB'|upper }} {{ 'aB'|lower }} {{ ' x '|trim }} {{ 'a-b'|replace('-', '+') }} {{ 5|string ~ '!' }}") ==
        "AB ab x a+b 5!");
  CHECK(render("{{ 'hello world'|title }} {{ 'hELLO'|capitalize }} [{{ 'ab'|center(6) }}] {{ 'a b  c'|wordcount }}") ==
        "Hello World Hello [  ab  ] 3");
  CHECK(render("{{ '<a & \"b\">'|escape }} {{ 'a b/c'|urlencode }} {{ {'k': 'a b'}|urlencode }}") ==
        "&lt;a &amp; &#34;b&#34;&gt; a%20b/c k=a+b");
  CHECK(render("{{ '%s=%s'|format('k', 'v') }} {{ 'the quick brown fox'|truncate(13, leeway=0) }}") == "k=v the quick...");
}

TEST_CASE("template filters: upper and lower change letters only, ASCII or not") {
  // The characters next to each end of both alphabets stay as they are (Python's answers).
  CHECK(render("{{ '@AZ[`az{09~ -_'|upper }}|{{ '@AZ[`az{09~ -_'|lower }}") == "@AZ[`AZ{09~ -_|@az[`az{09~ -_");
  CHECK(render("{{ '\u00e9a \u00dfZ'|upper }}|{{ '\u00c9A \u00dfZ'|lower }}") == "\u00c9A SSZ|\u00e9a \u00dfz");
}

TEST_CASE("template filters: indent has Jinja 3.1 defaults") {
  CHECK(render("{{ 'a\\nb\\n\\nc'|indent }}") == "a\n    b\n\n    c");
  CHECK(render("{{ 'a\\nb\\n\\nc'|indent(2, true, true) }}") == "  a\n  b\n  \n  c");
  CHECK(render("{{ 'a\\nb'|indent('> ') }}") == "a\n> b");
}

TEST_CASE("template filters: numbers") {
  CHECK(render("{{ '42'|int }} {{ '4.7'|int }} {{ 'x'|int }} {{ 'x'|int(7) }} {{ '0x1A'|int(0, 16) }} {{ 2.9|int }}") ==
        "42 4 0 7 26 2");
  CHECK(render("{{ '1.5'|float }} {{ 'x'|float }} {{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 2.1|round(method='ceil') }}") ==
        "1.5 0.0 2.0 4.0 2.67 3.0");
  CHECK(render("{{ -3|abs }} {{ [1, 2, 3]|sum }} {{ [{'v': 2}, {'v': 3}]|sum(attribute='v') }}") == "3 6 5");
}

TEST_CASE("template filters: sequences") {
  CHECK(render("{{ [1, 2]|join(', ') }} {{ 'ab'|list }} {{ [3, 1]|length }} {{ [4, 5]|first }} {{ [4, 5]|last }}") ==
        "1, 2 ['a', 'b'] 2 4 5");
  CHECK(render("{{ ['b', 'C', 'a']|sort }} {{ ['b', 'C', 'a']|sort(case_sensitive=true) }} {{ [1, 3, 2]|sort(reverse=true) }}") ==
        "['a', 'b', 'C'] ['C', 'a', 'b'] [3, 2, 1]");
  CHECK(render("{% for k, v in {'b': 1, 'A': 2}|dictsort %}{{ k }}{{ v }}{% endfor %}") == "A2b1");
  CHECK(render("{{ ['a', 'A', 'b']|unique|list }} {{ [3, 1, 2]|min }} {{ [3, 1, 2]|max }} {{ [1, 2, 3]|reverse|list }}") ==
        "['a', 'b'] 1 3 [3, 2, 1]");
  CHECK(render("{{ [1, 2, 3, 4, 5]|batch(2)|list }} {{ [1, 2, 3]|batch(2, 0)|list }}") == "[[1, 2], [3, 4], [5]] [[1, 2], [3, 0]]");
  CHECK(render("{{ {'a': 1}|items|list }} {{ [0, 1, '']|select|list }} {{ [1, 2, 3]|reject('odd')|list }}") ==
        "[('a', 1)] [1] [2]");
}

TEST_CASE("template filters: map and selectattr") {
  const char* users = R"({"u": [{"n": "b", "a": 30, "admin": true}, {"n": "a", "a": 25, "admin": false}]})";
  CHECK(render("{{ u|map(attribute='n')|join }} {{ u|sort(attribute='a')|map(attribute='n')|list }}", users) == "ba ['a', 'b']");
  CHECK(render("{{ u|selectattr('admin')|map(attribute='n')|list }} {{ u|rejectattr('admin')|map(attribute='n')|list }}", users) ==
        "['b'] ['a']");
  CHECK(render("{{ u|selectattr('n', 'equalto', 'a')|map(attribute='a')|first }} {{ [1, 2]|map('string')|list }}", users) ==
        "25 ['1', '2']");
  CHECK(render("{{ u|map(attribute='missing', default='-')|list }}", users) == "['-', '-']");
}

TEST_CASE("template filters: default and tojson") {
  CHECK(render("{{ x|default('d') }} {{ none|default('d') }} {{ ''|default('d', true) }} {{ 0|d(1) }}") == "d None d 0");
  CHECK(render("{{ {'b': 1, 'a': ['<&>\\'']}|tojson }}") == "{\"a\": [\"\\u003c\\u0026\\u003e\\u0027\"], \"b\": 1}");
  CHECK(render("{{ [1, {'k': none}]|tojson(indent=1) }}") == "[\n 1,\n {\n  \"k\": null\n }\n]");
}

TEST_CASE("template tests") {
  CHECK(render("{{ x is defined }}{{ y is undefined }}{{ none is none }}{{ 1 is number }}{{ 'a' is string }}", R"({"x": 1})") ==
        "TrueTrueTrueTrueTrue");
  CHECK(render("{{ {} is mapping }}{{ [] is sequence }}{{ true is boolean }}{{ 1 is boolean }}{{ false is false }}") ==
        "TrueTrueTrueFalseTrue");
  CHECK(render("{{ 3 is odd }}{{ 4 is even }}{{ 9 is divisibleby 3 }}{{ 1 is in [1] }}{{ 2 is gt 1 }}{{ 1 is integer }}") ==
        "TrueTrueTrueTrueTrueTrue");
  CHECK(render("{{ x is not none }}{{ 1.0 is float }}{{ len is callable }}", R"({"x": 0})") == "TrueTrueTrue");
}
