// A byte-preserving editor for one buildout file: it changes one option's value, adds an
// option, or rewrites one word of a value, addressed by the line numbers the profile
// parser reports, and keeps every other byte (comments, spacing, CRLF, order) as it was.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "slap/error.hpp"

namespace slap::release {

class ProfileText {
 public:
  // `name` is used in error locations.
  ProfileText(std::string name, std::string_view text);

  // Replaces the value of the option `option` that starts at `line` (1-based, counted as
  // the parser counts: "\r\n", "\r" and "\n" end a line). Its continuation lines go away;
  // the spacing around '=' is kept.
  Status set_value(std::uint32_t line, std::string_view option, std::string_view value);
  // Adds "option = value" right after the option `existing` that starts at `line` (after
  // its continuation lines).
  Status insert_after(std::uint32_t line, std::string_view existing, std::string_view option,
                      std::string_view value);
  // Adds "option = value" after the last non-blank line of the section whose header is at
  // `header_line` (blank lines that follow stay after it).
  Status insert_in_section(std::uint32_t header_line, std::string_view option, std::string_view value);
  // Replaces the whitespace-delimited word `word` of the option that starts at `line`.
  Status replace_word(std::uint32_t line, std::string_view option, std::string_view word,
                      std::string_view replacement);

  bool changed() const { return changed_; }
  std::string text() const;

 private:
  // Original lines with their terminators; edits replace entries in place, so line
  // numbers of later edits keep addressing the original text.
  std::vector<std::string> lines_;
  std::vector<std::string> original_;  // what the line numbers and structure refer to
  std::string name_;
  std::string eol_;  // the file's first line terminator, for inserted lines
  bool changed_ = false;

  Status check_option(std::uint32_t line, std::string_view option) const;
  std::size_t option_end(std::size_t index) const;
  std::string_view terminator(std::size_t index) const;
  void append_line(std::size_t index, std::string_view option, std::string_view value);
  Error error(std::uint32_t line, std::string message) const;
};

// Writes `text` over `path` atomically, keeping the file's permission bits.
Status rewrite_file(const std::string& path, std::string_view text);

}  // namespace slap::release
