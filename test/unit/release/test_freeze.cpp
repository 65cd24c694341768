#include <doctest/doctest.h>

#include "slap/checksum.hpp"
#include "slap/fetch.hpp"
#include "slap/fs.hpp"
#include "slap/profile.hpp"
#include "slap/release.hpp"
#include "test_support.hpp"

using namespace slap;
using Kind = release::FreezeItem::Kind;

namespace {

using test::md5;

const std::string revision = "0123456789abcdef0123456789abcdef01234567";

std::string unfrozen_profile(const std::string& src_md5) {
  return "[buildout]\nparts = data src repo tool\n\n"                            // 1-3
         "[data]\nrecipe = slapos.recipe.build:download\n"                        // 4-5
         "url = ${:_profile_base_location_}/data.txt\n\n"                         // 6-7
         "[src]\nrecipe = slapos.recipe.cmmi\n"                                   // 8-9
         "url = ${:_profile_base_location_}/src.tar.gz\nmd5sum = " + src_md5 + "\n"  // 10-11
         "patches =\n  ${:_profile_base_location_}/fix.patch\n"                   // 12-13
         "  ${:_profile_base_location_}/done.patch#abc\n\n"                       // 14-15
         "[repo]\nrecipe = slapos.recipe.build:gitclone\n"                        // 16-17
         "repository = /nonexistent/repo.git\nbranch = stable\n\n"                // 18-20
         "[tool]\nrecipe = zc.recipe.egg\neggs =\n  pinned\n  unpinned\n  exact==1.0\n\n"  // 21-27
         "[versions]\npinned = 2.0\n";
}

profile::Profile load(const std::string& file) {
  profile::LoadOptions o;
  o.profile = file;
  o.cwd = file.substr(0, file.rfind('/'));
  auto p = profile::load(o);
  REQUIRE_MESSAGE(p, (p ? "" : p.error().describe()));
  return std::move(*p);
}

struct Fixture {
  std::string dir;
  std::string profile;
  explicit Fixture(const std::string& name) : dir(test::temp_dir(name)), profile(dir + "/software.cfg") {
    test::write(dir + "/data.txt", "data\n");
    test::write(dir + "/src.tar.gz", "src\n");
    test::write(dir + "/fix.patch", "--- a\n+++ b\n");
    test::write(profile, unfrozen_profile(md5("src\n")));
  }
};

release::FreezeOptions fixing(fetch::Fetcher& fetcher, bool* git_called = nullptr) {
  release::FreezeOptions o;
  o.fetcher = &fetcher;
  o.resolve_revision = [git_called](const std::string& repository, const std::string& branch) -> Result<std::string> {
    if (git_called) *git_called = true;
    if (repository != "/nonexistent/repo.git" || branch != "stable") return fail(ErrorKind::network, "unexpected");
    return revision;
  };
  return o;
}

}  // namespace

TEST_CASE("freeze --check lists every unfrozen item where it is defined") {
  Fixture f("freeze-check");
  Context ctx;
  auto report = release::freeze(load(f.profile), {.check = true}, ctx);
  REQUIRE_MESSAGE(report, (report ? "" : report.error().describe()));
  REQUIRE(report->items.size() == 4);
  const auto& items = report->items;
  CHECK(items[0].kind == Kind::download);
  CHECK(items[0].section == "data");
  CHECK(items[0].file == f.profile);
  CHECK(items[0].line == 6);
  CHECK(items[0].missing == "md5sum");
  CHECK(items[0].subject == f.dir + "/data.txt");
  CHECK(items[1].kind == Kind::patch);
  CHECK(items[1].line == 12);
  CHECK(items[1].subject == f.dir + "/fix.patch");
  CHECK(items[2].kind == Kind::gitclone);
  CHECK(items[2].line == 18);
  CHECK(items[2].subject == "/nonexistent/repo.git stable");
  CHECK(items[3].kind == Kind::egg);
  CHECK(items[3].subject == "unpinned");
  CHECK(items[3].line == 23);
  CHECK(items[3].reason == "slap cannot resolve Python package versions: pin it with 'unpinned = VERSION' in [versions]");
  CHECK(report->unfixable() == 1);
  CHECK(report->changed_files.empty());
  CHECK(fs::read_file(f.profile).value() == unfrozen_profile(md5("src\n")));
}

