#include <doctest/doctest.h>

#include "recipes/common.hpp"
#include "slap/process.hpp"
#include "slap/recipe.hpp"

using namespace slap;
using namespace slap::recipes;

TEST_CASE("shell_split follows POSIX quoting") {
  CHECK(shell_split("a 'b c' \"d \\\"e\\\"\" f\\ g").value() ==
        std::vector<std::string>{"a", "b c", "d \"e\"", "f g"});
  CHECK_FALSE(shell_split("'unterminated"));
}

TEST_CASE("percent interpolation") {
  std::map<std::string, std::string> vars{{"location", "/opt/x"}, {"PATH", "/bin"}};
  CHECK(percent("--prefix=%(location)s 100%%", vars).value() == "--prefix=/opt/x 100%");
  auto bad = percent("%(nope)s", vars);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "%(nope)s refers to an unknown name");
}

TEST_CASE("registry knows SlapOS names, DIST alone means DIST:default") {
  bool cmmi = find("slapos.recipe.cmmi") != nullptr;
  bool same = find("slapos.recipe.cmmi:default") == find("slapos.recipe.cmmi");
  bool unpacked = find("slapos.recipe.build:download-unpacked") != nullptr;
  bool egg = find("zc.recipe.egg") != nullptr;
  CHECK(cmmi);
  CHECK(same);
  CHECK(unpacked);
  CHECK(egg);
}

TEST_CASE("process::run captures output, exit status and timeouts") {
  process::Environment env{{"PATH", "/usr/bin:/bin"}};
  auto ok = process::run({.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"}, .env = env});
  REQUIRE(ok);
  CHECK(ok->end == process::Outcome::End::exited);
  CHECK(ok->status == 3);
  CHECK(ok->out == "out\n");
  CHECK(ok->err == "err\n");
  process::Spec slow{.argv = {"sleep", "5"}, .env = env};
  slow.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  auto t = process::run(slow);
  REQUIRE(t);
  CHECK(t->describe() == "timed out");
  auto missing = process::run({.argv = {"no-such-program-xyz"}, .env = env});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "cannot run 'no-such-program-xyz': not found or not executable");
}

#include "recipes/cron.hpp"

TEST_CASE("cron.d: systemd calendar specs become crontab lines as upstream converts them") {
  const std::pair<const char*, const char*> cases[] = {
      {"daily", "0 0 * * *"},
      {"hourly", "0 * * * *"},
      {"weekly", "0 0 * * 0"},
      {"*-*-* 00:00:00", "00 00 * * *"},
      {"Mon,Fri 12:30", "30 12 * * 1,5"},
      {"mon-fri *-*-* 1:2", "2 1 * * 1-5"},
      {"*:0/15", "0-45/15 * * * *"},
      {"*-*-01 3:4", "4 3 01 * *"},
      {"0/5:0", "0 0-20/5 * * *"},
      {"sat-sun", "0 0 * * 6-0"},
      {"*-* 23:0/20", "0-40/20 23 * * *"},
      {"*:0/15,1", "0-45/15 * * * *"},
  };
  for (const auto& [spec, cron] : cases) {
    CAPTURE(spec);
    auto converted = systemd_to_cron(spec);
    REQUIRE(converted);
    CHECK(*converted == cron);
  }
  for (const char* bad : {"12:30:10", "2024-*-* 1:1", "Tue 1-2-3", "", "*:61", "Mon *-*-02 1:1"}) {
    CAPTURE(bad);
    CHECK_FALSE(systemd_to_cron(bad));
  }
}
