// Python's view of text where Jinja2 leans on `re` and `html`: the character classes of
// str patterns and html.unescape. The tables are generated from Python by
// tools/gen_template_tables.py (html_entities.cpp, unicode_classes.cpp).
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

// The text of the HTML5 named character reference `name` ("amp;", "amp"), if it is one.
std::optional<std::string_view> html5_reference(std::string_view name);

// html.unescape: named (HTML5, also without ';') and numeric character references.
std::string html_unescape(std::string_view s);

}  // namespace slap::tmpl
