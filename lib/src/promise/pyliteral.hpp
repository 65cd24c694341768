// Python literals as SlapOS' promise.plugin recipe writes them (pprint.pformat of a dict of
// strings, json.dumps inside a string): strings with every prefix, quote style and escape,
// implicit concatenation, numbers, None/True/False, dicts, lists and tuples. Nothing is
// evaluated, so reading a generated plugin file never runs Python.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "slap/error.hpp"

namespace slap::promise {

class LiteralParser {
 public:
  // Parses from `pos` in `text`; errors are located in `file`.
  LiteralParser(std::string_view text, std::size_t pos, std::string file)
      : text_(text), pos_(pos), file_(std::move(file)) {}

  // One value; strings become JSON strings, tuples JSON arrays, None null.
  Result<nlohmann::json> value();
  // A string literal, with the literals that follow it concatenated (Python's "a" "b").
  Result<std::string> string();
  // Skips spaces, tabs and backslash-newlines; inside brackets also newlines and comments.
  void skip_blank();
  // True when only blanks or a comment remain on the current line.
  bool at_line_end();
  bool consume(std::string_view token);
  std::size_t pos() const { return pos_; }
  Error error_here(std::string message) const;

 private:
  Result<nlohmann::json> container(char close);
  Result<std::string> one_string();
  Result<nlohmann::json> word();
  bool at_string() const;

  std::string_view text_;
  std::size_t pos_;
  std::string file_;
  int depth_ = 0;  // open brackets: newlines are blanks inside them
};

// "FILE" position `pos` of `text` as a Location (1-based line and column).
Location locate(std::string_view text, std::size_t pos, const std::string& file);

}  // namespace slap::promise
