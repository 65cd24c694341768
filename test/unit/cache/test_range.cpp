#include <doctest/doctest.h>

#include "cache/range.hpp"

using namespace slap::cache;

namespace {
std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs(const std::optional<std::vector<ByteRange>>& r) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (const auto& b : r.value()) out.emplace_back(b.first, b.last);
  return out;
}
}  // namespace

TEST_CASE("satisfiable_ranges: no header, another unit") {
  CHECK_FALSE(satisfiable_ranges("", 100));
  CHECK_FALSE(satisfiable_ranges("items=0-1", 100));
}

TEST_CASE("satisfiable_ranges: the three forms, clamped to the blob") {
  using P = std::vector<std::pair<std::uint64_t, std::uint64_t>>;
  CHECK(pairs(satisfiable_ranges("bytes=0-9", 100)) == P{{0, 9}});
  CHECK(pairs(satisfiable_ranges("bytes=90-", 100)) == P{{90, 99}});
  CHECK(pairs(satisfiable_ranges("bytes=-10", 100)) == P{{90, 99}});
  CHECK(pairs(satisfiable_ranges("bytes=-1000", 100)) == P{{0, 99}});
  CHECK(pairs(satisfiable_ranges("bytes=95-1000", 100)) == P{{95, 99}});
  CHECK(pairs(satisfiable_ranges("Bytes= 0-1 , 5-6", 100)) == P{{0, 1}, {5, 6}});
  CHECK(pairs(satisfiable_ranges("bytes=0-1,200-", 100)) == P{{0, 1}});  // the range past the end is dropped
}

TEST_CASE("satisfiable_ranges: past the end, empty and malformed sets are unsatisfiable") {
  for (const char* h : {"bytes=100-", "bytes=999999999999-", "bytes=-0", "bytes=5-3", "bytes=abc-", "bytes=1-x",
                        "bytes=", "bytes=0-1,", "bytes=99999999999999999999999-", "bytes=0-99999999999999999999999"}) {
    CAPTURE(h);
    auto r = satisfiable_ranges(h, 100);
    REQUIRE(r);
    CHECK(r->empty());
  }
  CHECK(satisfiable_ranges("bytes=0-", 0)->empty());
  CHECK(satisfiable_ranges("bytes=-5", 0)->empty());
}
