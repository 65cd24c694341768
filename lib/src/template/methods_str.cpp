// Python str methods.
#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "errors.hpp"
#include "interp.hpp"
#include "methods.hpp"
#include "ops.hpp"
#include "pyformat.hpp"
#include "slap/strings.hpp"
#include "text.hpp"

namespace slap::tmpl {

namespace {

using Strings = std::vector<std::string>;

const std::string& arg_str(const Value& v, std::string_view what) {
  if (!v.is_string()) type_error(std::string(what) + " must be str, not " + v.type_name());
  return v.as_string();
}

Value list_of(Strings parts) {
  std::vector<Value> out;
  out.reserve(parts.size());
  for (auto& p : parts) out.emplace_back(std::move(p));
  return Value::list(std::move(out));
}

// str.split / str.rsplit with Python's rules for sep=None (whitespace runs, no empty
// fields) and maxsplit.
std::vector<Value> split_impl(std::string_view s, const Value& sep, std::int64_t maxsplit, bool from_right) {
  std::vector<Value> out;
  if (sep.is_none()) {
    std::string_view rest = from_right ? str::rstrip(s) : str::lstrip(s);
    while (!rest.empty()) {
      if (maxsplit >= 0 && static_cast<std::int64_t>(out.size()) == maxsplit) {
        out.emplace_back(rest);
        break;
      }
      if (from_right) {
        std::size_t i = rest.size();
        while (i > 0 && !str::is_space(rest[i - 1])) --i;
        out.emplace_back(rest.substr(i));
        rest = str::rstrip(rest.substr(0, i));
      } else {
        std::size_t i = 0;
        while (i < rest.size() && !str::is_space(rest[i])) ++i;
        out.emplace_back(rest.substr(0, i));
        rest = str::lstrip(rest.substr(i));
      }
    }
    if (from_right) std::reverse(out.begin(), out.end());
    return out;
  }
  const std::string& d = arg_str(sep, "separator");
  if (d.empty()) value_error("empty separator");
  if (!from_right && d.size() == 1 && maxsplit < 0) {
    // A one-character separator (most are: '/', ',', ':') in a string with few of them:
    // one pass finds them, then the fields are made in one allocation.
    // Eight bytes at a time: a byte equal to the separator is a zero byte of w ^ pattern,
    // which the sum below marks with its high bit (exactly, as carries are kept out).
    std::size_t cuts[32], n = 0, i = 0;
    constexpr std::uint64_t ones = 0x0101010101010101, low7 = ones * 0x7F, highs = ones * 0x80;
    const std::uint64_t pattern = ones * static_cast<unsigned char>(d[0]);
    for (; i + 8 <= s.size() && n + 8 <= std::size(cuts); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      w ^= pattern;
      std::uint64_t zero = ~(((w & low7) + low7) | w) & highs;  // little-endian: byte k is bits 8k..8k+7
      for (; zero; zero &= zero - 1) cuts[n++] = i + static_cast<std::size_t>(__builtin_ctzll(zero)) / 8;
    }
    for (; i < s.size() && n < std::size(cuts); ++i)
      if (s[i] == d[0]) cuts[n++] = i;
    if (i == s.size()) {
      out.reserve(n + 1);
      std::size_t start = 0;
      for (std::size_t k = 0; k < n; ++k) {
        out.emplace_back(s.substr(start, cuts[k] - start));
        start = cuts[k] + 1;
      }
      out.emplace_back(s.substr(start));
      return out;
    }
  }
  if (!from_right) {
    // A one-character separator is looked for as a character.
    auto find = [&](std::size_t from) { return d.size() == 1 ? s.find(d[0], from) : s.find(d, from); };
    if (maxsplit < 0) {  // one allocation for the items
      std::size_t n = 1;
      for (std::size_t at = find(0); at != std::string_view::npos; at = find(at + d.size())) ++n;
      out.reserve(n);
    }
    std::size_t start = 0;
    while (maxsplit < 0 || static_cast<std::int64_t>(out.size()) < maxsplit) {
      std::size_t at = find(start);
      if (at == std::string_view::npos) break;
      out.emplace_back(s.substr(start, at - start));
      start = at + d.size();
    }
    out.emplace_back(s.substr(start));
    return out;
  }
  std::size_t end = s.size();
  while (maxsplit < 0 || static_cast<std::int64_t>(out.size()) < maxsplit) {
    if (end < d.size()) break;
    std::size_t at = s.rfind(d, end - d.size());
    if (at == std::string_view::npos) break;
    out.emplace_back(s.substr(at + d.size(), end - at - d.size()));
    end = at;
  }
  out.emplace_back(s.substr(0, end));
  std::reverse(out.begin(), out.end());
  return out;
}

Value m_split(Interp&, const Value& self, const Args& args) {
  auto a = bind_args(args, "split", SLAP_PARAMS({"sep", Value()}, {"maxsplit", Value(-1)}), 0);
  return Value::list(split_impl(self.as_string(), a[0], int_arg(a[1]), false));
}

Value m_rsplit(Interp&, const Value& self, const Args& args) {
  auto a = bind_args(args, "rsplit", SLAP_PARAMS({"sep", Value()}, {"maxsplit", Value(-1)}), 0);
  return Value::list(split_impl(self.as_string(), a[0], int_arg(a[1]), true));
}

Value m_splitlines(Interp& in, const Value& self, const Args& args) {
  auto a = bind_args(args, "splitlines", SLAP_PARAMS({"keepends", Value(false)}), 0);
  bool keep = in.truth(a[0]);
  const std::string& s = self.as_string();
  Strings out;
  std::size_t start = 0, i = 0;
  while (i < s.size()) {
    std::size_t brk = 0;
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') brk = 2;
    else if (c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e)) brk = 1;
    else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) brk = 2;
    else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
             (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9))
      brk = 3;
    if (!brk) {
      ++i;
      continue;
    }
    out.push_back(s.substr(start, (keep ? i + brk : i) - start));
    i += brk;
    start = i;
  }
  if (start < s.size()) out.push_back(s.substr(start));
  return list_of(std::move(out));
}

