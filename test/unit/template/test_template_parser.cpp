#include <doctest/doctest.h>

#include "render_helpers.hpp"

using namespace slap;

namespace {

std::string parse_error(const std::string& source) {
  tmpl::Environment env;
  auto t = env.parse(source, "t.in");
  if (t) return "parsed";
  CHECK(t.error().kind == ErrorKind::input);
  CHECK(t.error().cls == "TemplateSyntaxError");
  return t.error().describe();
}

}  // namespace

TEST_CASE("template parser: unclosed and misnested blocks") {
  CHECK(parse_error("{% if x %}\nyes") ==
        "t.in:2:4: TemplateSyntaxError: unexpected end of template: expected 'elif', 'else' or 'endif' to close the 'if' from line 1");
  CHECK(parse_error("{% for x in y %}{% if x %}{% endfor %}") ==
        "t.in:1:30: TemplateSyntaxError: unexpected 'endfor': expected 'elif', 'else' or 'endif' to close the 'if' from line 1");
  CHECK(parse_error("{% endif %}") == "t.in:1:4: TemplateSyntaxError: unexpected 'endif': no block is open here");
  CHECK(parse_error("{% macro m() %}x") ==
        "t.in:1:17: TemplateSyntaxError: unexpected end of template: expected 'endmacro' to close the 'macro' from line 1");
}

TEST_CASE("template parser: unknown tags, filters and tests") {
  CHECK(parse_error("{% frobnicate %}") == "t.in:1:4: TemplateSyntaxError: unknown tag 'frobnicate'");
  CHECK(parse_error("{% autoescape true %}") ==
        "t.in:1:22: TemplateSyntaxError: unexpected end of template: expected 'endautoescape' to close the 'autoescape' from line 1");
  CHECK(parse_error("{% endblock %}") == "t.in:1:4: TemplateSyntaxError: unexpected 'endblock': no block is open here");
  CHECK(parse_error("{% block a %}{% endblock b %}") == "t.in:1:28: TemplateSyntaxError: mismatching name 'b' for block 'a'");
  CHECK(parse_error("{% block a required %}x{% endblock %}") ==
        "t.in:1:4: TemplateSyntaxError: Required blocks can only contain comments or whitespace");
  CHECK(parse_error("{% break %}") == "t.in:1:4: TemplateSyntaxError: 'break' outside of a loop");
}

TEST_CASE("template parser: unknown filters and tests fail at parse time outside if and conditionals") {
  tmpl::Environment env;
  auto error = [&](const std::string& source) {
    auto t = env.parse(source, "t.in");
    if (t) return std::string("parsed");
    CHECK(t.error().cls == "TemplateAssertionError");
    return t.error().describe();
  };
  CHECK(error("{{ x|nope }}") == "t.in:1:6: TemplateAssertionError: No filter named 'nope'.");
  CHECK(error("{{ x is nope }}") == "t.in:1:9: TemplateAssertionError: No test named 'nope'.");
  CHECK(error("{% if x %}{% for y in z %}{{ y|nope }}{% endfor %}{% endif %}") ==
        "t.in:1:32: TemplateAssertionError: No filter named 'nope'.");
  CHECK(error("{% if x|nope %}{{ y is nope }}{% endif %}{{ 1|nope if x }}") == "parsed");
  CHECK(parse_error("{{ x|nope }}{% if %}") == "t.in:1:19: TemplateSyntaxError: expected an expression, got '%}'");
}

TEST_CASE("template parser: malformed expressions") {
  CHECK(parse_error("{{ }}") == "t.in:1:4: TemplateSyntaxError: expected an expression, got '}}'");
  CHECK(parse_error("{{ 1 + }}") == "t.in:1:8: TemplateSyntaxError: unexpected '}}', expected an expression");
  CHECK(parse_error("{{ f(a=1, 2) }}") == "t.in:1:5: TemplateSyntaxError: invalid syntax for function call expression");
  CHECK(parse_error("{% set true = 1 %}") == "t.in:1:8: TemplateSyntaxError: cannot assign to 'true'");
  CHECK(parse_error("{% macro m(a=1, b) %}{% endmacro %}") == "t.in:1:18: TemplateSyntaxError: non-default argument follows default argument");
  CHECK(parse_error("{{ x is divisibleby is odd }}") == "t.in:1:21: TemplateSyntaxError: you cannot chain multiple tests with 'is'");
  CHECK(parse_error("{% if x %}{{ y }") == "t.in:1:16: TemplateSyntaxError: unexpected '}'");
  CHECK(parse_error("{% from 'x' import _private %}") == "t.in:1:20: TemplateSyntaxError: names starting with an underscore can not be imported");
}

TEST_CASE("template parser: what Jinja2 accepts parses") {
  CHECK(parse_error("{% for a, (b, c) in x if a recursive %}{{ loop(a) }}{% else %}{% endfor %}") == "parsed");
  CHECK(parse_error("{% set ns.attr = 1 %}{% set a, b = 1, 2 %}{% set c | upper %}x{% endset %}") == "parsed");
  CHECK(parse_error("{% call(x) m(1, *args, **kw) %}{{ x }}{% endcall %}{% filter upper|trim %}{% endfilter %}") == "parsed");
  CHECK(parse_error("{% import 'a' as a with context %}{% from 'b' import c as d, e without context %}") == "parsed");
  CHECK(parse_error("{% include ['a', 'b'] ignore missing without context %}{% with a = 1 %}{% endwith %}") == "parsed");
  CHECK(parse_error("{{ a[1:2:3] }}{{ b[:] }}{{ c[::2] }}{{ d[1, 2] }}{{ -x|abs }}{{ x is divisibleby 3 }}") == "parsed");
  CHECK(parse_error("{% do l.append(1) %}{% for x in y %}{% continue %}{% endfor %}{% print 1, 2 %}") == "parsed");
}

TEST_CASE("template parser: nesting deep enough to exhaust the stack is a syntax error") {
  auto repeat = [](const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  CHECK(parse_error(repeat("{% if 1 %}", 200) + "x" + repeat("{% endif %}", 200)) == "parsed");
  CHECK(test::render(repeat("{% for i in [1] %}", 200) + "x" + repeat("{% endfor %}", 200)) == "x");
  CHECK(parse_error(repeat("{% for i in [1] %}", 50000) + "x" + repeat("{% endfor %}", 50000))
            .find("nested too deeply") != std::string::npos);
  CHECK(parse_error(repeat("{% macro m() %}", 5000) + repeat("{% endmacro %}", 5000)).find("blocks nested too deeply") !=
        std::string::npos);
  CHECK(parse_error("{{ " + repeat("(", 100000) + "1" + repeat(")", 100000) + " }}").find("expression nested too deeply") !=
        std::string::npos);
}
