// String helpers with Python semantics where profiles need them (split, strip, dedent),
// and Python's text conventions (repr, literal escapes, case, code points).
#pragma once

#include <cstdint>
#include <cstring>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slap::str {

// Python str.isspace() for one ASCII character (space, \t, \n, \v, \f, \r) plus the
// C0 separators \x1c-\x1f that Python also counts as whitespace.
inline bool is_space(char c) noexcept {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

// Copies n <= 16 bytes with a few fixed-size moves (two overlapping ones), no call.
[[gnu::always_inline]] inline void copy_short(char* to, const char* from, std::size_t n) noexcept {
  if (n >= 8) {
    std::uint64_t head, tail;
    std::memcpy(&head, from, 8);
    std::memcpy(&tail, from + n - 8, 8);
    std::memcpy(to, &head, 8);
    std::memcpy(to + n - 8, &tail, 8);
  } else if (n >= 4) {
    std::uint32_t head, tail;
    std::memcpy(&head, from, 4);
    std::memcpy(&tail, from + n - 4, 4);
    std::memcpy(to, &head, 4);
    std::memcpy(to + n - 4, &tail, 4);
  } else if (n) {
    to[0] = from[0];
    to[n / 2] = from[n / 2];
    to[n - 1] = from[n - 1];
  }
}

// to += s. Template rendering appends short pieces by the thousand (a separator, a key,
// a number): those are copied inline rather than through memcpy.
[[gnu::always_inline]] inline void append_bytes(std::string& to, std::string_view s) {
  std::size_t at = to.size(), n = s.size();
  if (n > 16) {
    to.append(s);
    return;
  }
  // The size is returned as computed here: GCC 12 passes the operation the grown capacity.
  to.resize_and_overwrite(at + n, [at, s](char* p, std::size_t) noexcept {
    copy_short(p + at, s.data(), s.size());
    return at + s.size();
  });
}

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

// A boolean as settings and options write it: true/yes/on/1, false/no/off/0, in any case;
// nullopt for anything else.
std::optional<bool> parse_bool(std::string_view s);

// %XX escapes decoded (urllib.parse.unquote_to_bytes); a '%' not followed by two hex
// digits stays as it is.
std::string percent_decode(std::string_view s);

// Levenshtein distance, for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b);

// True if s is valid UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view s) noexcept;

// ---- Python's text conventions ----------------------------------------------------------
// Python indexes strings by code point; slap keeps them as UTF-8. The template engine,
// promise messages (SlapOS' %r) and generated Python code all quote with string_repr.

// repr() of a str: the quote Python picks, its escapes for what is not printable.
std::string string_repr(std::string_view s);
// repr() of a float: the shortest digits that round-trip, laid out as Python does.
std::string float_repr(double d);
// Decodes the body of a Python string literal; on a bad escape sets `error`.
std::string unescape_python(std::string_view raw, std::string& error);

// str.lower() / str.upper() for Latin, Greek and Cyrillic letters (ß uppercases to SS);
// other scripts are left unchanged.
std::string py_lower(std::string_view s);
std::string py_upper(std::string_view s);

bool is_ascii(std::string_view s) noexcept;
// str.isprintable(): every code point printable (non-ASCII approximated by ranges).
bool py_printable(std::string_view s) noexcept;
std::size_t code_point_count(std::string_view s) noexcept;
// Code point at byte offset i (advanced past it); invalid bytes decode as themselves.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) noexcept;
void append_code_point(std::string& out, std::uint32_t cp);
// The code point called `name` (case-insensitive), as Python's \N{name}: from the Unicode
// Character Database in /usr/share/unicode (read once), or the error message.
std::expected<std::uint32_t, std::string> unicode_lookup(std::string_view name);
// Byte offsets of each code point start, plus s.size() at the end.
std::vector<std::size_t> code_point_offsets(std::string_view s);

}  // namespace slap::str
