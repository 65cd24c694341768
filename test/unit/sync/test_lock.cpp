#include <doctest/doctest.h>

#include "sync/lock.hpp"
#include "test_support.hpp"

using namespace slap;

TEST_CASE("one sync at a time per store: a second lock fails at once, the first one's end frees it") {
  std::string root = test::temp_dir("sync-lock");
  {
    auto first = sync::RootLock::acquire(root);
    REQUIRE(first);
    // flock(2) locks belong to the open file: a second open in this process conflicts too.
    auto second = sync::RootLock::acquire(root);
    REQUIRE_FALSE(second);
    CHECK(second.error().kind == ErrorKind::io);
    CHECK(second.error().message ==
          "another slap sync is running on " + root + " (it holds " + root + "/sync.lock): not starting");
    auto moved = std::move(*first);
    CHECK_FALSE(sync::RootLock::acquire(root));
  }
  CHECK(sync::RootLock::acquire(root));
}

TEST_CASE("a store directory that does not exist cannot be locked") {
  std::string root = test::temp_dir("sync-lock-missing") + "/nowhere";
  auto lock = sync::RootLock::acquire(root);
  REQUIRE_FALSE(lock);
  CHECK(lock.error().message == "cannot open " + root + "/sync.lock: No such file or directory");
}
