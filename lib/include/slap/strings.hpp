// String helpers with Python semantics where profiles need them (split, strip, dedent).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace slap::str {

// Python str.isspace() for one ASCII character (space, \t, \n, \v, \f, \r) plus the
// C0 separators \x1c-\x1f that Python also counts as whitespace.
bool is_space(char c) noexcept;

std::string_view strip(std::string_view s) noexcept;
std::string_view lstrip(std::string_view s) noexcept;
std::string_view rstrip(std::string_view s) noexcept;
// Strip the given characters (Python s.rstrip(chars)).
std::string_view rstrip_chars(std::string_view s, std::string_view chars) noexcept;

// Python str.split(): runs of whitespace separate, no empty fields.
std::vector<std::string> split_ws(std::string_view s);
// Python str.split(sep): exact separator, keeps empty fields.
std::vector<std::string> split(std::string_view s, std::string_view sep);

std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string replace_all(std::string_view s, std::string_view from, std::string_view to);

bool starts_with(std::string_view s, std::string_view p) noexcept;
bool ends_with(std::string_view s, std::string_view p) noexcept;
bool contains(std::string_view s, std::string_view p) noexcept;

// textwrap.dedent(): whitespace-only lines become empty, the common leading run of
// spaces/tabs is removed from every line.
std::string dedent(std::string_view text);

std::string to_lower(std::string_view s);

// %XX escapes decoded (urllib.parse.unquote_to_bytes); a '%' not followed by two hex
// digits stays as it is.
std::string percent_decode(std::string_view s);

// Levenshtein distance, for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b);

// True if s is valid UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view s) noexcept;

}  // namespace slap::str