// strip/lstrip/rstrip: whitespace, or any of the code points in `chars`.
std::string strip_impl(const std::string& s, const Value& chars, bool left, bool right) {
  if (chars.is_none()) {
    std::string_view v = s;
    if (left) v = str::lstrip(v);
    if (right) v = str::rstrip(v);
    return std::string(v);
  }
  const std::string& set = arg_str(chars, "strip arg");
  std::vector<std::string_view> cps;
  for (std::size_t i = 0; i < set.size();) {
    std::size_t b = i;
    next_code_point(set, i);
    cps.push_back(std::string_view(set).substr(b, i - b));
  }
  auto in_set = [&](std::string_view cp) { return std::find(cps.begin(), cps.end(), cp) != cps.end(); };
  auto offsets = code_point_offsets(s);
  std::size_t lo = 0, hi = offsets.size() - 1;
  while (left && lo < hi && in_set(std::string_view(s).substr(offsets[lo], offsets[lo + 1] - offsets[lo]))) ++lo;
  while (right && hi > lo && in_set(std::string_view(s).substr(offsets[hi - 1], offsets[hi] - offsets[hi - 1]))) --hi;
  return s.substr(offsets[lo], offsets[hi] - offsets[lo]);
}

Value m_strip(Interp&, const Value& self, const Args& args) {
  return Value(strip_impl(self.as_string(), bind_args(args, "strip", SLAP_PARAMS({"chars", Value()}), 0)[0], true, true));
}
Value m_lstrip(Interp&, const Value& self, const Args& args) {
  return Value(strip_impl(self.as_string(), bind_args(args, "lstrip", SLAP_PARAMS({"chars", Value()}), 0)[0], true, false));
}
Value m_rstrip(Interp&, const Value& self, const Args& args) {
  return Value(strip_impl(self.as_string(), bind_args(args, "rstrip", SLAP_PARAMS({"chars", Value()}), 0)[0], false, true));
}

// A code point index argument (start/end of find, count, startswith): an int, or None.
std::optional<std::int64_t> index_arg(const Value& v) {
  if (v.is_none()) return std::nullopt;
  if (!v.is_int() && !v.is_bool()) type_error("slice indices must be integers or None or have an __index__ method");
  return int_arg(v);
}

