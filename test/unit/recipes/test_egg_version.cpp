// Versions, specifiers, requirements and markers of the zc.recipe.egg family; expected
// values are what the `packaging` library (as vendored by pip) answers.
#include <doctest/doctest.h>

#include <algorithm>

#include "recipes/egg/marker.hpp"
#include "recipes/egg/requirement.hpp"
#include "recipes/egg/version.hpp"

using namespace slap::recipes::egg;

namespace {
bool in(std::string_view spec, std::string_view version) {
  return SpecifierSet::parse(spec).value().contains(Version::parse(version));
}
bool marker(std::string_view text) {
  MarkerEnvironment env{{"python_version", "3.11"}, {"sys_platform", "linux"}, {"os_name", "posix"}, {"extra", ""}};
  return evaluate_marker(text, env).value();
}
}  // namespace

TEST_CASE("egg versions order and normalise as PEP 440 says") {
  std::vector<std::string> ordered{"1.0.dev0", "1.0a1", "1.0a1.post1", "1.0b2", "1.0rc1", "1.0", "1.0+local",
                                   "1.0.post1", "1.1", "2!0.1"};
  for (std::size_t i = 0; i + 1 < ordered.size(); ++i)
    CHECK_MESSAGE(Version::parse(ordered[i]) < Version::parse(ordered[i + 1]), ordered[i] << " < " << ordered[i + 1]);
  CHECK(Version::parse("1.0") == Version::parse("1.0.0"));
  CHECK(Version::parse("1.0RC1").normalized() == "1.0rc1");
  CHECK(Version::parse("v1.0-alpha.2").normalized() == "1.0a2");
  CHECK(Version::parse("1.0-1").normalized() == "1.0.post1");
  CHECK(Version::parse("1.0_post2").normalized() == "1.0.post2");
  CHECK(Version::parse("5.8.1+SlapOSPatched002").normalized() == "5.8.1+slapospatched002");
  CHECK(Version::parse("2.0.8.dev0+slapos010").is_prerelease());
  CHECK_FALSE(Version::parse("1.0.post1").is_prerelease());
  CHECK(Version::parse("not a version").legacy());
  CHECK(Version::parse("not a version") < Version::parse("0.1"));
}

TEST_CASE("egg version specifiers") {
  CHECK(in("==1.0", "1.0+abc"));
  CHECK(in("==1.0", "1.0.0"));
  CHECK(in("==1.0.*", "1.0.5"));
  CHECK_FALSE(in("==1.0.*", "1.01"));
  CHECK(in("~=1.4.2", "1.4.9"));
  CHECK_FALSE(in("~=1.4.2", "1.5"));
  CHECK_FALSE(in("<2.0", "2.0a1"));
  CHECK_FALSE(in(">1.0", "1.0.post1"));
  CHECK_FALSE(in(">1.0", "1.0+x"));
  CHECK_FALSE(in("!=1.3", "1.3.0"));
  CHECK(in(">=1.0,<2", "1.5"));
  CHECK(in("", "7"));
  CHECK(in(">=1.0", "2.0b1"));  // pkg_resources: `dist in req` allows pre-releases
  CHECK_FALSE(SpecifierSet::parse("=>1.0"));
}

TEST_CASE("egg requirements: names, extras, clauses, markers") {
  auto r = Requirement::parse("Zope.Interface [Test, docs] >=5.0, <6 ; python_version >= '3'").value();
  CHECK(r.name == "Zope.Interface");
  CHECK(r.key == "zope-interface");
  CHECK(r.extras == std::vector<std::string>{"test", "docs"});
  CHECK(r.specifier.str() == ">=5.0,<6");
  CHECK(r.marker == "python_version >= '3'");
  CHECK(r.str() == "Zope.Interface[docs,test]<6,>=5.0; python_version >= '3'");
  CHECK(Requirement::parse("foo (==1.0)").value().specifier.pinned() == "1.0");
  CHECK_FALSE(Requirement::parse("foo @ https://x/foo.whl"));
  CHECK_FALSE(Requirement::parse("[x]"));
  CHECK(canonical_name("zc.recipe_egg") == "zc-recipe-egg");
  CHECK(egg_project_name("zc.recipe-egg") == "zc.recipe_egg");
  CHECK(egg_version_name("5.8.1+SlapOSPatched002") == "5.8.1+slapospatched002");
}

TEST_CASE("egg environment markers") {
  CHECK(marker("python_version >= \"3.8\" and sys_platform == \"linux\""));
  CHECK_FALSE(marker("python_version < \"3\""));
  CHECK_FALSE(marker("extra == \"test\""));
  CHECK(marker("\"linux\" in sys_platform"));
  CHECK(marker("(python_version<\"3\" or os_name==\"posix\") and extra==\"\""));
  CHECK(marker("python_version > '3.9'"));  // as versions: 3.11 > 3.9
  MarkerEnvironment env{{"extra", "Test_Extra"}, {"python_version", "3.11"}};
  CHECK(evaluate_marker("extra == 'test-extra'", env).value());
  auto bad = evaluate_marker("python_version >= ", env);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "invalid environment marker 'python_version >= ': expected a variable or a quoted string");
}
