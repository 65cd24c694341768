#include <doctest/doctest.h>

#include "slap/resolver.hpp"

TEST_CASE("resolver: placeholder") { CHECK(true); }
