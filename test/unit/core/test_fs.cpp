#include <doctest/doctest.h>
#include <unistd.h>

#include <fmt/format.h>

#include "slap/fs.hpp"
#include "test_support.hpp"

using namespace slap;

TEST_CASE("write_atomic replaces the file and leaves no temporary behind") {
  std::string dir = test::temp_dir("fs-atomic");
  std::string file = dir + "/state.cfg";
  REQUIRE(fs::write_atomic(file, "one"));
  REQUIRE(fs::write_atomic(file, "two"));
  CHECK(fs::read_file(file).value() == "two");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++entries;
  CHECK(entries == 1);
}

// What a writer killed with -9 between create and rename leaves: removed by the next
// writer of the same file once its process is gone, kept while it may still be writing.
TEST_CASE("write_atomic removes temporaries of dead writers of the same file only") {
  std::string dir = test::temp_dir("fs-stale");
  std::string dead = dir + "/.state.cfg.tmp-999999999-abcdef";   // beyond any pid_max
  std::string alive = dir + fmt::format("/.state.cfg.tmp-{}-ghijkl", ::getpid());
  std::string other = dir + "/.other.cfg.tmp-999999999-abcdef";
  for (const auto& f : {dead, alive, other}) test::write(f, "partial");
  REQUIRE(fs::write_atomic(dir + "/state.cfg", "complete"));
  CHECK_FALSE(fs::exists(dead));
  CHECK(fs::exists(alive));
  CHECK(fs::exists(other));
}