TEST_CASE("freeze writes checksums and revisions, then --check finds only what it cannot fix") {
  Fixture f("freeze-fix");
  Context ctx;
  fetch::Fetcher fetcher({f.dir + "/cache"}, ctx);
  auto report = release::freeze(load(f.profile), fixing(fetcher), ctx);
  REQUIRE_MESSAGE(report, (report ? "" : report.error().describe()));
  CHECK(report->changed_files == std::vector<std::string>{f.profile});
  CHECK(report->items[0].value == md5("data\n"));
  CHECK(report->items[2].value == revision);
  std::string expected = unfrozen_profile(md5("src\n"));
  auto after = [&](const std::string& line, const std::string& added) {
    expected.insert(expected.find(line) + line.size(), added);
  };
  after("url = ${:_profile_base_location_}/data.txt\n", "md5sum = " + md5("data\n") + "\n");
  after("  ${:_profile_base_location_}/fix.patch", "#" + md5("--- a\n+++ b\n"));
  after("repository = /nonexistent/repo.git\n", "revision = " + revision + "\n");
  CHECK(fs::read_file(f.profile).value() == expected);

  auto check = release::freeze(load(f.profile), {.check = true}, ctx);
  REQUIRE(check);
  REQUIRE(check->items.size() == 1);
  CHECK(check->items[0].kind == Kind::egg);
}

TEST_CASE("freeze: a failing download changes no file") {
  Fixture f("freeze-fail");
  std::string text = unfrozen_profile(md5("src\n")) + "\n[late]\nrecipe = slapos.recipe.build:download\nurl = ${:_profile_base_location_}/absent.txt\n";
  text.replace(text.find("parts = data"), 12, "parts = late data");
  test::write(f.profile, text);
  Context ctx;
  fetch::Fetcher fetcher({f.dir + "/cache"}, ctx);
  bool git_called = false;
  auto report = release::freeze(load(f.profile), fixing(fetcher, &git_called), ctx);
  REQUIRE_FALSE(report);
  CHECK(report.error().context.back() == "while freezing [late] " + f.dir + "/absent.txt (no file was changed)");
  CHECK(fs::read_file(f.profile).value() == text);
  CHECK_FALSE(git_called);  // the first failure stops the run
}

TEST_CASE("freeze: components are edited in their own file") {
  std::string dir = test::temp_dir("freeze-component");
  fs::make_dirs(dir + "/component/lib").value();
  fs::make_dirs(dir + "/software/app").value();
  test::write(dir + "/component/lib/lib.tar.gz", "lib");
  std::string component = "[lib]\r\nrecipe = slapos.recipe.cmmi\r\nurl = ${:_profile_base_location_}/lib.tar.gz\r\n";
  test::write(dir + "/component/lib/buildout.cfg", component);
  std::string software = "[buildout]\nextends = ../../component/lib/buildout.cfg\nparts = lib\n";
  test::write(dir + "/software/app/software.cfg", software);
  Context ctx;
  fetch::Fetcher fetcher({dir + "/cache"}, ctx);
  auto report = release::freeze(load(dir + "/software/app/software.cfg"), fixing(fetcher), ctx);
  REQUIRE_MESSAGE(report, (report ? "" : report.error().describe()));
  CHECK(report->changed_files == std::vector<std::string>{dir + "/component/lib/buildout.cfg"});
  CHECK(fs::read_file(dir + "/component/lib/buildout.cfg").value() == component + "md5sum = " + md5("lib") + "\r\n");
  CHECK(fs::read_file(dir + "/software/app/software.cfg").value() == software);
}

TEST_CASE("freeze: what the build itself produces needs no pin") {
  std::string dir = test::temp_dir("freeze-built");
  test::write(dir + "/t.in", "t");
  test::write(dir + "/software.cfg",
              "[buildout]\nparts = render generated tool\n\n"
              "[tpl]\nrecipe = slapos.recipe.build:download\nurl = ${:_profile_base_location_}/t.in\nmd5sum = " + md5("t") + "\n\n"
              "[render]\nrecipe = slapos.recipe.template:jinja2\nurl = ${tpl:target}\noutput = ${buildout:parts-directory}/r\n\n"
              "[generated]\nrecipe = slapos.recipe.build:download\nurl = file://${render:output}\n\n"
              "[dev]\nrecipe = zc.recipe.egg:develop\negg = mine\nsetup = ${:_profile_base_location_}\n\n"
              "[tool]\nrecipe = zc.recipe.egg\neggs = ${dev:egg}\n");
  Context ctx;
  auto report = release::freeze(load(dir + "/software.cfg"), {.check = true}, ctx);
  REQUIRE_MESSAGE(report, (report ? "" : report.error().describe()));
  CHECK(report->items.empty());
  auto lint = release::lint(load(dir + "/software.cfg"), {}, ctx);
  CHECK(lint.problems.empty());
  REQUIRE_FALSE(lint.notes.empty());
  CHECK(lint.notes[0] == "1 option is set by recipes when they build (e.g. [tpl] target) taken as given");
}
