// Lexer/parser for one buildout file (zc.buildout's configparser.parse).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "slap/error.hpp"

namespace slap::profile {

struct ParsedOption {
  std::string name;   // as written, with a trailing " +" / "-" for += / -=
  std::string value;  // after continuation joining and dedent
  std::uint32_t line = 0;
};

struct ParsedSection {
  std::string name;
  std::uint32_t line = 0;
  std::vector<ParsedOption> options;  // first-seen order; a repeated option replaces
};

struct ParsedFile {
  std::vector<ParsedSection> sections;  // first-seen order; repeated headers merge

  ParsedSection* find(std::string_view name);
  const ParsedSection* find(std::string_view name) const;
};

// `display_name` is used in messages and locations. Section conditions that the built-in
// evaluator refuses go to `python` when it is set.
Result<ParsedFile> parse(std::string_view text, const std::string& display_name,
                         const std::function<Result<bool>(std::string_view, const Location&)>& python = {});

}  // namespace slap::profile
