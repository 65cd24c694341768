#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "slap/context.hpp"
#include "slap/fs.hpp"
#include "slap/lock.hpp"
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

TEST_CASE("write_atomic follows a symlink: the file it names is replaced, the link stays") {
  std::string dir = test::temp_dir("fs-symlink");
  test::write(dir + "/real", "old");
  REQUIRE(::symlink("real", (dir + "/link").c_str()) == 0);
  REQUIRE(fs::write_atomic(dir + "/link", "new"));
  CHECK(std::filesystem::is_symlink(dir + "/link"));
  CHECK(fs::read_file(dir + "/real").value() == "new");
  REQUIRE(::symlink("absent", (dir + "/dangling").c_str()) == 0);
  REQUIRE(fs::write_atomic(dir + "/dangling", "created"));
  CHECK(std::filesystem::is_symlink(dir + "/dangling"));
  CHECK(fs::read_file(dir + "/absent").value() == "created");
}

TEST_CASE("write_atomic refuses a directory and a symlink loop") {
  std::string dir = test::temp_dir("fs-refuse");
  REQUIRE(fs::make_dirs(dir + "/sub"));
  auto r = fs::write_atomic(dir + "/sub", "x");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("Is a directory") != std::string::npos);
  CHECK(fs::is_dir(dir + "/sub"));
  REQUIRE(::symlink("b", (dir + "/a").c_str()) == 0);
  REQUIRE(::symlink("a", (dir + "/b").c_str()) == 0);
  CHECK_FALSE(fs::write_atomic(dir + "/a", "x"));
}

TEST_CASE("write_atomic writes a FIFO in place") {
  std::string dir = test::temp_dir("fs-fifo");
  std::string fifo = dir + "/pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string got;
  std::thread reader([&] { got = fs::read_file(fifo).value_or("?"); });
  REQUIRE(fs::write_atomic(fifo, "through"));
  reader.join();
  CHECK(got == "through");
  struct stat st {};
  REQUIRE(::lstat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
}

TEST_CASE("FileLock: one holder at a time, named by its pid") {
  std::string file = test::temp_dir("fs-lock") + "/x.lock";
  auto first = FileLock::try_acquire(file);
  REQUIRE(first);
  REQUIRE(*first);
  auto second = FileLock::try_acquire(file);
  REQUIRE(second);
  CHECK_FALSE(*second);
  CHECK(FileLock::holder(file) == ::getpid());
  CHECK(FileLock::holder_note(file) == fmt::format(" (pid {})", ::getpid()));
  CancelToken cancel;
  cancel.request();
  int told = 0;
  auto waited = FileLock::acquire(file, [&] { ++told; }, &cancel);
  REQUIRE_FALSE(waited);
  CHECK(waited.error().kind == ErrorKind::interrupted);
  CHECK(told == 1);
  first->reset();
  CHECK(*FileLock::try_acquire(file));
  auto nowhere = FileLock::try_acquire(file + ".d/nowhere.lock");
  REQUIRE_FALSE(nowhere);
  CHECK(nowhere.error().message == "cannot open " + file + ".d/nowhere.lock: No such file or directory");
}
