#include <doctest/doctest.h>

#include "slap/cache.hpp"
#include "test_support.hpp"

using namespace slap;

namespace {
const std::string hex_a(128, 'a');
}

TEST_CASE("shadir lists parse into entries, keeping each info text byte for byte") {
  std::string info = R"({ "url":"u",  "sha512": ")" + hex_a + R"(" })";
  auto entries = cache::parse_entries("[" + cache::entry_body(info, "c2ln") + R"(, ["{\"x\": 1}", ""]])");
  REQUIRE(entries);
  REQUIRE(entries->size() == 2);
  CHECK((*entries)[0].info == info);
  CHECK((*entries)[0].signature == "c2ln");
  CHECK((*entries)[0].sha512 == hex_a);
  CHECK((*entries)[1].info == R"({"x": 1})");
  CHECK((*entries)[1].sha512 == "");  // no sha512: not usable, but still listed
  CHECK_FALSE((*entries)[1].trusted);
}

TEST_CASE("an entry whose sha512 is not 128 lowercase hex names no blob") {
  auto entries = cache::parse_entries(R"([["{\"sha512\": \"ABC\"}", ""], ["[1]", ""]])");
  REQUIRE(entries);
  CHECK((*entries)[0].sha512 == "");
  CHECK((*entries)[1].sha512 == "");
}

TEST_CASE("malformed shadir answers are errors with SlapOS's wording") {
  auto not_list = cache::parse_entries("<html>");
  REQUIRE_FALSE(not_list);
  CHECK(not_list.error().message == "Failed to parse json response: not a JSON list");
  auto bad_pair = cache::parse_entries(R"([["a", "b"], ["a"]])");
  REQUIRE_FALSE(bad_pair);
  CHECK(bad_pair.error().message == "Failed to parse json response: entry 2 is not a pair of strings");
}

TEST_CASE("entry bodies and infos are compact JSON") {
  CHECK(cache::entry_body(R"({"a": "\"q\""})", "s") == R"(["{\"a\": \"\\\"q\\\"\"}","s"])");
  CHECK(cache::make_entry_info(hex_a, {{"url", "http://x/y"}}) == R"({"sha512":")" + hex_a + R"(","url":"http://x/y"})");
}

TEST_CASE("is_sha512_hex accepts exactly 128 lowercase hex digits") {
  CHECK(cache::is_sha512_hex(hex_a));
  CHECK_FALSE(cache::is_sha512_hex(std::string(127, 'a')));
  CHECK_FALSE(cache::is_sha512_hex(std::string(128, 'A')));
  CHECK_FALSE(cache::is_sha512_hex(std::string(127, 'a') + "g"));
}
