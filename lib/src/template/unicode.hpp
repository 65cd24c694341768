// Python's view of text where Jinja2 leans on `re`: the character classes of str
// patterns. The tables are generated from Python by tools/gen_template_tables.py
// (unicode_classes.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slap::tmpl {

// re's \w, \d and \s on a str: str.isalnum() or '_', str.isdecimal(), str.isspace().
bool re_word(char32_t c);
bool re_digit(char32_t c);
bool re_space(char32_t c);

}  // namespace slap::tmpl
