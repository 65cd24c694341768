#include <doctest/doctest.h>

#include "profile/parser.hpp"

using namespace slap;
using namespace slap::profile;

TEST_CASE("parse: placeholder") {
  auto f = parse("[a]\nx = 1\n", "t.cfg");
  REQUIRE(f);
  CHECK(f->sections.size() == 1);
}
