#include <cstring>
#include <doctest/doctest.h>

#include "slap/paths.hpp"
#include "slap/strings.hpp"

using namespace slap;

TEST_CASE("str::dedent") {
  CHECK(str::dedent("  a\n    b\n  c") == "a\n  b\nc");
  CHECK(str::dedent("\n  a\n\n  b") == "\na\n\nb");
  CHECK(str::dedent("  a\n \n  b") == "a\n\nb");  // whitespace-only lines become empty
  CHECK(str::dedent("\ta\n  b") == "\ta\n  b");    // no common margin
}

TEST_CASE("str::split_ws and split") {
  CHECK(str::split_ws("  a b\n\tc  ") == std::vector<std::string>{"a", "b", "c"});
  CHECK(str::split("a$$b$$", "$$") == std::vector<std::string>{"a", "b", ""});
}

TEST_CASE("str::valid_utf8") {
  CHECK(str::valid_utf8("h\xc3\xa9llo"));
  CHECK_FALSE(str::valid_utf8("\xff\xfe"));
  CHECK_FALSE(str::valid_utf8("\xc3"));
  CHECK_FALSE(str::valid_utf8("\xed\xa0\x80"));  // surrogate
}

TEST_CASE("path::join keeps .. as written") {
  CHECK(path::join("/a/b", "../c") == "/a/b/../c");
  CHECK(path::join("/a/b", "/abs") == "/abs");
  CHECK(path::dirname("/a/b/../c/x.cfg") == "/a/b/../c");
  CHECK(path::normpath("/a/b/../c//./d/") == "/a/c/d");
  CHECK(path::relpath("/a/b/c", "/a/d") == "../b/c");
  CHECK(path::is_url("https://x/y"));
  CHECK_FALSE(path::is_url("/x://y"));
}

TEST_CASE("str::edit_distance") {
  CHECK(str::edit_distance("shwo", "show") == 2);
  CHECK(str::edit_distance("build", "build") == 0);
}

TEST_CASE("str::parse_bool: the words settings, options and --option take") {
  for (const char* yes : {"true", "True", "YES", "on", "1"}) CHECK(str::parse_bool(yes) == true);
  for (const char* no : {"false", "FALSE", "no", "Off", "0"}) CHECK(str::parse_bool(no) == false);
  for (const char* neither : {"", "2", "y", " true", "enabled"}) CHECK_FALSE(str::parse_bool(neither).has_value());
}

TEST_CASE("str::copy_short copies exactly n bytes for every n up to 16") {
  const char from[] = "abcdefghijklmnop";
  for (std::size_t n = 0; n <= 16; ++n) {
    char to[18];
    std::memset(to, '#', sizeof to);
    str::copy_short(to, from, n);
    CHECK(std::string(to, n) == std::string(from, n));
    CHECK(std::string(to + n, sizeof to - n) == std::string(sizeof to - n, '#'));  // nothing past n
  }
}
