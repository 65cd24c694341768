#include <doctest/doctest.h>

#include <algorithm>

#include "slap/fs.hpp"
#include "slap/profile.hpp"
#include "slap/release.hpp"
#include "test_support.hpp"

using namespace slap;

namespace {

const release::LintProblem* find(const std::vector<release::LintProblem>& problems, std::string_view file_suffix,
                                 std::string_view json_path, std::string_view rule) {
  auto it = std::find_if(problems.begin(), problems.end(), [&](const release::LintProblem& p) {
    return p.file.ends_with(file_suffix) && p.json_path == json_path && p.rule == rule;
  });
  return it == problems.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("lint: software.cfg.json schemas exist, are valid, and their $refs resolve") {
  std::string dir = test::temp_dir("lint-schema");
  test::write(dir + "/software.cfg.json", R"({"name": "x", "software-type": {
    "default": {"request": "in.json", "response": "out.json"},
    "other": {"request": "missing.json", "response": ""}}})");
  test::write(dir + "/in.json", R"({"type": "object", "properties": {
    "a": {"type": "strin"},
    "b": {"$ref": "defs.json#/definitions/b"},
    "c": {"$ref": "gone.json"},
    "d": {"$ref": "#/definitions/d"}},
    "definitions": {"d": {"type": "string"}}})");
  test::write(dir + "/defs.json", R"({"definitions": {"a": {"minLength": -1}}})");
  test::write(dir + "/out.json", R"({"type": "object"})");
  auto problems = release::lint_software_json(dir + "/software.cfg.json");

  const auto* missing = find(problems, "software.cfg.json", "/software-type/other/request", "missing-file");
  REQUIRE(missing);
  CHECK(missing->message == "'missing.json' does not exist: " + dir + "/missing.json");
  const auto* empty = find(problems, "software.cfg.json", "/software-type/other/response", "schema");
  REQUIRE(empty);
  CHECK(empty->message == "software type 'other' has no \"response\" schema file");
  CHECK(find(problems, "/in.json", "/properties/a/type", "schema"));
  CHECK_FALSE(find(problems, "/in.json", "", "schema"));  // valijson's load would only repeat it
  const auto* gone = find(problems, "/in.json", "/properties/c/$ref", "missing-file");
  REQUIRE(gone);
  CHECK(gone->message == "$ref 'gone.json' names a file that does not exist: " + dir + "/gone.json");
  const auto* pointer = find(problems, "/in.json", "/properties/b/$ref", "schema");
  REQUIRE(pointer);
  CHECK(pointer->message == "$ref 'defs.json#/definitions/b': " + dir + "/defs.json has no '#/definitions/b'");
  // Referenced files are schemas too.
  CHECK(find(problems, "/defs.json", "/definitions/a/minLength", "schema"));
  CHECK_FALSE(find(problems, "/in.json", "/properties/d/$ref", "schema"));
  CHECK_FALSE(find(problems, "/out.json", "", "schema"));
  CHECK(problems.size() == 6);
}

TEST_CASE("lint: a schema that is not JSON is reported with its line") {
  std::string dir = test::temp_dir("lint-json");
  test::write(dir + "/software.cfg.json", R"({"software-type": {"default": {"request": "in.json", "response": "in.json"}}})");
  test::write(dir + "/in.json", "{\n  \"type\": \"object\",\n}\n");
  auto problems = release::lint_software_json(dir + "/software.cfg.json");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].line == 3);
  CHECK(problems[0].message.starts_with("not valid JSON: "));
}

TEST_CASE("lint: checksums, profile errors and templates") {
  std::string dir = test::temp_dir("lint-profile");
  test::write(dir + "/bad.cfg.in", "{% if x %}never closed\n");
  test::write(dir + "/software.cfg",
              "[buildout]\nparts = download broken render\n\n"
              "[download]\nrecipe = slapos.recipe.build:download\nurl = ${:_profile_base_location_}/bad.cfg.in\n\n"
              "[broken]\nrecipe = slapos.recipe.build:download\nurl = ${nowhere:url}\nmd5sum = 00\n\n"
              "[render]\nrecipe = slapos.recipe.template:jinja2\ninline = {{ unclosed\noutput = x\n");
  profile::LoadOptions o;
  o.profile = dir + "/software.cfg";
  o.cwd = dir;
  auto loaded = profile::load(o);
  REQUIRE(loaded);
  Context ctx;
  auto report = release::lint(*loaded, {}, ctx);
  const auto* profile_error = find(report.problems, "software.cfg", "", "profile");
  REQUIRE(profile_error);
  CHECK(profile_error->line == 10);
  CHECK(find(report.problems, "bad.cfg.in", "", "template"));
  CHECK(find(report.problems, "[render] inline", "", "template"));
  REQUIRE(report.notes.size() == 1);
  CHECK(report.notes[0] == "no software.cfg.json next to " + dir + "/software.cfg: no schema to check");
  // The profile does not resolve, so the checksum scan cannot run; without [broken] it does.
  test::write(dir + "/software.cfg",
              "[buildout]\nparts = download\n\n"
              "[download]\nrecipe = slapos.recipe.build:download\nurl = ${:_profile_base_location_}/bad.cfg.in\n");
  auto fixed = profile::load(o);
  REQUIRE(fixed);
  auto second = release::lint(*fixed, {}, ctx);
  const auto* checksum = find(second.problems, "software.cfg", "", "checksum");
  REQUIRE(checksum);
  CHECK(checksum->line == 6);
  CHECK(checksum->message == "[download] downloads " + dir + "/bad.cfg.in without md5sum");
  CHECK_FALSE(find(release::lint(*fixed, {.checksums = false}, ctx).problems, "software.cfg", "", "checksum"));
}
