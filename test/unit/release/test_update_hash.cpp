#include <doctest/doctest.h>

#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/release.hpp"
#include "test_support.hpp"

using namespace slap;
using State = release::HashEntry::State;

namespace {
using test::md5;

std::string read(const std::string& path) { return fs::read_file(path).value(); }
}  // namespace

TEST_CASE("update-hash: buildout.hash.cfg sections, byte for byte") {
  std::string dir = test::temp_dir("uh-hash");
  fs::make_dirs(dir + "/templates").value();
  test::write(dir + "/instance.cfg.in", "[buildout]\n");
  test::write(dir + "/templates/run.in", "#!/bin/sh\n");
  test::write(dir + "/password.php.in", "<?php ?>\n");
  std::string header = "# THIS IS NOT A BUILDOUT FILE\r\n";
  std::string text = header +
                     "[instance-profile]\r\nfilename = instance.cfg.in\r\nmd5sum = " + md5("[buildout]\n") + "\r\n\r\n"
                     "[template-run]\r\n_update_hash_filename_ = templates/run.in\r\nmd5sum = 0123\r\n\r\n"
                     "[password.php.in]\r\n# no md5sum yet\r\n\r\n";
  test::write(dir + "/buildout.hash.cfg", text);
  Context ctx;
  auto report = release::update_hash({dir + "/buildout.hash.cfg"}, false, ctx);
  REQUIRE(report);
  CHECK(report->count(State::match) == 1);
  CHECK(report->count(State::updated) == 2);
  CHECK(report->changed_files == std::vector<std::string>{dir + "/buildout.hash.cfg"});
  CHECK(read(dir + "/buildout.hash.cfg") ==
        header + "[instance-profile]\r\nfilename = instance.cfg.in\r\nmd5sum = " + md5("[buildout]\n") + "\r\n\r\n"
                 "[template-run]\r\n_update_hash_filename_ = templates/run.in\r\nmd5sum = " + md5("#!/bin/sh\n") + "\r\n\r\n"
                 "[password.php.in]\r\n# no md5sum yet\r\nmd5sum = " + md5("<?php ?>\n") + "\r\n\r\n");
  // Idempotent.
  auto again = release::update_hash({dir + "/buildout.hash.cfg"}, false, ctx);
  REQUIRE(again);
  CHECK(again->count(State::match) == 3);
  CHECK(again->changed_files.empty());
}

TEST_CASE("update-hash: md5sum written in a .cfg template section") {
  std::string dir = test::temp_dir("uh-cfg");
  test::write(dir + "/instance.cfg.in", "v2\n");
  std::string text =
      "[buildout]\nparts = template-cfg\n\n"
      "[template-cfg]\nrecipe = slapos.recipe.template:jinja2\n"
      "url = ${:_profile_base_location_}/${:filename}\nfilename = instance.cfg.in\n"
      "md5sum = " + md5("v1\n") + "\noutput = ${buildout:directory}/template.cfg\n\n"
      "[elsewhere]\nurl = ${:_profile_base_location_}/${other:x}\nmd5sum = " + md5("?") + "\n";
  test::write(dir + "/software.cfg", text);
  Context ctx;
  auto dry = release::update_hash({dir + "/software.cfg"}, true, ctx);
  REQUIRE(dry);
  CHECK(dry->count(State::updated) == 1);
  CHECK(read(dir + "/software.cfg") == text);  // dry run writes nothing
  auto report = release::update_hash({dir + "/software.cfg"}, false, ctx);
  REQUIRE(report);
  REQUIRE(report->entries.size() == 1);  // [elsewhere] references another section: not ours
  CHECK(report->entries[0].line == 8);
  std::string expected = text;
  expected.replace(expected.find(md5("v1\n")), 32, md5("v2\n"));
  CHECK(read(dir + "/software.cfg") == expected);
}

TEST_CASE("update-hash: a missing file leaves its hash file unchanged") {
  std::string dir = test::temp_dir("uh-missing");
  test::write(dir + "/present.in", "x");
  std::string text = "[present]\nfilename = present.in\nmd5sum = 00\n\n[gone]\nfilename = gone.in\nmd5sum = 11\n";
  test::write(dir + "/buildout.hash.cfg", text);
  Context ctx;
  auto report = release::update_hash({dir + "/buildout.hash.cfg"}, false, ctx);
  REQUIRE(report);
  CHECK(report->count(State::missing) == 1);
  CHECK(report->changed_files.empty());
  CHECK(read(dir + "/buildout.hash.cfg") == text);
  auto error = report->missing_error();
  REQUIRE(error);
  CHECK(error->kind == ErrorKind::input);
  CHECK(error->describe() == dir + "/buildout.hash.cfg:7:1: [gone] file 'gone.in' does not exist (the file holding it was left unchanged)");
}

TEST_CASE("update-hash: unknown keys in a hash file are an error") {
  std::string dir = test::temp_dir("uh-unknown");
  test::write(dir + "/buildout.hash.cfg", "[a]\nfilename = a\nsha1 = 00\n");
  Context ctx;
  auto report = release::update_hash({dir + "/buildout.hash.cfg"}, false, ctx);
  REQUIRE_FALSE(report);
  CHECK(report.error().describe() == dir + "/buildout.hash.cfg:3:1: Unknown key: 'sha1'");
}

TEST_CASE("update-hash: which files") {
  std::string dir = test::temp_dir("uh-files");
  fs::make_dirs(dir + "/sub/.git").value();
  test::write(dir + "/buildout.hash.cfg", "");
  test::write(dir + "/software.cfg", "[buildout]\nextends = buildout.hash.cfg ../x.cfg\n");
  test::write(dir + "/other.cfg", "[buildout]\nextends = software.cfg\n");
  test::write(dir + "/sub/a.cfg", "");
  test::write(dir + "/sub/.git/config.cfg", "");
  test::write(dir + "/notes.txt", "");
  CHECK(release::hash_files_in(dir) == std::vector<std::string>{dir + "/buildout.hash.cfg", dir + "/software.cfg"});
  CHECK(release::hash_files_under(dir) == std::vector<std::string>{dir + "/buildout.hash.cfg", dir + "/other.cfg",
                                                                   dir + "/software.cfg", dir + "/sub/a.cfg"});
}