Value affix_test(const Value& self, const Args& args, const char* name, bool prefix) {
  auto a = bind_args(args, name, SLAP_PARAMS({"prefix", Value()}, {"start", Value()}, {"end", Value()}), 1);
  std::string_view s = self.as_string();
  if (!a[1].is_none() || !a[2].is_none()) {  // s[start:end], where a start past the end fails
    std::vector<std::size_t> offsets = code_point_offsets(s);
    auto n = static_cast<std::int64_t>(offsets.size()) - 1;
    auto [lo, hi, step] = adjust_slice(n, index_arg(a[1]), index_arg(a[2]), std::nullopt);
    if (a[1].is_int() && a[1].as_int() > n) return Value(false);
    hi = std::max(hi, lo);
    s = s.substr(offsets[static_cast<std::size_t>(lo)], offsets[static_cast<std::size_t>(hi)] - offsets[static_cast<std::size_t>(lo)]);
  }
  auto one = [&](const Value& p) {
    if (!p.is_string())
      type_error(std::string(name) + " first arg must be str or a tuple of str, not " + p.type_name());
    return prefix ? s.starts_with(p.as_string()) : s.ends_with(p.as_string());
  };
  if (a[0].is_tuple()) {
    for (const auto& p : a[0].items())
      if (one(p)) return Value(true);
    return Value(false);
  }
  return Value(one(a[0]));
}

Value m_startswith(Interp&, const Value& self, const Args& args) { return affix_test(self, args, "startswith", true); }
Value m_endswith(Interp&, const Value& self, const Args& args) { return affix_test(self, args, "endswith", false); }

Value m_replace(Interp&, const Value& self, const Args& args) {
  auto a = bind_args(args, "replace", SLAP_PARAMS({"old", Value()}, {"new", Value()}, {"count", Value(-1)}), 2);
  const std::string& s = self.as_string();
  const std::string& from = arg_str(a[0], "replace() argument 1");
  const std::string& to = arg_str(a[1], "replace() argument 2");
  std::int64_t count = int_arg(a[2]);
  std::string out;
  if (from.empty()) {
    auto offsets = code_point_offsets(s);
    std::size_t n = offsets.size() - 1;
    std::int64_t inserted = 0;
    for (std::size_t k = 0; k <= n; ++k) {
      if (count < 0 || inserted < count) {
        out += to;
        ++inserted;
      }
      if (k < n) out.append(s, offsets[k], offsets[k + 1] - offsets[k]);
    }
    return Value(std::move(out));
  }
  std::size_t start = 0;
  for (std::int64_t done = 0; count < 0 || done < count; ++done) {
    std::size_t at = s.find(from, start);
    if (at == std::string::npos) break;
    out.append(s, start, at - start);
    out += to;
    start = at + from.size();
  }
  out.append(s, start);
  return Value(std::move(out));
}

Value m_join(Interp& in, const Value& self, const Args& args) {
  auto a = bind_args(args, "join", SLAP_PARAMS({"iterable", Value()}), 1);
  std::string out;
  std::size_t i = 0;
  for (const auto& item : in.iterate(a[0])) {
    if (!item.is_string())
      type_error("sequence item " + std::to_string(i) + ": expected str instance, " + item.type_name() + " found");
    if (i++) out += self.as_string();
    out += item.as_string();
  }
  return Value(std::move(out));
}

Value m_lower(Interp&, const Value& self, const Args& args) {
  no_args(args, "lower");
  return Value(py_lower(self.as_string()));
}

Value m_upper(Interp&, const Value& self, const Args& args) {
  no_args(args, "upper");
  return Value(py_upper(self.as_string()));
}

Value m_swapcase(Interp&, const Value& self, const Args& args) {
  no_args(args, "swapcase");
  const std::string& s = self.as_string();
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t start = i;
    next_code_point(s, i);
    std::string_view c(s.data() + start, i - start);
    std::string upper = py_upper(c);
    out += upper != c ? upper : py_lower(c);
  }
  return Value(std::move(out));
}

std::size_t cp_index(const std::string& s, std::size_t byte) { return code_point_count(std::string_view(s).substr(0, byte)); }

