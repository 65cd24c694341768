#include <doctest/doctest.h>

#include <filesystem>

#include "slap/cache.hpp"
#include "slap/cache_store.hpp"
#include "slap/fs.hpp"
#include "test_support.hpp"

using namespace slap;

namespace {

std::size_t files_in(const std::string& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}

const std::string abc_sha512 =
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
    "454d4423643ce80e2a9ac94fa54ca49f";

}  // namespace

TEST_CASE("a blob is visible only once committed, sharded by its digest") {
  cache::Store store(test::temp_dir("store-commit"));
  REQUIRE(store.prepare());
  CHECK(store.blob_path(abc_sha512) == store.root() + "/shacache/dd/af/" + abc_sha512);
  auto blob = store.incoming();
  REQUIRE(blob);
  REQUIRE(blob->write("ab"));
  REQUIRE(blob->write("c"));
  CHECK(blob->size() == 3);
  CHECK_FALSE(fs::exists(store.blob_path(abc_sha512)));
  CHECK(*store.missing({abc_sha512}) == std::vector<std::string>{abc_sha512});
  auto digest = blob->commit();
  REQUIRE(digest);
  CHECK(*digest == abc_sha512);
  auto stored = fs::read_file(store.blob_path(abc_sha512));
  CHECK(stored.value_or("") == "abc");
  CHECK(*store.missing({abc_sha512, std::string(128, '0')}) == std::vector<std::string>{std::string(128, '0')});
  CHECK(files_in(store.root() + "/incoming") == 0);
}

TEST_CASE("a blob that does not hash to its expected digest leaves nothing behind") {
  cache::Store store(test::temp_dir("store-mismatch"));
  REQUIRE(store.prepare());
  {
    auto blob = store.incoming();
    REQUIRE(blob);
    REQUIRE(blob->write("abd"));
    auto digest = blob->commit(abc_sha512);
    REQUIRE_FALSE(digest);
    CHECK(digest.error().kind == ErrorKind::checksum);
    CHECK(digest.error().message.starts_with("content does not match its key: its sha512 is "));
  }
  CHECK(files_in(store.root()) == 0);
}

TEST_CASE("an abandoned upload is removed, and prepare() sweeps what a kill left") {
  cache::Store store(test::temp_dir("store-abandon"));
  REQUIRE(store.prepare());
  { auto blob = store.incoming(); REQUIRE(blob); REQUIRE(blob->write("partial")); }
  CHECK(files_in(store.root()) == 0);
  test::write(store.root() + "/incoming/blob.kill9", "half a blob");
  std::filesystem::create_directories(store.root() + "/shadir/ab");
  test::write(store.root() + "/shadir/ab/.abcd.tmpXYZ", "[");
  REQUIRE(store.prepare());
  CHECK(files_in(store.root()) == 0);
}

TEST_CASE("shadir entries append in order, byte for byte, without repeats") {
  cache::Store store(test::temp_dir("store-entries"));
  REQUIRE(store.prepare());
  auto none = store.entries("file-urlmd5:0123");
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  std::string info1 = R"({ "sha512" : "x",  "é": "\u00e9" })";
  REQUIRE(store.append_entry("file-urlmd5:0123", info1, "sig1"));
  REQUIRE(store.append_entry("file-urlmd5:0123", R"({"b":2})", ""));
  REQUIRE(store.append_entry("file-urlmd5:0123", info1, "sig1"));
  REQUIRE(store.append_entry("other", R"({})", "s"));
  auto listed = store.entries("file-urlmd5:0123");
  REQUIRE(listed);
  REQUIRE(listed->has_value());
  auto entries = cache::parse_entries(**listed);
  REQUIRE(entries);
  REQUIRE(entries->size() == 2);
  CHECK((*entries)[0].info == info1);
  CHECK((*entries)[0].signature == "sig1");
  CHECK((*entries)[1].info == R"({"b":2})");
}
