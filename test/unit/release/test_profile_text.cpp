#include <doctest/doctest.h>

#include "release/profile_text.hpp"

using slap::release::ProfileText;

namespace {
std::string set(std::string_view text, std::uint32_t line, std::string_view option, std::string_view value) {
  ProfileText t("f.cfg", text);
  auto status = t.set_value(line, option, value);
  REQUIRE_MESSAGE(status, (status ? "" : status.error().describe()));
  return t.text();
}
}  // namespace

TEST_CASE("profile text: set_value keeps spacing and every other line") {
  CHECK(set("[a]\nurl = x\nmd5sum   =\t old\n# md5sum = c\n", 3, "md5sum", "new") ==
        "[a]\nurl = x\nmd5sum   =\t new\n# md5sum = c\n");
  CHECK(set("[a]\nmd5sum=old\n", 2, "md5sum", "new") == "[a]\nmd5sum= new\n");
  // An inline '#' is part of the value, not a comment: it goes with the old value.
  CHECK(set("[a]\nmd5sum = old # stale\n", 2, "md5sum", "new") == "[a]\nmd5sum = new\n");
}

TEST_CASE("profile text: CRLF and lone CR line endings are kept") {
  CHECK(set("[a]\r\nurl = x\r\nmd5sum = old\r\n\r\n[b]\r\n", 3, "md5sum", "new") ==
        "[a]\r\nurl = x\r\nmd5sum = new\r\n\r\n[b]\r\n");
  CHECK(set("[a]\rmd5sum = old\r", 2, "md5sum", "new") == "[a]\rmd5sum = new\r");
  ProfileText t("f.cfg", "[a]\r\nurl = x\r\n[b]\r\n");
  REQUIRE(t.insert_after(2, "url", "md5sum", "h"));
  CHECK(t.text() == "[a]\r\nurl = x\r\nmd5sum = h\r\n[b]\r\n");
}

TEST_CASE("profile text: continuation lines belong to the option") {
  std::string text = "[a]\nurl =\n  http://x\n# comment\n  \nother = 1\n";
  ProfileText t("f.cfg", text);
  REQUIRE(t.insert_after(2, "url", "md5sum", "h"));
  CHECK(t.text() == "[a]\nurl =\n  http://x\nmd5sum = h\n# comment\n  \nother = 1\n");
  // Replacing a block value drops its continuation lines, not the comment between them.
  CHECK(set("[a]\nurl =\n  a\n# keep\n  b\nnext = 2\n", 2, "url", "c") == "[a]\nurl = c\n# keep\nnext = 2\n");
}

TEST_CASE("profile text: insertion at the end of a file without a final newline") {
  ProfileText t("f.cfg", "[a]\nurl = x");
  REQUIRE(t.insert_after(2, "url", "md5sum", "h"));
  CHECK(t.text() == "[a]\nurl = x\nmd5sum = h\n");
}

TEST_CASE("profile text: insert_in_section goes after the last non-blank line") {
  ProfileText t("buildout.hash.cfg", "# header\n[a]\nfilename = f\n\n\n[b]\nfilename = g\n");
  REQUIRE(t.insert_in_section(2, "md5sum", "h1"));
  REQUIRE(t.insert_in_section(6, "md5sum", "h2"));
  CHECK(t.text() == "# header\n[a]\nfilename = f\nmd5sum = h1\n\n\n[b]\nfilename = g\nmd5sum = h2\n");
}

TEST_CASE("profile text: replace_word edits one entry of a list") {
  std::string text = "[a]\npatches =\n  ${:_profile_base_location_}/xa.patch\n  ${:_profile_base_location_}/a.patch\n";
  ProfileText t("f.cfg", text);
  REQUIRE(t.replace_word(2, "patches", "${:_profile_base_location_}/a.patch", "${:_profile_base_location_}/a.patch#h"));
  CHECK(t.text() == "[a]\npatches =\n  ${:_profile_base_location_}/xa.patch\n  ${:_profile_base_location_}/a.patch#h\n");
  ProfileText same_line("f.cfg", "[a]\npatches += p1 p2\n");
  REQUIRE(same_line.replace_word(2, "patches", "p2", "p2#h"));
  CHECK(same_line.text() == "[a]\npatches += p1 p2#h\n");
  auto missing = same_line.replace_word(2, "patches", "p3", "x");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().describe() == "f.cfg:2:1: option 'patches' has no entry 'p3'");
}

TEST_CASE("profile text: edits at the wrong line are refused") {
  ProfileText t("f.cfg", "[a]\nurl = x\nmd5sumx = y\n");
  auto wrong = t.set_value(2, "md5sum", "h");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().describe() == "f.cfg:2:1: expected option 'md5sum' here, found 'url = x'");
  CHECK_FALSE(t.set_value(3, "md5sum", "h"));
  auto past = t.set_value(9, "md5sum", "h");
  REQUIRE_FALSE(past);
  CHECK(past.error().describe() == "f.cfg:9:1: no line 9 (the file has 3 lines)");
  CHECK_FALSE(t.insert_in_section(2, "md5sum", "h"));
  CHECK_FALSE(t.changed());
}

TEST_CASE("profile text: writing the same value is no change") {
  ProfileText t("f.cfg", "[a]\nmd5sum = h\n");
  REQUIRE(t.set_value(2, "md5sum", "h"));
  CHECK_FALSE(t.changed());
  REQUIRE(t.set_value(2, "md5sum", "g"));
  CHECK(t.changed());
}
