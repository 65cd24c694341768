// Python's text conventions on UTF-8 strings: repr(), literal escapes, case, code points.
#include "slap/strings.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace slap::str {

bool is_ascii(std::string_view s) noexcept {
  for (char c : s)
    if (c & 0x80) return false;
  return true;
}

std::uint32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  auto b = static_cast<unsigned char>(s[i]);
  std::size_t extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
  if (extra == 0 || i + extra >= s.size()) {
    ++i;
    return b;
  }
  std::uint32_t cp = b & (0x3F >> extra);
  for (std::size_t k = 1; k <= extra; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) {
      ++i;
      return b;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  i += extra + 1;
  return cp;
}

std::size_t code_point_count(std::string_view s) noexcept {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::vector<std::size_t> code_point_offsets(std::string_view s) {
  std::vector<std::size_t> out;
  out.reserve(s.size() + 1);
  for (std::size_t i = 0; i < s.size();) {
    out.push_back(i);
    next_code_point(s, i);
  }
  out.push_back(s.size());
  return out;
}

void append_code_point(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

namespace {

// Lower/upper case partners of the letters in Latin-1, Latin Extended-A, Greek and
// Cyrillic; 0 when the code point has none.
std::uint32_t case_partner(std::uint32_t c, bool to_upper) {
  auto in = [c](std::uint32_t lo, std::uint32_t hi) { return c >= lo && c <= hi; };
  if (to_upper) {
    if (in('a', 'z') || (in(0xE0, 0xFE) && c != 0xF7) || in(0x3B1, 0x3C9) || in(0x430, 0x44F))
      return c == 0x3C2 ? 0x3A3 : c - 0x20;
    if (c == 0xFF) return 0x178;
    if (c == 0xB5) return 0x39C;
    if (in(0x450, 0x45F)) return c - 0x50;
    if (c == 0x3AC) return 0x386;
    if (in(0x3AD, 0x3AF)) return c - 0x25;
    if (c == 0x3CC) return 0x38C;
    if (in(0x3CD, 0x3CE)) return c - 0x3F;
    if (c == 0x131) return 'I';
    if (c == 0x17F) return 'S';
  } else {
    if (in('A', 'Z') || (in(0xC0, 0xDE) && c != 0xD7) || (in(0x391, 0x3A9) && c != 0x3A2) || in(0x410, 0x42F))
      return c + 0x20;
    if (c == 0x178) return 0xFF;
    if (in(0x400, 0x40F)) return c + 0x50;
    if (c == 0x386) return 0x3AC;
    if (in(0x388, 0x38A)) return c + 0x25;
    if (c == 0x38C) return 0x3CC;
    if (in(0x38E, 0x38F)) return c + 0x3F;
  }
  // Latin Extended-A and Cyrillic extensions alternate upper (first) and lower case.
  bool even_upper = in(0x100, 0x12F) || in(0x132, 0x137) || in(0x14A, 0x177) || in(0x460, 0x481) || in(0x48A, 0x4BF);
  bool odd_upper = in(0x139, 0x148) || in(0x179, 0x17E);
  if (even_upper || odd_upper) {
    bool is_upper = (c % 2 == 0) == even_upper;
    if (is_upper != to_upper) return is_upper ? c + 1 : c - 1;
  }
  return 0;
}

std::string change_case(std::string_view s, bool to_upper) {
  // ASCII, most of what templates hold, is changed in a copy with no branch per character;
  // decoding starts at the first other byte.
  const unsigned char first = to_upper ? 'a' : 'A';
  auto flip = [first](unsigned char byte) {  // the letter's other case, other bytes as they are
    return static_cast<char>(byte ^ (static_cast<unsigned char>(byte - first) < 26 ? 0x20 : 0));
  };
  std::string out(s.size(), '\0');
  std::size_t i = 0;
  // Eight ASCII bytes at a time: a byte's 0x20 bit flips when it is between `first` and
  // `first` + 25 (the sums below set a byte's high bit at >= first and at > first + 25).
  constexpr std::uint64_t ones = 0x0101010101010101, highs = ones * 0x80;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & highs) break;
    std::uint64_t from = w + ones * (0x80 - first), past = w + ones * (0x80 - first - 26);
    w ^= ((from ^ past) & highs) >> 2;
    std::memcpy(out.data() + i, &w, 8);
  }
  for (; i < s.size() && static_cast<unsigned char>(s[i]) < 0x80; ++i) out[i] = flip(static_cast<unsigned char>(s[i]));
  out.resize(i);
  while (i < s.size()) {
    auto byte = static_cast<unsigned char>(s[i]);
    if (byte < 0x80) {  // ASCII: no decoding
      out += flip(byte);
      ++i;
      continue;
    }
    std::size_t start = i;
    std::uint32_t cp = next_code_point(s, i);
    if (to_upper && cp == 0xDF) {
      out += "SS";
    } else if (std::uint32_t other = case_partner(cp, to_upper)) {
      append_code_point(out, other);
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  return out;
}

}  // namespace

std::string py_lower(std::string_view s) { return change_case(s, false); }
std::string py_upper(std::string_view s) { return change_case(s, true); }

namespace {

// Python's str.isprintable() for non-ASCII code points, approximated by the separator,
// format, private-use and C1 control ranges.
bool printable(std::uint32_t cp) {
  if (cp < 0x20 || cp == 0x7F) return false;
  if (cp < 0x7F) return true;
  if (cp <= 0xA0 || cp == 0xAD || cp == 0x1680 || cp == 0x3000 || cp == 0xFEFF) return false;
  if ((cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F)) return false;
  if ((cp >= 0xD800 && cp <= 0xF8FF) || (cp >= 0xFFF9 && cp <= 0xFFFB) || cp >= 0xF0000) return false;
  return true;
}

void append_hex(std::string& out, char kind, std::uint32_t v, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\%c%0*x", kind, width, v);
  out += buf;
}

}  // namespace

bool py_printable(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();)
    if (!printable(next_code_point(s, i))) return false;
  return true;
}

std::string string_repr(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out;
  out.reserve(s.size() + 2);
  out += quote;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t start = i;
    std::uint32_t cp = next_code_point(s, i);
    if (cp == static_cast<std::uint32_t>(quote) || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (printable(cp)) {
      out.append(s.substr(start, i - start));
    } else if (cp < 0x100) {
      append_hex(out, 'x', cp, 2);
    } else if (cp < 0x10000) {
      append_hex(out, 'u', cp, 4);
    } else {
      append_hex(out, 'U', cp, 8);
    }
  }
  out += quote;
  return out;
}

// repr(float): the shortest digits that round-trip, laid out as Python does: positional
// when the decimal exponent is in (-4, 16], scientific otherwise; always a '.0' or 'e'.
std::string float_repr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, r.ptr - buf);
  std::string out;
  if (sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  std::size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e))
    if (c != '.') digits += c;
  int exp10 = std::stoi(std::string(sci.substr(e + 1)));
  int decpt = exp10 + 1;
  int n = static_cast<int>(digits.size());
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0." + std::string(-decpt, '0') + digits;
    } else if (decpt >= n) {
      out += digits + std::string(decpt - n, '0') + ".0";
    } else {
      out += digits.substr(0, decpt) + "." + digits.substr(decpt);
    }
    return out;
  }
  out += digits[0];
  if (n > 1) out += "." + digits.substr(1);
  char exp[16];
  std::snprintf(exp, sizeof exp, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
  return out + exp;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(c | 0x20);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool read_hex(std::string_view raw, std::size_t& i, int count, std::uint32_t& cp) {
  cp = 0;
  for (int k = 0; k < count; ++k) {
    if (i >= raw.size() || hex_value(raw[i]) < 0) return false;
    cp = cp * 16 + static_cast<std::uint32_t>(hex_value(raw[i++]));
  }
  return true;
}

}  // namespace

