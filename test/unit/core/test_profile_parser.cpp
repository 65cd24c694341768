#include <doctest/doctest.h>

#include "profile/condition.hpp"
#include "slap/profile.hpp"

using namespace slap;
using namespace slap::profile;

namespace {
const ParsedOption* option(const ParsedFile& f, std::string_view section, std::string_view name) {
  for (const auto& s : f.sections)
    if (s.name == section)
      for (const auto& o : s.options)
        if (o.name == name) return &o;
  return nullptr;
}
}  // namespace

TEST_CASE("parse: sections, options and lines") {
  auto f = parse("[a]\nx = 1\ny=two words # not a comment\n\n[b]  # comment\nz =\n", "t.cfg");
  REQUIRE(f);
  REQUIRE(f->sections.size() == 2);
  CHECK(option(*f, "a", "x")->value == "1");
  CHECK(option(*f, "a", "x")->line == 2);
  CHECK(option(*f, "a", "y")->value == "two words # not a comment");
  CHECK(option(*f, "b", "z")->value == "");
}

TEST_CASE("parse: continuation lines, block values and dedent") {
  auto f = parse("[a]\nlist = a\n  b\n\n  c\nblock =\n    first\n      indented\n\n    last\n\n", "t.cfg");
  REQUIRE(f);
  CHECK(option(*f, "a", "list")->value == "a\nb\nc");
  CHECK(option(*f, "a", "block")->value == "first\n  indented\n\nlast");
}

TEST_CASE("parse: column-0 comments inside a value are skipped, indented ones kept") {
  auto f = parse("[a]\nv =\n  one\n# skipped\n  # kept\n  two\n", "t.cfg");
  REQUIRE(f);
  CHECK(option(*f, "a", "v")->value == "one\n# kept\ntwo");
}

TEST_CASE("parse: += -= <= and =>") {
  auto f = parse("[a]\nx += 1\ny-= 2\n<= base\n=> dep1 dep2\n", "t.cfg");
  REQUIRE(f);
  CHECK(option(*f, "a", "x +")->value == "1");
  CHECK(option(*f, "a", "y-")->value == "2");
  CHECK(option(*f, "a", "<")->value == "base");
  CHECK(option(*f, "a", "<part-dependencies>")->value == "dep1 dep2");
}

TEST_CASE("parse: repeated headers merge, repeated options replace") {
  auto f = parse("[a]\nx = 1\n[b]\n[a]\nx = 2\ny = 3\n", "t.cfg");
  REQUIRE(f);
  CHECK(f->sections.size() == 2);
  CHECK(option(*f, "a", "x")->value == "2");
  CHECK(option(*f, "a", "x")->line == 5);
}

TEST_CASE("parse: CRLF line endings") {
  auto f = parse("[a]\r\nx = 1\r\n  2\r\n", "t.cfg");
  REQUIRE(f);
  CHECK(option(*f, "a", "x")->value == "1\n2");
}

TEST_CASE("parse: conditional sections") {
  auto f = parse("[a]\n[a:python2]\nx = 2\n[a:python3]\nx = 3\n[b:False]\ny = 1\n[c: linux and bits64]\nz = 1\n", "t.cfg");
  REQUIRE(f);
  CHECK(option(*f, "a", "x")->value == "3");
  CHECK(option(*f, "b", "y") == nullptr);
  CHECK(option(*f, "c", "z")->value == "1");
  // As upstream: a false section at the top leaves no section open for its options.
  auto top = parse("[a:python2]\nx = 2\n", "t.cfg");
  REQUIRE_FALSE(top);
  CHECK(top.error().cls == "MissingSectionHeaderError");
}

TEST_CASE("parse: errors name file, line and class") {
  auto bad = parse("[a]\nx = 1\n[b\n", "bad.cfg");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().cls == "ParsingError");
  CHECK(bad.error().describe() ==
        "bad.cfg:3:1: cannot parse line '[b': expected 'option = value', a [section] header, or an indented continuation line");

  auto colon = parse("[a]\nrecipe: r\n", "c.cfg");
  REQUIRE_FALSE(colon);
  CHECK(colon.error().where.line == 2);

  auto header = parse("x = 1\n[a]\n", "h.cfg");
  REQUIRE_FALSE(header);
  CHECK(header.error().cls == "MissingSectionHeaderError");
  CHECK(header.error().describe() ==
        "h.cfg:1:1: line outside of any section (a profile starts with a [section] header): 'x = 1'");

  auto indented = parse("[a]\n  x = 1\n", "i.cfg");
  REQUIRE_FALSE(indented);
  CHECK(indented.error().where.line == 2);

  auto nul = parse(std::string("[a]\nx = \0\n", 10), "n.cfg");
  REQUIRE_FALSE(nul);
  CHECK(nul.error().describe() == "n.cfg:2:1: file contains NUL bytes: not a profile");

  auto utf = parse("[a]\nx = \xff\n", "u.cfg");
  REQUIRE_FALSE(utf);
  CHECK(utf.error().describe() == "u.cfg:2:1: file is not valid UTF-8 text");
}

TEST_CASE("eval_condition") {
  Location here{"t.cfg", 1, 1};
  CHECK(eval_condition("python3", here).value());
  CHECK_FALSE(eval_condition("python2", here).value());
  CHECK(eval_condition("sys.version_info >= (3,)", here).value());
  CHECK_FALSE(eval_condition("sys.version_info < (3, 8)", here).value());
  CHECK(eval_condition("not pypy and (linux or windows)", here).value());
  CHECK_FALSE(eval_condition("os.path.isdir('/nonexistent') and open('/nonexistent').read()", here).value());
  CHECK(eval_condition("[int(q) for q in '5.10.0'.split('.')[:2]] >= [4, 14]", here).value());
  // What zc.buildout's own doctests evaluate in section headers.
  CHECK(eval_condition("2 + 2 == 4", here).value());
  CHECK(eval_condition("sys.version[0] == '3' and str(1) == '1' and len('ab') == 2", here).value());
  CHECK(eval_condition("any(map(lambda x: x > 1, [0, 2]))", here).value());
  CHECK(eval_condition("{k for k in 'ab'} == {'a', 'b'}", here).value());
  CHECK_FALSE(eval_condition("0, 1", here).value());  // element 0 decides
  CHECK(eval_condition("x for x in [1]", here).value());  // [x for x in [1]][0]
  CHECK(eval_condition("'#' == '\\x23'", here).value());  // buildout's escape of '#'
  // The expression may close buildout's '[' itself: element 0 of whatever came out.
  CHECK(eval_condition("] + [1] #", here).value());
  CHECK(eval_condition("] and 'x' #", here).error().cls == "IndexError");  // [] and 'x' is []
  CHECK_FALSE(eval_condition("].rd #-3 *2 not*2 not None", here));  // an error, once a crash
  CHECK(eval_condition("] or 5 #", here).error().describe() ==
        "t.cfg:1:1: section condition '] or 5 #': TypeError: 'int' object is not subscriptable");
  auto bad = eval_condition("python311", here);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().cls == "NameError");
  CHECK(bad.error().describe() == "t.cfg:1:1: section condition 'python311': NameError: name 'python311' is not defined");
}