Value m_count(Interp&, const Value& self, const Args& args) {
  auto a = bind_args(args, "count", SLAP_PARAMS({"sub", Value()}), 1);
  const std::string& s = self.as_string();
  const std::string& sub = arg_str(a[0], "must be str");
  if (sub.empty()) return Value(static_cast<std::int64_t>(code_point_count(s) + 1));
  std::int64_t n = 0;
  for (std::size_t at = s.find(sub); at != std::string::npos; at = s.find(sub, at + sub.size())) ++n;
  return Value(n);
}

Value find_impl(const Value& self, const Args& args, const char* name, bool reverse, bool raise_missing) {
  auto a = bind_args(args, name, SLAP_PARAMS({"sub", Value()}), 1);
  const std::string& s = self.as_string();
  std::size_t at = reverse ? s.rfind(arg_str(a[0], "must be str")) : s.find(arg_str(a[0], "must be str"));
  if (at == std::string::npos) {
    if (raise_missing) value_error("substring not found");
    return Value(-1);
  }
  return Value(static_cast<std::int64_t>(cp_index(s, at)));
}

Value m_find(Interp&, const Value& self, const Args& args) { return find_impl(self, args, "find", false, false); }
Value m_rfind(Interp&, const Value& self, const Args& args) { return find_impl(self, args, "rfind", true, false); }
Value m_index(Interp&, const Value& self, const Args& args) { return find_impl(self, args, "index", false, true); }
Value m_rindex(Interp&, const Value& self, const Args& args) { return find_impl(self, args, "rindex", true, true); }

std::string format_with(Interp& in, const Value& self, const Args& args, bool mapping_only = false) {
  auto step = [&in](const Value& obj, const Value& key, bool is_item) {
    Value v = is_item ? in.getitem(obj, key) : in.getattr(obj, key.as_string());
    if (v.is_undefined()) in.raise_undefined(v);
    return v;
  };
  return format_method(self.as_string(), args, step, mapping_only);
}

Value m_format(Interp& in, const Value& self, const Args& args) { return Value(format_with(in, self, args)); }

// str.format_map(mapping): the fields name the mapping's keys.
Value m_format_map(Interp& in, const Value& self, const Args& args) {
  const Value& mapping = bind_args(args, "format_map", SLAP_PARAMS({"mapping", Value()}), 1)[0];
  if (!mapping.is_dict()) type_error("format_map() argument must be a mapping, not " + mapping.type_name());
  Args keywords;
  for (const auto& e : mapping.as_dict())
    if (e.key.is_string()) keywords.keywords.emplace_back(e.key.as_string(), e.value);
  return Value(format_with(in, self, keywords, true));
}

// str.expandtabs(tabsize=8): each tab up to the next multiple of tabsize columns, counted
// from the last newline or carriage return.
Value m_expandtabs(Interp&, const Value& self, const Args& args) {
  std::int64_t size = int_arg(bind_args(args, "expandtabs", SLAP_PARAMS({"tabsize", Value(8)}), 0)[0]);
  const std::string& s = self.as_string();
  std::string out;
  std::int64_t column = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t start = i;
    std::uint32_t cp = next_code_point(s, i);
    if (cp == '\t') {
      if (size > 0) {
        std::int64_t pad = size - column % size;
        out.append(static_cast<std::size_t>(pad), ' ');
        column += pad;
      }
      continue;
    }
    out.append(s, start, i - start);
    column = cp == '\n' || cp == '\r' ? 0 : column + 1;
  }
  return Value(std::move(out));
}

// str.casefold(): lower(), with ß folded to ss (the one fold of the covered scripts that
// lower() does not make).
Value m_casefold(Interp&, const Value& self, const Args& args) {
  no_args(args, "casefold");
  return Value(str::replace_all(py_lower(self.as_string()), "\u00DF", "ss"));
}

Value m_isascii(Interp&, const Value& self, const Args& args) {
  no_args(args, "isascii");
  return Value(is_ascii(self.as_string()));
}

Value m_isprintable(Interp&, const Value& self, const Args& args) {
  no_args(args, "isprintable");
  return Value(py_printable(self.as_string()));
}

