#include <doctest/doctest.h>

#include <filesystem>

#include "slap/promise.hpp"
#include "test_support.hpp"

using namespace slap;
using namespace slap::promise;

namespace {
void make_file(const std::string& path, const std::string& text, std::filesystem::perms perms) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  test::write(path, text);
  std::filesystem::permissions(path, perms);
}
constexpr auto exec = std::filesystem::perms::owner_all;
constexpr auto plain = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;
}  // namespace

TEST_CASE("discover: plugins then legacy executables, with their problems") {
  std::string dir = test::temp_dir("promise-discover");
  make_file(dir + "/etc/promise/check-web.sh", "#!/bin/sh\nexit 0\n", exec);
  make_file(dir + "/etc/promise/notes.txt", "not a promise\n", plain);
  make_file(dir + "/etc/promise/.hidden", "#!/bin/sh\n", exec);
  make_file(dir + "/etc/plugin/__init__.py", "", plain);
  make_file(dir + "/etc/plugin/listen.py",
            "extra_config_dict = {'port': '1'}\nfrom slapos.promise.plugin.check_socket_listening import RunPromise\n", plain);
  make_file(dir + "/etc/plugin/file.json", R"({"module": "check_file_state", "config": {"filename": "x"}})", plain);
  make_file(dir + "/etc/plugin/custom.py", "print('hi')\n", plain);
  make_file(dir + "/etc/plugin/listen.json", R"({"module": "check_file_state"})", plain);
  make_file(dir + "/etc/plugin/README", "ignored", plain);

  auto found = discover(dir);
  REQUIRE(found);
  std::vector<std::string> names;
  for (const auto& p : *found) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"custom.py", "file.json", "listen.json", "listen.py", "check-web.sh", "notes.txt"});
  const auto& custom = (*found)[0];
  CHECK(custom.kind == Kind::plugin);
  CHECK(custom.problem == "unsupported plugin: " + dir +
                              "/etc/plugin/custom.py:1:1: unexpected Python statement 'print('hi')' (slap reads only the "
                              "files slapos.cookbook:promise.plugin generates with a 'module' option)");
  CHECK((*found)[1].module == "check_file_state");
  CHECK((*found)[1].title == "file");
  CHECK((*found)[2].problem.empty());
  CHECK((*found)[3].problem == dir + "/etc/plugin/listen.py has the same title 'listen' as listen.json: their results would collide");
  CHECK((*found)[3].title == "listen.py");
  CHECK((*found)[4].title == "check-web");
  CHECK((*found)[4].problem.empty());
  CHECK((*found)[5].problem == dir + "/etc/promise/notes.txt is not executable (mode 0600)");

  auto only = discover(dir, {"check-web", "file.json"});
  REQUIRE(only);
  REQUIRE(only->size() == 2);
  CHECK((*only)[0].name == "check-web.sh");
  auto unknown = discover(dir, {"nope"});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == ErrorKind::usage);
  CHECK(unknown.error().message == "no promise named 'nope' in " + dir);
  auto missing = discover(dir + "/none");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "partition directory " + dir + "/none does not exist");
}
