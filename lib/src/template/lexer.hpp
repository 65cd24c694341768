// Template source -> tokens, with Jinja2's whitespace rules: `-` on a tag strips the
// whitespace on that side, `+` disables lstrip_blocks, trim_blocks eats the newline after
// a block tag, keep_trailing_newline keeps the source's final newline; `{% raw %}` bodies
// come out as data. Line statements and line comments are supported when configured.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ast.hpp"

namespace slap::tmpl {

enum class Tok : std::uint8_t { data, var_begin, var_end, block_begin, block_end, name, string, integer, floating, op, eof };

struct Token {
  Tok type;
  Pos pos;
  std::string text;  // data, name, operator, or the decoded string literal
  std::int64_t integer = 0;
  bool big_integer = false;  // an integer beyond int64: `text` holds the literal
  double floating = 0;
};

// Throws slap::Error (ErrorKind::input, located in `name`) on lexical errors.
std::vector<Token> tokenize(std::string_view source, const Options& options, const std::string& name);

// Python source (section conditions, plugin files): one expression from `from`, to the end
// of its logical line when `statement` (`end` is then where that line ends), else to the
// end of `text`. Python's string prefixes, triple quotes, comments and line joins; the
// operators & ^ << >> besides the template ones.
std::vector<Token> tokenize_python(std::string_view text, std::size_t from, bool statement, const std::string& name,
                                   std::size_t& end);

// "'%}'", "'name'", "end of template": how error messages show a token.
std::string describe(const Token& t);

}  // namespace slap::tmpl
