#include <doctest/doctest.h>

#include "render_helpers.hpp"
#include "template/lexer.hpp"

using namespace slap;
using namespace slap::tmpl;

namespace {

// "type:text" for each token, for compact expectations.
std::string kinds(std::string_view src, const Options& o = {}) {
  static const char* names[] = {"data", "{{", "}}", "{%", "%}", "name", "str", "int", "float", "op", "eof"};
  std::string out;
  for (const auto& t : tokenize(src, o, "t.in")) {
    if (!out.empty()) out += ' ';
    out += names[static_cast<int>(t.type)];
    if (t.type == Tok::name || t.type == Tok::op || t.type == Tok::data || t.type == Tok::string) out += ":" + t.text;
    if (t.type == Tok::integer) out += ":" + std::to_string(t.integer);
  }
  return out;
}

}  // namespace

TEST_CASE("template lexer: tokens of tags and expressions") {
  CHECK(kinds("a{{ x.y[0] }}b") == "data:a {{ name:x op:. name:y op:[ int:0 op:] }} data:b eof");
  CHECK(kinds("{% if a >= 1 and b != 'q' %}") == "{% name:if name:a op:>= int:1 name:and name:b op:!= str:q %} eof");
  CHECK(kinds("{{ 0x1F + 1_000 // 2 ** 3 }}") == "{{ int:31 op:+ int:1000 op:// int:2 op:** int:3 }} eof");
  CHECK(kinds("{{ foo.0.1 }}") == "{{ name:foo op:. int:0 op:. int:1 }} eof");
  auto toks = tokenize("{{ 1.5e3 }}", {}, "t.in");
  CHECK(toks[1].type == Tok::floating);
  CHECK(toks[1].floating == 1500.0);
}

TEST_CASE("template lexer: string literal escapes") {
  auto toks = tokenize(R"({{ 'a\n\t\x41\u00e9\101\'' "d\"q" }})", {}, "t.in");
  CHECK(toks[1].text == "a\n\tA\xc3\xa9" "A'");
  CHECK(toks[2].text == "d\"q");
  CHECK(kinds("{{ '}}' }}") == "{{ str:}} }} eof");
}

TEST_CASE("template lexer: whitespace control, trim_blocks and lstrip_blocks") {
  CHECK(kinds("a  \n {%- if x -%}\n  b") == "data:a {% name:if name:x %} data:b eof");
  CHECK(kinds("a \n{{- x -}} \nb") == "data:a {{ name:x }} data:b eof");
  Options trim;
  trim.trim_blocks = true;
  CHECK(kinds("{% if x %}\nb\n{{ y }}\nc", trim) == "{% name:if name:x %} data:b\n {{ name:y }} data:\nc eof");
  Options lstrip;
  lstrip.lstrip_blocks = true;
  CHECK(kinds("a\n   {% if x %}\n  {{ y }}", lstrip) == "data:a\n {% name:if name:x %} data:\n   {{ name:y }} eof");
  CHECK(kinds("a\n   {%+ if x %}", lstrip) == "data:a\n    {% name:if name:x %} eof");
}

TEST_CASE("template lexer: trailing newline, comments, raw") {
  CHECK(kinds("a\n") == "data:a eof");
  Options keep;
  keep.keep_trailing_newline = true;
  CHECK(kinds("a\n", keep) == "data:a\n eof");
  CHECK(kinds("a\r\nb\rc") == "data:a\nb\nc eof");
  CHECK(kinds("a{# x {{ y }} #}b") == "data:a data:b eof");
  CHECK(kinds("{% raw %}{{ x }}{% endraw %}") == "data:{{ x }} eof");
  CHECK(kinds("{%- raw -%}  {{ x }}  {%- endraw %}") == "data:{{ x }} eof");
}

TEST_CASE("template lexer: line statements and line comments") {
  Options o;
  o.line_statement_prefix = "#";
  o.line_comment_prefix = "##";
  CHECK(kinds("  # for x in y\nz ## note\n", o) == "{% name:for name:x name:in name:y %} data:z eof");
}

TEST_CASE("template lexer: errors") {
  auto message = [](std::string_view src) {
    try {
      tokenize(src, {}, "t.in");
    } catch (const Error& e) {
      return e.describe();
    }
    return std::string("no error");
  };
  CHECK(message("a\n{{ 'open }}") == "t.in:2:4: TemplateSyntaxError: unterminated string literal");
  CHECK(message("{# never closed") == "t.in:1:1: TemplateSyntaxError: missing end of comment tag");
  CHECK(message("{% raw %} x") == "t.in:1:1: TemplateSyntaxError: missing end of raw directive");
  CHECK(message("{{ a ! b }}") == "t.in:1:6: TemplateSyntaxError: unexpected char '!'");
  CHECK(message("{{ (a] }}") == "t.in:1:6: TemplateSyntaxError: unexpected ']', expected ')'");
  CHECK(message("{{ a) }}") == "t.in:1:5: TemplateSyntaxError: unexpected ')'");
}