std::string unescape_python(std::string_view raw, std::string& error) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size();) {
    char c = raw[i++];
    if (c != '\\' || i >= raw.size()) {
      out += c;
      continue;
    }
    char e = raw[i++];
    std::uint32_t cp = 0;
    switch (e) {
      case '\n': break;
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'x':
      case 'u':
      case 'U':
        if (!read_hex(raw, i, e == 'x' ? 2 : e == 'u' ? 4 : 8, cp) || cp > 0x10FFFF) {
          error = std::string("truncated \\") + e + " escape";
          return out;
        }
        append_code_point(out, cp);
        break;
      case 'N': {
        std::size_t close = i < raw.size() && raw[i] == '{' ? raw.find('}', i) : std::string_view::npos;
        if (close == std::string_view::npos || close == i + 1) {
          error = "malformed \\N character escape";
          return out;
        }
        auto found = unicode_lookup(raw.substr(i + 1, close - i - 1));
        if (!found) {
          error = found.error();
          return out;
        }
        append_code_point(out, *found);
        i = close + 1;
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          cp = static_cast<std::uint32_t>(e - '0');
          for (int k = 0; k < 2 && i < raw.size() && raw[i] >= '0' && raw[i] <= '7'; ++k)
            cp = cp * 8 + static_cast<std::uint32_t>(raw[i++] - '0');
          append_code_point(out, cp);
        } else {
          out += '\\';
          out += e;
        }
    }
  }
  return out;
}

}  // namespace slap::str
