// html.unescape as CPython 3.11 writes it: what markupsafe's Markup.unescape, and so the
// striptags filter, call.
#include "text.hpp"
#include "unicode.hpp"

namespace slap::tmpl {

namespace {

// html._invalid_charrefs: what numeric references to C1 controls and a few others mean.
std::optional<char32_t> remapped_charref(std::uint64_t n) {
  static constexpr char32_t c1[32] = {
      0x20ac, 0x81,   0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x8d,   0x017d, 0x8f,   0x90,   0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
      0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d,   0x017e, 0x0178};
  if (n == 0) return 0xfffd;
  if (n == 0x0d) return U'\r';
  if (n >= 0x80 && n <= 0x9f) return c1[n - 0x80];
  return std::nullopt;
}

// html._invalid_codepoints: references to these become nothing.
bool dropped_code_point(std::uint64_t n) {
  return (n >= 0x1 && n <= 0x8) || n == 0xb || (n >= 0xe && n <= 0x1f) || (n >= 0x7f && n <= 0x9f) ||
         (n >= 0xfdd0 && n <= 0xfdef) || (n & 0xfffe) == 0xfffe;
}

bool ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool ascii_hex(char c) { return ascii_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }

// `&#...` at s[i] ('&'): appends what it stands for and returns the length matched, or 0.
std::size_t numeric_charref(std::string_view s, std::size_t i, std::string& out) {
  std::size_t j = i + 2;
  bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
  if (hex) ++j;
  std::size_t first = j;
  std::uint64_t n = 0;
  for (; j < s.size() && (hex ? ascii_hex(s[j]) : ascii_digit(s[j])); ++j) {
    int d = ascii_digit(s[j]) ? s[j] - '0' : (s[j] | 0x20) - 'a' + 10;
    n = std::min<std::uint64_t>(n * (hex ? 16 : 10) + static_cast<std::uint64_t>(d), 0x110000);  // > 0x10FFFF is all alike
  }
  if (j == first) return 0;
  if (j < s.size() && s[j] == ';') ++j;
  if (auto r = remapped_charref(n)) {
    append_code_point(out, *r);
  } else if ((n >= 0xd800 && n <= 0xdfff) || n > 0x10ffff) {
    append_code_point(out, 0xfffd);
  } else if (!dropped_code_point(n)) {
    append_code_point(out, static_cast<std::uint32_t>(n));
  }
  return j - i;
}

// `&name` at s[i]: up to 32 characters outside "\t\n\f <&#;" and an optional ';'; the
// longest known prefix of at least two characters is replaced, the rest kept.
std::size_t named_charref(std::string_view s, std::size_t i, std::string& out) {
  std::size_t j = i + 1;
  for (int count = 0; count < 32 && j < s.size(); ++count) {
    char c = s[j];
    if (c == '\t' || c == '\n' || c == '\f' || c == ' ' || c == '<' || c == '&' || c == '#' || c == ';') break;
    next_code_point(s, j);
  }
  if (j == i + 1) return 0;
  if (j < s.size() && s[j] == ';') ++j;
  std::string_view name = s.substr(i + 1, j - i - 1);
  if (auto text = html5_reference(name)) {
    out += *text;
    return j - i;
  }
  for (std::size_t len = name.size() - 1; len >= 2 && len < name.size(); --len)
    if (auto text = html5_reference(name.substr(0, len))) {
      out += *text;
      out += name.substr(len);
      return j - i;
    }
  out += s.substr(i, j - i);
  return j - i;
}

}  // namespace

std::string html_unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t used = 0;
    if (s[i] == '&') used = i + 1 < s.size() && s[i + 1] == '#' ? numeric_charref(s, i, out) : named_charref(s, i, out);
    if (used) {
      i += used;
    } else {
      out += s[i++];
    }
  }
  return out;
}

}  // namespace slap::tmpl