// str.isidentifier(): a letter or _ then letters, digits or _ (any non-ASCII code point
// counts as a letter: Python's XID classes are not tabulated here).
Value m_isidentifier(Interp&, const Value& self, const Args& args) {
  no_args(args, "isidentifier");
  const std::string& s = self.as_string();
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return Value(false);
  for (char c : s) {
    auto byte = static_cast<unsigned char>(c);
    if (!(byte >= 0x80 || byte == '_' || (byte >= '0' && byte <= '9') || ((byte | 0x20) >= 'a' && (byte | 0x20) <= 'z')))
      return Value(false);
  }
  return Value(true);
}

// str.istitle(): uppercase letters only after uncased characters, lowercase only after
// cased ones, and at least one cased letter (ASCII letters are the cased ones).
Value m_istitle(Interp&, const Value& self, const Args& args) {
  no_args(args, "istitle");
  bool cased = false, previous_cased = false;
  for (char c : self.as_string()) {
    bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
    if ((upper && previous_cased) || (lower && !previous_cased)) return Value(false);
    previous_cased = upper || lower;
    cased = cased || upper;
  }
  return Value(cased);
}

// The one code point of a length-1 str, else nullopt.
std::optional<std::uint32_t> single_code_point(const std::string& s) {
  std::size_t i = 0;
  if (s.empty()) return std::nullopt;
  std::uint32_t cp = next_code_point(s, i);
  return i == s.size() ? std::optional<std::uint32_t>(cp) : std::nullopt;
}

// str.maketrans(x[, y[, z]]): a dict from code points to code points, strings or None.
Value m_maketrans(Interp&, const Value&, const Args& args) {
  auto a = bind_args(args, "maketrans", SLAP_PARAMS({"x", Value()}, {"y", Value()}, {"z", Value()}), 1);
  Dict table;
  if (args.positional.size() + args.keywords.size() == 1) {
    if (!a[0].is_dict()) type_error("if you give only one argument to maketrans it must be a dict");
    for (const auto& e : a[0].as_dict()) {
      if (e.key.is_int()) {
        table.set(e.key, e.value);
        continue;
      }
      auto cp = e.key.is_string() ? single_code_point(e.key.as_string()) : std::nullopt;
      if (!cp) value_error("string keys in translate table must be of length 1");
      table.set(Value(static_cast<std::int64_t>(*cp)), e.value);
    }
    return Value::dict(std::move(table));
  }
  if (!a[0].is_string() || !a[1].is_string()) type_error("maketrans() arguments must be str");
  if (code_point_count(a[0].as_string()) != code_point_count(a[1].as_string()))
    value_error("the first two maketrans arguments must have equal length");
  for (std::size_t i = 0, j = 0; i < a[0].as_string().size();)
    table.set(Value(static_cast<std::int64_t>(next_code_point(a[0].as_string(), i))),
              Value(static_cast<std::int64_t>(next_code_point(a[1].as_string(), j))));
  if (!a[2].is_none()) {
    if (!a[2].is_string()) type_error("maketrans() argument 3 must be str, not " + a[2].type_name());
    for (std::size_t i = 0; i < a[2].as_string().size();)
      table.set(Value(static_cast<std::int64_t>(next_code_point(a[2].as_string(), i))), Value());
  }
  return Value::dict(std::move(table));
}

// str.translate(table): each code point looked up by its number: absent, kept; None,
// dropped; an int, that code point; a str, that text.
Value m_translate(Interp& in, const Value& self, const Args& args) {
  const Value& table = bind_args(args, "translate", SLAP_PARAMS({"table", Value()}), 1)[0];
  const std::string& s = self.as_string();
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t start = i;
    Value key(static_cast<std::int64_t>(next_code_point(s, i)));
    const Value* to = table.is_dict() ? table.as_dict().find(key) : nullptr;
    Value looked_up;
    if (!table.is_dict()) {
      looked_up = in.getitem(table, key);
      if (looked_up.is_undefined()) {
        out.append(s, start, i - start);
        continue;
      }
      to = &looked_up;
    }
    if (!to) out.append(s, start, i - start);
    else if (to->is_none()) continue;
    else if (to->is_int()) {
      std::int64_t cp = to->as_int();
      if (cp < 0 || cp > 0x10FFFF) value_error("character mapping must be in range(0x110000)");
      append_code_point(out, static_cast<std::uint32_t>(cp));
    } else if (to->is_string()) out += to->as_string();
    else type_error("character mapping must return integer, None or str");
  }
  return Value(std::move(out));
}

