#include <doctest/doctest.h>

#include "slap/resolver.hpp"
#include "test_support.hpp"

using namespace slap;
using namespace slap::profile;

namespace {

// Writes files into a fresh directory and loads `buildout.cfg` from it.
struct Fixture {
  std::string dir;
  explicit Fixture(const std::string& name) : dir(test::temp_dir(name)) {}
  Fixture& file(const std::string& rel, const std::string& text) {
    test::write(dir + "/" + rel, text);
    return *this;
  }
  Result<Profile> load(std::vector<OptionOverride> overrides = {}) const {
    LoadOptions o;
    o.profile = "buildout.cfg";
    o.cwd = dir;
    o.executable = "/usr/bin/python3";
    o.overrides = std::move(overrides);
    return profile::load(o);
  }
};

std::string raw(const Profile& p, const std::string& s, const std::string& o) {
  return std::string(p.config().find(s)->at(o).value());
}

Report report(const Profile& p) {
  LocationDefaultHook hook;
  auto r = resolve_all(p, hook);
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("load: extends merges later over earlier, += and -= apply to extended values") {
  Fixture f("extends");
  f.file("base.cfg", "[gcc]\nflags = -O2\n  -g\n")
      .file("buildout.cfg", "[buildout]\nextends = base.cfg\nparts =\n[gcc]\nflags += -fPIC\nflags -= -g\n");
  auto p = f.load();
  REQUIRE(p);
  CHECK(raw(*p, "gcc", "flags") == "-O2\n-fPIC");
  CHECK_FALSE(p->config().find("buildout")->contains("extends"));
}

TEST_CASE("load: diamond base re-applied by the later branch") {
  Fixture f("diamond");
  f.file("base.cfg", "[a]\nside = base\n")
      .file("left.cfg", "[buildout]\nextends = base.cfg\n[a]\nside = left\n")
      .file("right.cfg", "[buildout]\nextends = base.cfg\n")
      .file("buildout.cfg", "[buildout]\nextends = left.cfg right.cfg\nparts =\n");
  auto p = f.load();
  REQUIRE(p);
  CHECK(raw(*p, "a", "side") == "base");
}

TEST_CASE("load: _profile_base_location_ is the directory of the file, as spelled by extends") {
  Fixture f("pbl");
  f.file("c/foo/buildout.cfg", "[buildout]\nextends = ../bar/buildout.cfg\n[foo]\np = ${:_profile_base_location_}/f\n")
      .file("c/bar/buildout.cfg", "[bar]\np = ${:_profile_base_location_}/b\n")
      .file("buildout.cfg", "[buildout]\nextends = c/foo/buildout.cfg\nparts =\n[foo]\nq = ${:_profile_base_location_}\n");
  auto p = f.load();
  REQUIRE(p);
  CHECK(raw(*p, "foo", "p") == f.dir + "/c/foo/f");
  CHECK(raw(*p, "bar", "p") == f.dir + "/c/foo/../bar/b");
  CHECK(raw(*p, "foo", "q") == f.dir);
}

TEST_CASE("load: command-line overrides and absolute directories") {
  Fixture f("overrides");
  f.file("buildout.cfg", "[buildout]\nparts =\nbin-directory = mybin\n[a]\nx = 1\n");
  auto p = f.load({{"a", "x", "2"}, {"buildout", "offline", "true"}});
  REQUIRE(p);
  CHECK(raw(*p, "a", "x") == "2");
  CHECK(raw(*p, "buildout", "bin-directory") == f.dir + "/mybin");
  CHECK(p->describe(p->config().find("a")->at("x").origin()) == "COMMAND_LINE_VALUE");
}

TEST_CASE("load: errors") {
  Fixture missing("missing");
  missing.file("buildout.cfg", "[buildout]\nextends = nope.cfg\n");
  auto e = missing.load();
  REQUIRE_FALSE(e);
  CHECK(e.error().cls == "FileNotFoundError");
  CHECK(e.error().describe() == missing.dir + "/buildout.cfg:2:1: cannot open extended profile " + missing.dir +
                                    "/nope.cfg: No such file or directory");

  Fixture loop("loop");
  loop.file("buildout.cfg", "[buildout]\nextends = a.cfg\n").file("a.cfg", "[buildout]\nextends = sub/../buildout.cfg\n");
  e = loop.load();
  REQUIRE_FALSE(e);
  CHECK(e.error().cls == "UserError");
  CHECK(e.error().describe() == loop.dir + "/a.cfg:2:1: Recursive file include: " + loop.dir + "/buildout.cfg extends itself (" +
                                    loop.dir + "/buildout.cfg -> " + loop.dir + "/a.cfg -> " + loop.dir + "/buildout.cfg)");
}

TEST_CASE("resolve: substitution, macros and part order") {
  Fixture f("resolve");
  f.file("buildout.cfg",
         "[buildout]\nparts = app tool\n"
         "[macro]\nrecipe = r\nurl = http://x/${:name}\n"
         "[lib]\n<= macro\nname = lib.tgz\n"
         "[app]\nrecipe = r\nneeds = ${lib:url} ${:_buildout_section_name_}\nkeep = $${not:substituted}\n"
         "[tool]\nrecipe = r\n");
  auto p = f.load();
  REQUIRE(p);
  Report r = report(*p);
  CHECK(r.order == std::vector<std::string>{"lib", "app", "tool"});
  CHECK(r.resolved.at("app").options.at("needs") == "http://x/lib.tgz app");
  CHECK(r.resolved.at("app").options.at("keep") == "$${not:substituted}");
  CHECK(r.resolved.at("lib").options.at("location") == f.dir + "/parts/lib");
  CHECK(r.part_errors.empty());
}

TEST_CASE("resolve: errors per section with exact texts") {
  Fixture f("resolve-errors");
  f.file("buildout.cfg",
         "[buildout]\nparts = a b c d\n"
         "[a]\nrecipe = r\nv = ${nowhere:x}\n"
         "[b]\nrecipe = r\nv = ${c:w}\n"
         "[c]\nrecipe = r\nw = ${b:v}\n"
         "[d]\nx = 1\n"
         "[e]\nv = ${a:b:c}\n");
  auto p = f.load();
  REQUIRE(p);
  Report r = report(*p);
  CHECK(error_label(r.part_errors.at("a")) ==
        "MissingSection: a:v references undefined section [nowhere] (${nowhere:x})");
  CHECK(r.part_errors.at("a").describe().starts_with(f.dir + "/buildout.cfg:5:1: "));
  CHECK(error_label(r.part_errors.at("b")) == "UserError: circular reference in substitutions: c:w -> b:v -> c:w");
  CHECK(error_label(r.part_errors.at("d")) == "MissingOption: Missing option: d:recipe");
  CHECK(error_label(*r.resolved.at("e").error) == "UserError: The substitution, ${a:b:c}, has too many colons.");
}

TEST_CASE("resolve: a chain of references too long to follow on the stack is an error, not a crash") {
  Fixture f("deep-chain");
  std::string text = "[buildout]\nparts = s0\n";
  const int n = 5000;  // past the limit; 100,000 overflowed the stack before it existed
  for (int i = 0; i < n; ++i) text += "[s" + std::to_string(i) + "]\nrecipe = r\nv = ${s" + std::to_string(i + 1) + ":v}\n";
  text += "[s" + std::to_string(n) + "]\nv = end\n";
  f.file("buildout.cfg", text);
  auto p = f.load();
  REQUIRE(p);
  Report r = report(*p);
  CHECK(error_label(r.part_errors.at("s0")).starts_with("UserError: sections referencing one another more than 1000 deep"));
}

TEST_CASE("resolve: macros extending one another more than 100 deep are an error, not a crash") {
  Fixture f("deep-macros");
  std::string text = "[buildout]\nparts = s0\n";
  const int n = 150;  // 100,000 overflowed the stack before the limit existed
  for (int i = 0; i < n; ++i)
    text += "[s" + std::to_string(i) + "]\n<= s" + std::to_string(i + 1) + "\nv" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  text += "[s" + std::to_string(n) + "]\nrecipe = r\n";
  f.file("buildout.cfg", text);
  auto p = f.load();
  REQUIRE(p);
  Report r = report(*p);
  CHECK(error_label(r.part_errors.at("s0")) == "UserError: macros (<=) extending one another more than 100 deep, from [s0] to [s100]");
  CHECK_FALSE(r.resolved.at("s60").error);  // 90 deep
}

TEST_CASE("resolve: a reference into a section still initialising reads the option lazily") {
  Fixture f("lazy");
  f.file("buildout.cfg", "[buildout]\nparts = a\n[a]\nrecipe = r\nx = ${b:y}\nz = 2\n[b]\ny = ${a:z}\n");
  auto p = f.load();
  REQUIRE(p);
  Report r = report(*p);
  CHECK(r.part_errors.empty());
  CHECK(r.resolved.at("a").options.at("x") == "2");
}

TEST_CASE("resolve: invalid [buildout] booleans are load errors") {
  Fixture f("bool");
  f.file("buildout.cfg", "[buildout]\nparts =\noffline = maybe\n");
  auto p = f.load();
  REQUIRE(p);
  LocationDefaultHook hook;
  auto r = resolve_all(*p, hook);
  REQUIRE_FALSE(r);
  CHECK(r.error().describe() == f.dir + "/buildout.cfg:3:1: Invalid value for 'offline' option: 'maybe' (use true or false)");
}
