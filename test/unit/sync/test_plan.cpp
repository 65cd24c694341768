#include <doctest/doctest.h>

#include <string>

#include "cache/test_keys.hpp"
#include "slap/cache.hpp"
#include "sync/peer.hpp"
#include "sync/plan.hpp"

using namespace slap;

namespace {

using Ranges = std::vector<std::pair<std::size_t, std::size_t>>;

std::string hex(char c) { return std::string(128, c); }

cache::Entry entry(std::string info, std::string signature, std::string sha512 = "") {
  return {std::move(info), std::move(signature), std::move(sha512), false};
}

cache::TrustStore trusted() {
  static NullLog log;
  static Context ctx{nullptr, &log, nullptr, nullptr};
  return cache::TrustStore::from_pem_list(test::trusted_cert, ctx);
}

}  // namespace

TEST_CASE("bulk queries go in batches of at most the batch size") {
  CHECK(sync::batches(0, 10) == Ranges{});
  CHECK(sync::batches(10, 10) == Ranges{{0, 10}});
  CHECK(sync::batches(25, 10) == Ranges{{0, 10}, {10, 20}, {20, 25}});
  CHECK(sync::batches(2, 0) == Ranges{{0, 1}, {1, 2}});
}

TEST_CASE("blobs the receiving side lacks are planned, the others skipped with their bytes") {
  sync::Plan plan;
  std::vector<cache::StoredBlob> offered{{hex('a'), 10}, {hex('b'), 20}, {hex('c'), 30}};
  sync::choose_blobs(offered, [](const std::string& sha512) { return sha512 != hex('b'); }, plan);
  REQUIRE(plan.blobs.size() == 2);
  CHECK(plan.blobs[0].sha512 == hex('a'));
  CHECK(plan.blobs[1].sha512 == hex('c'));
  CHECK(plan.skipped.blobs == 1);
  CHECK(plan.skipped.bytes == 20);
}

TEST_CASE("entries: held ones skipped, verified ones planned, the others refused with a reason") {
  auto trust = trusted();
  std::string good = test::signed_text;
  std::vector<cache::StoredKey> sender{
      {"k", "", {entry(good, test::signed_text_signature), entry(R"({"sha512": "cd"})", "")}},
      {"held", "", {entry(good, test::signed_text_signature)}},
      {"forged", "", {entry(R"({"sha512": "ef"})", test::signed_text_signature)}},
  };
  sync::PairsOf held = [&](const std::string& key) -> Result<std::set<sync::Pair>> {
    if (key == "held") return std::set<sync::Pair>{{good, test::signed_text_signature}};
    return std::set<sync::Pair>{};
  };
  sync::Plan plan;
  REQUIRE(sync::choose_entries(sender, held, trust, plan));
  REQUIRE(plan.entries.size() == 1);
  CHECK(plan.entries[0].key == "k");
  REQUIRE(plan.entries[0].entries.size() == 1);
  CHECK(plan.entries[0].entries[0].info == good);
  CHECK(plan.skipped.entries == 1);
  REQUIRE(plan.refused.size() == 2);
  CHECK(plan.refused[0].name == "k");
  CHECK(plan.refused[0].message == "unsigned entry: refused");
  CHECK(plan.refused[1].name == "forged");
  CHECK(plan.refused[1].message == "not signed by a trusted certificate: refused");
}

TEST_CASE("a failure to read what the receiving side holds stops the plan") {
  std::vector<cache::StoredKey> sender{{"k", "", {entry(test::signed_text, test::signed_text_signature)}}};
  sync::PairsOf broken = [](const std::string&) -> Result<std::set<sync::Pair>> {
    return fail(ErrorKind::io, "store: the local entry list of 'k' is corrupt");
  };
  sync::Plan plan;
  auto planned = sync::choose_entries(sender, broken, trusted(), plan);
  REQUIRE_FALSE(planned);
  CHECK(planned.error().message == "store: the local entry list of 'k' is corrupt");
}

TEST_CASE("--only-keys blobs: those named by verified entries, each once") {
  auto trust = trusted();
  // A real signature over an entry naming a valid sha512 is not among the fixed vectors:
  // an entry that verifies but names no blob, and one naming a blob without a signature.
  std::vector<cache::StoredKey> keys{
      {"a", "", {entry(test::signed_text, test::signed_text_signature)}},
      {"b", "", {entry(R"({"sha512": "x"})", "", hex('d'))}},
  };
  CHECK(sync::named_blobs(keys, trust).empty());
  keys[0].entries[0].sha512 = hex('e');  // as if the verified entry named this blob
  keys.push_back(keys[0]);
  auto blobs = sync::named_blobs(keys, trust);
  REQUIRE(blobs.size() == 1);
  CHECK(blobs[0].sha512 == hex('e'));
  CHECK(blobs[0].size == 0);
}
