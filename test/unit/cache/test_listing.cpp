#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "slap/cache_store.hpp"
#include "slap/fs.hpp"
#include "test_support.hpp"

using namespace slap;

namespace {

std::string commit(cache::Store& store, const std::string& data) {
  auto blob = store.incoming();
  REQUIRE(blob);
  REQUIRE(blob->write(data));
  auto digest = blob->commit();
  REQUIRE(digest);
  return *digest;
}

}  // namespace

TEST_CASE("blob listings come in sha512 order, page after page, with sizes") {
  cache::Store store(test::temp_dir("listing-blobs"));
  REQUIRE(store.prepare());
  std::map<std::string, std::uint64_t> sizes;
  for (std::size_t i = 0; i < 20; ++i) sizes[commit(store, std::string(i, 'x'))] = i;
  std::string first = sizes.begin()->first;
  // Stray files are not blobs: a blob in the wrong shard, a name that is not a sha512.
  test::write(store.root() + "/shacache/00/00/" + (first.starts_with("00") ? sizes.rbegin()->first : first), "");
  test::write(store.root() + "/shacache/ab/cd/notes.txt", "");

  std::map<std::string, std::uint64_t> listed;
  std::string after;
  std::size_t pages = 0;
  for (;; ++pages) {
    auto page = store.list_blobs(after, 3);
    REQUIRE(page);
    if (page->empty()) break;
    CHECK(page->size() <= 3);
    for (const auto& b : *page) {
      CHECK(b.sha512 > after);
      listed[b.sha512] = b.size;
      after = b.sha512;
    }
  }
  CHECK(pages == 7);
  CHECK(listed == sizes);
  auto beyond = store.list_blobs(sizes.rbegin()->first, 10);
  REQUIRE(beyond);
  CHECK(beyond->empty());
}

TEST_CASE("key listings follow the cursor, filter by glob and end early at the byte budget") {
  cache::Store store(test::temp_dir("listing-keys"));
  REQUIRE(store.prepare());
  for (const char* key : {"file-urlmd5:1", "file-urlmd5:2", "pypi:x", "file-urlmd5:3"})
    REQUIRE(store.append_entry(key, R"({"sha512": "ab"})", "sig"));
  REQUIRE(store.append_entry("pypi:x", R"({"sha512": "cd"})", ""));

  auto all = store.list_keys("", 10, "");
  REQUIRE(all);
  REQUIRE(all->size() == 4);
  CHECK(std::is_sorted(all->begin(), all->end(), [](auto& a, auto& b) { return a.cursor < b.cursor; }));
  for (const auto& k : *all) CHECK(k.entries.size() == (k.key == "pypi:x" ? 2u : 1u));

  auto rest = store.list_keys((*all)[1].cursor, 10, "");
  REQUIRE(rest);
  REQUIRE(rest->size() == 2);
  CHECK((*rest)[0].key == (*all)[2].key);

  auto files = store.list_keys("", 10, "file-urlmd5:*");
  REQUIRE(files);
  CHECK(files->size() == 3);
  for (const auto& k : *files) CHECK(k.key.starts_with("file-urlmd5:"));

  auto budget = store.list_keys("", 10, "", 1);  // one byte: the first key still comes
  REQUIRE(budget);
  CHECK(budget->size() == 1);
}

TEST_CASE("adopting a file: it becomes the blob only when it hashes to the name") {
  cache::Store store(test::temp_dir("listing-adopt"));
  REQUIRE(store.prepare());
  std::string name = commit(store, "abc");
  std::string other(128, 'e');
  std::string staged = store.root() + "/partial.part";
  test::write(staged, "abc");
  auto refused = store.adopt(staged, other);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::checksum);
  CHECK(refused.error().message == "content does not match its key: its sha512 is " + name);
  CHECK_FALSE(fs::exists(staged));
  CHECK_FALSE(fs::exists(store.blob_path(other)));

  test::write(staged, "abc");
  REQUIRE(store.adopt(staged, name));
  CHECK_FALSE(fs::exists(staged));
  CHECK(fs::read_file(store.blob_path(name)) == std::string("abc"));
}
