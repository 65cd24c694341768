#include <doctest/doctest.h>

#include "slap/config.hpp"
#include "test_support.hpp"

using namespace slap;

TEST_CASE("load_config precedence: default < files < env < flags") {
  std::string dir = test::temp_dir("config");
  test::write(dir + "/system.toml", "[core]\njobs = 3\ncolor = \"never\"\n");
  test::write(dir + "/slap.toml", "[core]\njobs = 5\n");
  ConfigSources src;
  src.home = dir;
  src.system_file = dir + "/system.toml";
  src.cwd = dir;
  src.env = {{"SLAP_CORE_OFFLINE", "yes"}};
  src.flags = {{"core.color", "always"}};
  auto c = load_config(src);
  REQUIRE(c);
  CHECK(c->get("core.jobs") == "5");
  CHECK(c->find("core.jobs")->origin == dir + "/slap.toml:2");
  CHECK(c->get("core.offline") == "true");
  CHECK(c->find("core.offline")->origin == "env SLAP_CORE_OFFLINE");
  CHECK(c->get("core.color") == "always");
  CHECK(c->get("build.download-cache") == dir + "/.cache/slap/download");
}

TEST_CASE("load_config errors name file and line") {
  std::string dir = test::temp_dir("config-bad");
  test::write(dir + "/slap.toml", "[core]\njobz = 3\n");
  ConfigSources src;
  src.home = dir;
  src.system_file = dir + "/none.toml";
  src.cwd = dir;
  auto c = load_config(src);
  REQUIRE_FALSE(c);
  CHECK(c.error().describe() == dir + "/slap.toml:2:8: unknown setting 'core.jobz' (did you mean 'core.jobs'?)");
  test::write(dir + "/slap.toml", "[core]\njobs = \"many\"\n");
  c = load_config(src);
  REQUIRE_FALSE(c);
  CHECK(c.error().describe() == dir + "/slap.toml:2:8: 'core.jobs' must be a whole number, not 'many'");
}
