#include <doctest/doctest.h>

#include "slap/resolver.hpp"
#include "slap/typed.hpp"
#include "test_support.hpp"

using namespace slap;

TEST_CASE("typed values: encoding, JSON text and textual form") {
  std::string v = typed::encode_json(R"({"price": "$5", "n": [1, 2]})");
  CHECK(typed::is_typed(v));
  CHECK(v.find("$$5") != std::string::npos);
  CHECK(typed::json_text(v) == std::optional<std::string>(R"({"price": "$5", "n": [1, 2]})"));
  CHECK(typed::textual(v) == R"({"price": "$5", "n": [1, 2]})");
  CHECK_FALSE(typed::json_text("plain"));
  CHECK(typed::textual("plain") == "plain");
}

// A typed value written into a profile (a rendered instance profile, .installed.cfg) must
// read back typed: the parser strips whitespace around values, so the marker must not be
// whitespace.
TEST_CASE("typed values survive a profile written and read back") {
  std::string dir = test::temp_dir("typed");
  std::string value = typed::encode_json(R"(["a", {"b": "$x"}])");
  test::write(dir + "/buildout.cfg", "[buildout]\nparts =\n[s]\nv = " + value + "\nw = ${:v}\n");
  profile::LoadOptions o;
  o.profile = "buildout.cfg";
  o.cwd = dir;
  auto p = profile::load(o);
  REQUIRE(p);
  profile::LocationDefaultHook hook;
  auto report = profile::resolve_all(*p, hook);
  REQUIRE(report);
  const auto& s = report->resolved.at("s");
  REQUIRE_FALSE(s.error);
  std::string read = s.options.at("v");
  CHECK(s.options.at("w") == R"(["a", {"b": "$x"}])");
  CHECK(typed::json_text(read) == std::optional<std::string>(R"(["a", {"b": "$x"}])"));
}
