#include <doctest/doctest.h>

#include "slap/sync.hpp"
#include "sync/transfer.hpp"

using namespace slap;
using sync::PartialUse;

TEST_CASE("what a pull does with the bytes an earlier run left") {
  CHECK(sync::use_of_partial(0, 100) == PartialUse::restart);
  CHECK(sync::use_of_partial(40, 100) == PartialUse::resume);
  CHECK(sync::use_of_partial(100, 100) == PartialUse::adopt);
  CHECK(sync::use_of_partial(101, 100) == PartialUse::restart);  // the Range would get a 416
  // Size unknown (a blob named by an entry): resume whatever is there.
  CHECK(sync::use_of_partial(0, 0) == PartialUse::restart);
  CHECK(sync::use_of_partial(7, 0) == PartialUse::resume);
}

TEST_CASE("received bytes count only what a resumed download carried") {
  CHECK(sync::bytes_received(206, 100, 40) == 60);
  CHECK(sync::bytes_received(200, 100, 40) == 100);  // the peer ignored the Range: all again
  CHECK(sync::bytes_received(200, 0, 0) == 0);
}

TEST_CASE("rates take k, M and G suffixes in powers of 1024") {
  CHECK(sync::parse_rate("1000") == 1000u);
  CHECK(sync::parse_rate("500k") == 512000u);
  CHECK(sync::parse_rate("2M") == 2097152u);
  CHECK(sync::parse_rate("1.5G") == 1610612736u);
  for (const char* bad : {"", "k", "1.", "2x", "-1", "1.5.5M"}) {
    auto rate = sync::parse_rate(bad);
    REQUIRE_FALSE(rate);
    CHECK(rate.error().kind == ErrorKind::usage);
    CHECK(rate.error().message == std::string("expected bytes per second such as 500k, 2M or 1000, not '") + bad + "'");
  }
}