template <bool (*Pred)(unsigned char)>
Value char_class(const Value& self, const Args& args, const char* name) {
  no_args(args, name);
  const std::string& s = self.as_string();
  if (s.empty()) return Value(false);
  for (char c : s)
    if (!Pred(static_cast<unsigned char>(c))) return Value(false);
  return Value(true);
}

bool digit_char(unsigned char c) { return c >= '0' && c <= '9'; }
bool alpha_char(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool alnum_char(unsigned char c) { return digit_char(c) || alpha_char(c); }
bool space_char(unsigned char c) { return str::is_space(static_cast<char>(c)); }

Value m_isdigit(Interp&, const Value& self, const Args& args) { return char_class<digit_char>(self, args, "isdigit"); }
Value m_isalpha(Interp&, const Value& self, const Args& args) { return char_class<alpha_char>(self, args, "isalpha"); }
Value m_isalnum(Interp&, const Value& self, const Args& args) { return char_class<alnum_char>(self, args, "isalnum"); }
Value m_isspace(Interp&, const Value& self, const Args& args) { return char_class<space_char>(self, args, "isspace"); }

Value case_test(const Value& self, bool want_lower) {
  bool cased = false;
  for (char c : self.as_string()) {
    if (c >= 'a' && c <= 'z') {
      if (!want_lower) return Value(false);
      cased = true;
    } else if (c >= 'A' && c <= 'Z') {
      if (want_lower) return Value(false);
      cased = true;
    }
  }
  return Value(cased);
}

Value m_islower(Interp&, const Value& self, const Args& args) { no_args(args, "islower"); return case_test(self, true); }
Value m_isupper(Interp&, const Value& self, const Args& args) { no_args(args, "isupper"); return case_test(self, false); }

// No bytes type: encode() is the identity (documented in template.hpp).
Value m_encode(Interp&, const Value& self, const Args& args) {
  bind_args(args, "encode", SLAP_PARAMS({"encoding", Value("utf-8")}, {"errors", Value("strict")}), 0);
  return self;
}

Value m_removeprefix(Interp&, const Value& self, const Args& args) {
  const std::string p = arg_str(bind_args(args, "removeprefix", SLAP_PARAMS({"prefix", Value()}), 1)[0], "removeprefix() argument");
  const std::string& s = self.as_string();
  return s.starts_with(p) ? Value(s.substr(p.size())) : self;
}

Value m_removesuffix(Interp&, const Value& self, const Args& args) {
  const std::string p = arg_str(bind_args(args, "removesuffix", SLAP_PARAMS({"suffix", Value()}), 1)[0], "removesuffix() argument");
  const std::string& s = self.as_string();
  return !p.empty() && s.ends_with(p) ? Value(s.substr(0, s.size() - p.size())) : self;
}

Value partition_impl(const Value& self, const Args& args, const char* name, bool reverse) {
  const std::string sep = arg_str(bind_args(args, name, SLAP_PARAMS({"sep", Value()}), 1)[0], "must be str");
  if (sep.empty()) value_error("empty separator");
  const std::string& s = self.as_string();
  std::size_t at = reverse ? s.rfind(sep) : s.find(sep);
  if (at == std::string::npos)
    return reverse ? Value::tuple({Value(""), Value(""), self}) : Value::tuple({self, Value(""), Value("")});
  return Value::tuple({Value(s.substr(0, at)), Value(sep), Value(s.substr(at + sep.size()))});
}

Value m_partition(Interp&, const Value& self, const Args& args) { return partition_impl(self, args, "partition", false); }
Value m_rpartition(Interp&, const Value& self, const Args& args) { return partition_impl(self, args, "rpartition", true); }

Value justify(const Value& self, const Args& args, const char* name, char how) {
  auto a = bind_args(args, name, SLAP_PARAMS({"width", Value()}, {"fillchar", Value(" ")}), 1);
  std::int64_t width = int_arg(a[0]);
  if (width > max_value_size) memory_error();
  const std::string& s = self.as_string();
  std::int64_t n = width - static_cast<std::int64_t>(code_point_count(s));
  if (n <= 0) return self;
  const std::string& fill = arg_str(a[1], "fill character");
  auto rep = [&](std::int64_t k) {
    std::string out;
    for (std::int64_t i = 0; i < k; ++i) out += fill;
    return out;
  };
  if (how == '<') return Value(s + rep(n));
  if (how == '>') return Value(rep(n) + s);
  // Python's center() puts the extra space on the left when the string length is odd.
  std::int64_t left = n / 2 + (n & width & 1);
  return Value(rep(left) + s + rep(n - left));
}

Value m_ljust(Interp&, const Value& self, const Args& args) { return justify(self, args, "ljust", '<'); }
Value m_rjust(Interp&, const Value& self, const Args& args) { return justify(self, args, "rjust", '>'); }
Value m_center(Interp&, const Value& self, const Args& args) { return justify(self, args, "center", '^'); }

Value m_zfill(Interp&, const Value& self, const Args& args) {
  auto a = bind_args(args, "zfill", SLAP_PARAMS({"width", Value()}), 1);
  std::string s = self.as_string();
  if (int_arg(a[0]) > max_value_size) memory_error();
  auto n = int_arg(a[0]) - static_cast<std::int64_t>(code_point_count(s));
  if (n <= 0) return self;
  std::size_t at = !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
  s.insert(at, static_cast<std::size_t>(n), '0');
  return Value(std::move(s));
}

Value m_capitalize(Interp&, const Value& self, const Args& args) {
  no_args(args, "capitalize");
  std::string s = py_lower(self.as_string());
  if (s.empty()) return Value(s);
  std::size_t first = 0;
  next_code_point(s, first);
  return Value(py_upper(s.substr(0, first)) + s.substr(first));
}

Value m_title(Interp&, const Value& self, const Args& args) {
  no_args(args, "title");
  std::string s = self.as_string();
  bool prev_cased = false;
  for (char& c : s) {
    bool lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z';
    if (lower && !prev_cased) c = static_cast<char>(c - 32);
    else if (upper && prev_cased) c = static_cast<char>(c + 32);
    prev_cased = lower || upper;
  }
  return Value(std::move(s));
}

}  // namespace

