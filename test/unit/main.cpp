// doctest runner: each run gets its own temporary directory (SLAP_TEST_TMP), kept when a
// test fails so it can be inspected.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "test_support.hpp"

namespace slap::test {
std::string temp_root;

std::string temp_dir(const std::string& name) {
  std::string dir = temp_root + "/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}
}  // namespace slap::test

int main(int argc, char** argv) {
  char tmpl[] = "/tmp/slap-unit-XXXXXX";
  const char* dir = ::mkdtemp(tmpl);
  if (!dir) return 1;
  slap::test::temp_root = dir;
  doctest::Context context(argc, argv);
  int failed = context.run();
  if (failed == 0) std::filesystem::remove_all(dir);
  else std::fprintf(stderr, "unit tests: kept %s for inspection\n", dir);
  return failed;
}