MethodFn find_str_method(std::string_view name) {
  static const std::unordered_map<std::string_view, MethodFn> table = {
      {"split", m_split}, {"rsplit", m_rsplit}, {"splitlines", m_splitlines}, {"strip", m_strip},
      {"lstrip", m_lstrip}, {"rstrip", m_rstrip}, {"startswith", m_startswith}, {"endswith", m_endswith},
      {"replace", m_replace}, {"join", m_join}, {"lower", m_lower}, {"upper", m_upper}, {"count", m_count},
      {"find", m_find}, {"rfind", m_rfind}, {"index", m_index}, {"rindex", m_rindex}, {"format", m_format},
      {"isdigit", m_isdigit}, {"isdecimal", m_isdigit}, {"isnumeric", m_isdigit}, {"isalpha", m_isalpha},
      {"isalnum", m_isalnum}, {"isspace", m_isspace}, {"islower", m_islower}, {"isupper", m_isupper},
      {"encode", m_encode}, {"removeprefix", m_removeprefix}, {"removesuffix", m_removesuffix},
      {"partition", m_partition}, {"rpartition", m_rpartition}, {"ljust", m_ljust}, {"rjust", m_rjust},
      {"center", m_center}, {"zfill", m_zfill}, {"capitalize", m_capitalize}, {"title", m_title},
      {"swapcase", m_swapcase}, {"format_map", m_format_map}, {"expandtabs", m_expandtabs},
      {"casefold", m_casefold}, {"isascii", m_isascii}, {"isprintable", m_isprintable},
      {"isidentifier", m_isidentifier}, {"istitle", m_istitle}, {"maketrans", m_maketrans},
      {"translate", m_translate},
  };
  auto it = table.find(name);
  return it == table.end() ? nullptr : it->second;
}

}  // namespace slap::tmpl
