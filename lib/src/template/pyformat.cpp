#include "pyformat.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fmt/format.h>
#include <limits>

#include "bigint.hpp"
#include "errors.hpp"
#include "methods.hpp"
#include "ops.hpp"
#include "text.hpp"

namespace slap::tmpl {

namespace {

// std::to_chars(mag, fixed, precision) for a non-negative mag, which Python's "%.Nf" and
// "{:.Nf}" round correctly (the exact binary value, ties to even). When mag·10^N is below
// 2^31, the product is within 2.4e-7 of the exact value; unless its fraction is within
// 1e-6 of one half, rounding the product to an integer is what the exact value rounds to,
// and the digits need no Ryu.
std::to_chars_result fixed_chars(char* first, char* last, double mag, int precision) {
  static constexpr std::uint64_t divisor[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
  if (precision >= 0 && precision <= 6 && last - first >= 24) {
    double scaled = mag * static_cast<double>(divisor[precision]);  // exact powers of ten
    if (scaled < 2147483648.0) {  // false for NaN
      double whole = std::floor(scaled);
      double fraction = scaled - whole;
      if (std::fabs(fraction - 0.5) > 1e-6) {
        std::uint64_t n = static_cast<std::uint64_t>(whole) + (fraction > 0.5 ? 1 : 0);
        char* p = std::to_chars(first, last, n / divisor[precision]).ptr;
        if (precision > 0) {
          *p++ = '.';
          std::uint64_t decimals = n % divisor[precision];
          for (int i = precision - 1; i >= 0; --i, decimals /= 10) p[i] = static_cast<char>('0' + decimals % 10);
          p += precision;
        }
        return {p, std::errc()};
      }
    }
  }
  return std::to_chars(first, last, mag, std::chars_format::fixed, precision);
}

struct Spec {
  std::string_view fill = " ";  // one code point: a literal, or of the spec's text
  char align = 0;  // < > ^ =
  char sign = '-';
  bool alt = false;
  int width = -1;
  char grouping = 0;
  int precision = -1;
  char type = 0;
};

// A width or precision read from `s` at `i`. Python refuses one that overflows its integer
// type with a ValueError (`too_big`); slap also refuses, as a MemoryError, one that would
// make a string over 256 MiB, which Python would try to allocate.
constexpr std::int64_t max_field = max_value_size;

int field_size(std::int64_t n, const char* too_big) {
  if (n > max_field) raise("MemoryError", fmt::format("a field of {} characters", n));
  if (n < -max_field) raise("ValueError", too_big);
  return static_cast<int>(n);
}

int read_decimal(std::string_view s, std::size_t& i, const char* too_big) {
  std::int64_t n = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (n > (std::numeric_limits<std::int64_t>::max() - 9) / 10) raise("ValueError", too_big);
    n = n * 10 + (s[i++] - '0');
  }
  return field_size(n, too_big);
}

Spec parse_spec(std::string_view s) {
  Spec sp;
  std::size_t i = 0;
  bool fill_given = false;
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  if (!s.empty()) {
    std::size_t first = 0;
    next_code_point(s, first);
    if (first < s.size() && is_align(s[first])) {
      sp.fill = s.substr(0, first);
      fill_given = true;
      sp.align = s[first];
      i = first + 1;
    } else if (is_align(s[0])) {
      sp.align = s[0];
      i = 1;
    }
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) sp.sign = s[i++];
  if (i < s.size() && s[i] == '#') {
    sp.alt = true;
    ++i;
  }
  if (i < s.size() && s[i] == '0') {
    if (!fill_given) sp.fill = "0";
    if (!sp.align) sp.align = '=';
    ++i;
  }
  auto number = [&] { return read_decimal(s, i, "Too many decimal digits in format string"); };
  if (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) sp.width = number();
  if (i < s.size() && (s[i] == ',' || s[i] == '_')) sp.grouping = s[i++];
  if (i < s.size() && s[i] == '.') {
    ++i;
    sp.precision = number();
  }
  if (i < s.size()) sp.type = s[i++];
  if (i != s.size()) value_error("Invalid format specifier '" + std::string(s) + "'");
  return sp;
}

// prefix (sign, 0x) + body, padded to the width by the alignment rules.
std::string pad(const std::string& prefix, const std::string& body, const Spec& sp, char default_align) {
  auto len = static_cast<int>(code_point_count(prefix) + code_point_count(body));
  if (sp.width <= len) return prefix + body;
  int n = sp.width - len;
  auto fill = [&](int count) {
    std::string f;
    for (int k = 0; k < count; ++k) f += sp.fill;
    return f;
  };
  switch (sp.align ? sp.align : default_align) {
    case '<': return prefix + body + fill(n);
    case '^': return fill(n / 2) + prefix + body + fill(n - n / 2);
    case '=': return prefix + fill(n) + body;
    default: return fill(n) + prefix + body;
  }
}

std::string group_digits(const std::string& digits, char sep, std::size_t every) {
  std::string out;
  std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i && (n - i) % every == 0) out += sep;
    out += digits[i];
  }
  return out;
}

std::string sign_of(bool negative, char sign) {
  if (negative) return "-";
  return sign == '+' ? "+" : sign == ' ' ? " " : "";
}

std::string format_float(double v, Spec sp) {
  char type = sp.type;
  bool negative = std::signbit(v) && !std::isnan(v);
  double mag = std::fabs(v);
  std::string body;
  if (type == 0 && sp.precision < 0) {
    body = float_repr(mag);
  } else {
    char conv = type == 0 || type == 'n' ? 'g' : type == '%' ? 'f' : type;
    if (type == '%') mag *= 100;
    int precision = sp.precision < 0 ? 6 : sp.precision;
    char buf[512];
    // to_chars formats as printf does ("%.*f"), without parsing a format at each call.
    std::to_chars_result fast{buf, std::errc::value_too_large};
    if ((conv == 'f' || conv == 'F') && !sp.alt && std::isfinite(mag))
      fast = fixed_chars(buf, buf + sizeof buf, mag, precision);
    if (fast.ec == std::errc()) {
      body.assign(buf, fast.ptr);
    } else {
      char fmt[16];
      std::snprintf(fmt, sizeof fmt, sp.alt ? "%%#.*%c" : "%%.*%c", conv);
      std::snprintf(buf, sizeof buf, fmt, precision, mag);
      body = buf;
    }
    if (type == 0 && body.find_first_of(".en") == std::string::npos) body += ".0";
    if (type == '%') body += '%';
  }
  if (sp.grouping && std::isfinite(mag)) {
    std::size_t end = body.find_first_of(".e%");
    if (end == std::string::npos) end = body.size();
    body = group_digits(body.substr(0, end), sp.grouping, 3) + body.substr(end);
  }
  return pad(sign_of(negative, sp.sign), body, sp, '>');
}

std::string format_int(std::int64_t v, Spec sp) {
  char type = sp.type ? sp.type : 'd';
  if (std::string_view("eEfFgG%").find(type) != std::string_view::npos)
    return format_float(static_cast<double>(v), sp);
  if (type == 'c') return pad("", [&] { std::string s; append_code_point(s, static_cast<std::uint32_t>(v)); return s; }(), sp, '<');
  if (sp.precision >= 0) value_error("Precision not allowed in integer format specifier");
  int base = type == 'b' ? 2 : type == 'o' ? 8 : (type == 'x' || type == 'X') ? 16 : 10;
  if (base == 10 && type != 'd' && type != 'n') value_error(std::string("Unknown format code '") + type + "' for object of type 'int'");
  std::uint64_t mag = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  std::string digits;
  do {
    int d = static_cast<int>(mag % static_cast<std::uint64_t>(base));
    digits.insert(digits.begin(), static_cast<char>(d < 10 ? '0' + d : (type == 'X' ? 'A' : 'a') + d - 10));
    mag /= static_cast<std::uint64_t>(base);
  } while (mag);
  if (sp.grouping) digits = group_digits(digits, sp.grouping, base == 10 ? 3 : 4);
  std::string prefix = sign_of(v < 0, sp.sign);
  if (sp.alt && base != 10) prefix += base == 2 ? "0b" : base == 8 ? "0o" : type == 'X' ? "0X" : "0x";
  return pad(prefix, digits, sp, '>');
}

// format(n, spec) for an int beyond int64.
std::string format_big(const BigInt& v, Spec sp) {
  char type = sp.type ? sp.type : 'd';
  if (std::string_view("eEfFgG%").find(type) != std::string_view::npos) return format_float(v.to_double(), sp);
  if (sp.precision >= 0) value_error("Precision not allowed in integer format specifier");
  int base = type == 'b' ? 2 : type == 'o' ? 8 : (type == 'x' || type == 'X') ? 16 : 10;
  if (base == 10 && type != 'd' && type != 'n') value_error(std::string("Unknown format code '") + type + "' for object of type 'int'");
  BigInt mag = v.negative() ? -v : v;
  std::string digits;
  if (base == 10) {
    digits = mag.decimal();
  } else {
    for (BigInt b(base); !mag.is_zero(); mag = mag.floordiv(b)) {
      int d = static_cast<int>(*mag.mod(b).to_int64());
      digits.insert(digits.begin(), static_cast<char>(d < 10 ? '0' + d : (type == 'X' ? 'A' : 'a') + d - 10));
    }
  }
  if (sp.grouping) digits = group_digits(digits, sp.grouping, base == 10 ? 3 : 4);
  std::string prefix = sign_of(v.negative(), sp.sign);
  if (sp.alt && base != 10) prefix += base == 2 ? "0b" : base == 8 ? "0o" : type == 'X' ? "0X" : "0x";
  return pad(prefix, digits, sp, '>');
}

std::string truncate_code_points(const std::string& s, int precision) {
  if (precision < 0) return s;
  auto offsets = code_point_offsets(s);
  if (static_cast<std::size_t>(precision) + 1 >= offsets.size()) return s;
  return s.substr(0, offsets[static_cast<std::size_t>(precision)]);
}

}  // namespace

std::string format_value(const Value& v, std::string_view spec) {
  if (spec.empty()) return v.str();
  Spec sp = parse_spec(spec);
  if (v.is_string() || v.is_undefined()) {
    if (sp.type && sp.type != 's')
      value_error(std::string("Unknown format code '") + sp.type + "' for object of type 'str'");
    return pad("", truncate_code_points(v.str(), sp.precision), sp, '<');
  }
  if (v.is_int() || v.is_bool()) return format_int(v.is_int() ? v.as_int() : v.as_bool(), sp);
  if (const BigInt* big = big_int(v)) return format_big(*big, sp);
  if (v.is_float()) {
    if (sp.type && std::string_view("eEfFgGn%").find(sp.type) == std::string_view::npos)
      value_error(std::string("Unknown format code '") + sp.type + "' for object of type 'float'");
    return format_float(v.as_float(), sp);
  }
  type_error("unsupported format string passed to " + v.type_name() + ".__format__");
}

// ----- printf-style -----

namespace {

struct PercentState {
  const Value* positional = nullptr;  // a tuple's items, or the one argument
  std::size_t count = 0;
  const Dict* mapping = nullptr;
  std::size_t next = 0;

  const Value& take() {
    if (next >= count) type_error("not enough arguments for format string");
    return positional[next++];
  }
};

// `body` padded with spaces to `width` code points, on the right when `left`, into `out`.
// `ascii`: body is known to be ASCII (digits), its length in code points its size.
void append_padded(std::string& out, std::string_view body, int width, bool left, bool ascii) {
  if (width <= 0) {
    out += body;
    return;
  }
  auto n = static_cast<std::int64_t>(width) - static_cast<std::int64_t>(ascii ? body.size() : code_point_count(body));
  if (n > 0 && !left) out.append(static_cast<std::size_t>(n), ' ');
  out += body;
  if (n > 0 && left) out.append(static_cast<std::size_t>(n), ' ');
}

// %s, %d and %f with at most a width, '-' and a precision (for %f), written straight into
// `out`; false for anything else, which percent_one() formats.
bool append_simple(std::string& out, char conv, const Value& arg, const Spec& sp) {
  if (sp.fill != " " || sp.sign != '-' || sp.alt || (sp.align && sp.align != '<')) return false;
  bool left = sp.align == '<';
  char buf[128];
  switch (conv) {
    case 's':
      if (sp.precision >= 0 || !arg.is_string()) return false;
      append_padded(out, arg.as_string(), sp.width, left, false);
      return true;
    case 'd':
    case 'i':
    case 'u': {
      if (sp.precision >= 0 || !arg.is_int()) return false;
      auto r = std::to_chars(buf, buf + sizeof buf, arg.as_int());
      append_padded(out, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)), sp.width, left, true);
      return true;
    }
    case 'f':
    case 'F': {
      if (!arg.is_float() && !arg.is_int()) return false;
      double d = arg.is_int() ? static_cast<double>(arg.as_int()) : arg.as_float();
      if (!std::isfinite(d)) return false;
      char* p = buf;
      if (std::signbit(d)) *p++ = '-';
      auto r = fixed_chars(p, buf + sizeof buf, std::fabs(d), sp.precision < 0 ? 6 : sp.precision);
      if (r.ec != std::errc()) return false;
      append_padded(out, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)), sp.width, left, true);
      return true;
    }
    default: return false;
  }
}

std::string percent_one(char conv, const Value& arg, Spec sp) {
  switch (conv) {
    case 's':
    case 'r':
    case 'a': {
      std::string s = conv == 's' ? arg.str() : arg.repr();
      if (sp.align == '=') {  // the 0 flag pads numbers only: '%05s' % 'ab' is '   ab'
        sp.fill = " ";
        sp.align = 0;
      }
      return pad("", truncate_code_points(s, sp.precision), sp, '>');
    }
    case 'd':
    case 'i':
    case 'u':
      if (!arg.is_number() && !big_int(arg))
        type_error(std::string("%") + conv + " format: a real number is required, not " + arg.type_name());
      sp.type = 'd';
      break;
    case 'x':
    case 'X':
    case 'o':
      if (!arg.is_int() && !arg.is_bool() && !big_int(arg))
        type_error(std::string("%") + conv + " format: an integer is required, not " + arg.type_name());
      sp.type = conv;
      break;
    case 'c':
      if (arg.is_string() && code_point_count(arg.as_string()) == 1) return pad("", arg.as_string(), sp, '>');
      if (big_int(arg)) raise("OverflowError", "%c arg not in range(0x110000)");
      if (!arg.is_int()) type_error("%c requires int or char");
      sp.type = 'c';
      return format_int(arg.as_int(), sp);
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
      if (!arg.is_number() && !big_int(arg)) type_error("must be real number, not " + arg.type_name());
      sp.type = conv;
      return format_float(to_float(arg).as_float(), sp);
    default:
      value_error(std::string("unsupported format character '") + conv + "'");
  }
  // Integers: printf precision is a minimum digit count.
  Value whole = to_int(arg);
  const BigInt* big = big_int(whole);
  int precision = sp.precision;
  sp.precision = -1;
  if (precision <= 0) return big ? format_big(*big, sp) : format_int(whole.as_int(), sp);
  Spec plain = sp;
  plain.width = -1;
  plain.sign = '-';
  plain.alt = false;
  BigInt magnitude = to_big(whole);
  bool negative = magnitude.negative();
  if (negative) magnitude = -magnitude;
  std::string digits = format_big(magnitude, plain);
  if (static_cast<int>(digits.size()) < precision) digits.insert(0, static_cast<std::size_t>(precision) - digits.size(), '0');
  std::string prefix = sign_of(negative, sp.sign);
  if (sp.alt && conv != 'd' && conv != 'i' && conv != 'u') prefix += conv == 'o' ? "0o" : conv == 'X' ? "0X" : "0x";
  return pad(prefix, digits, sp, '>');
}

}  // namespace

std::string percent_format(std::string_view fmt, const Value& args) {
  if (args.is_tuple()) return percent_format(fmt, args.items().data(), args.items().size(), nullptr);
  return percent_format(fmt, &args, 1, args.is_dict() ? &args.as_dict() : nullptr);
}

namespace {

// A conversion specifier after its '%' (and mapping key): flags, width, precision, length
// modifier; `i` is left on the conversion character. `star(too_big)` supplies a '*' width
// or precision (an argument, at run time).
template <class Star>
char read_conversion(std::string_view fmt, std::size_t& i, Spec& sp, Star&& star) {
  for (bool flag = true; flag && i < fmt.size(); i += flag) {
    switch (fmt[i]) {
      case '-': sp.align = '<'; break;
      case '0': sp.fill = "0"; break;
      case '#': sp.alt = true; break;
      case '+':
      case ' ':
        if (sp.sign != '+') sp.sign = fmt[i];
        break;
      default: flag = false;
    }
  }
  if (sp.fill == "0") {
    if (sp.align == '<') sp.fill = " ";
    else sp.align = '=';
  }
  auto read_number = [&](const char* too_big) -> int {
    if (i < fmt.size() && fmt[i] == '*') {
      ++i;
      return star(too_big);
    }
    return read_decimal(fmt, i, too_big);
  };
  if (i < fmt.size() && ((fmt[i] >= '0' && fmt[i] <= '9') || fmt[i] == '*')) sp.width = read_number("width too big");
  if (i < fmt.size() && fmt[i] == '.') {
    ++i;
    sp.precision = read_number("precision too big");
  }
  while (i < fmt.size() && (fmt[i] == 'h' || fmt[i] == 'l' || fmt[i] == 'L')) ++i;
  if (i >= fmt.size()) value_error("incomplete format");
  return fmt[i];
}

// One argument converted into `out`.
void append_conversion(std::string& out, char conv, const Value& value, const Spec& sp) {
  if (!append_simple(out, conv, value, sp)) out += percent_one(conv, value, sp);
}

}  // namespace

std::string percent_format(std::string_view fmt, const Value* items, std::size_t count, const Dict* mapping) {
  PercentState st;
  st.positional = items;
  st.count = count;
  st.mapping = mapping;
  std::string out;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      std::size_t next = fmt.find('%', i);
      if (next == std::string_view::npos) next = fmt.size();
      out.append(fmt, i, next - i);
      i = next - 1;
      continue;
    }
    if (++i >= fmt.size()) value_error("incomplete format");
    std::size_t after_percent = i;
    const Value* arg = nullptr;
    if (fmt[i] == '(') {
      if (!st.mapping) type_error("format requires a mapping");
      std::size_t depth = 1, start = ++i;
      for (; i < fmt.size() && depth; ++i) depth += fmt[i] == '(' ? 1 : fmt[i] == ')' ? -1 : 0;
      if (depth) value_error("incomplete format key");
      std::string key(fmt.substr(start, i - 1 - start));
      arg = st.mapping->find(std::string_view(key));
      if (!arg) raise("KeyError", string_repr(key));
    }
    Spec sp;
    char conv = read_conversion(fmt, i, sp, [&](const char* too_big) { return field_size(int_arg(to_int(st.take())), too_big); });
    if (conv == '%' && i == after_percent) {  // "%%"; with flags or a width, '%' is an unsupported conversion
      out += '%';
      continue;
    }
    append_conversion(out, conv, arg ? *arg : st.take(), sp);
  }
  if (st.next < st.count && !st.mapping)
    type_error("not all arguments converted during string formatting");
  return out;
}

// The text before each conversion, and the conversion; the last piece has conv 0.
struct PercentFormat {
  struct Piece {
    std::string text;
    char conv = 0;
    Spec sp;
  };
  std::vector<Piece> pieces;
};

std::shared_ptr<const PercentFormat> compile_percent_format(std::string_view fmt) {
  auto f = std::make_shared<PercentFormat>();
  PercentFormat::Piece piece;
  try {
    for (std::size_t i = 0; i < fmt.size(); ++i) {
      if (fmt[i] != '%') {
        piece.text += fmt[i];
        continue;
      }
      if (++i >= fmt.size() || fmt[i] == '(') return nullptr;  // incomplete; a mapping key
      std::size_t after_percent = i;
      bool star = false;
      char conv = read_conversion(fmt, i, piece.sp, [&](const char*) {
        star = true;
        return 0;
      });
      if (star) return nullptr;
      if (conv == '%' && i == after_percent) {
        piece.text += '%';
        piece.sp = Spec();
        continue;
      }
      piece.conv = conv;
      f->pieces.push_back(std::move(piece));
      piece = PercentFormat::Piece();
    }
  } catch (const Error&) {
    return nullptr;  // percent_format() raises it when the format is used
  }
  f->pieces.push_back(std::move(piece));
  return f;
}

void percent_format_into(std::string& out, const PercentFormat& fmt, const Value* items, std::size_t count) {
  PercentState st;
  st.positional = items;
  st.count = count;
  for (const auto& piece : fmt.pieces) {
    out += piece.text;
    if (piece.conv) append_conversion(out, piece.conv, st.take(), piece.sp);
  }
  if (st.next < st.count) type_error("not all arguments converted during string formatting");
}

// ----- str.format -----

namespace {

// The argument a field names: by position (IndexError past the last) or by keyword
// (KeyError when not given).
const Value& positional_field(const Args& args, std::size_t idx) {
  if (idx >= args.positional.size())
    raise("IndexError", "Replacement index " + std::to_string(idx) + " out of range for positional args tuple");
  return args.positional[idx];
}
const Value& keyword_field(const Args& args, std::string_view name) {
  const Value* found = args.keyword(name);
  if (!found) raise("KeyError", string_repr(name));
  return *found;
}

// A field's value after its conversion ('s' or 'r'/'a'), and formatted by its spec into `out`.
Value convert_field(const Value& v, char conversion) { return Value(conversion == 's' ? v.str() : v.repr()); }
void append_field(std::string& out, const Value& v, std::string_view spec) {
  if (spec.empty()) append_str(out, v);  // format(v, '') is str(v)
  else out += format_value(v, spec);
}

// What one format call carries from field to field, nested ones included.
struct FieldNumbering {
  std::size_t auto_index = 0;  // the next automatic field's argument
  int mode = 0;                // 1: automatic, 2: manual, 0: neither yet
  bool mapping_only = false;   // str.format_map: no field may name a position
};

// The value of field `name`: a reference into `args` when the name has no attribute or
// item steps, else `scratch`.
const Value& format_field(std::string_view name, const Args& args, FieldNumbering& numbering, const FieldStep& step,
                          Value& scratch) {
  std::size_t end = name.find_first_of(".[");
  std::string_view head = name.substr(0, end);
  const Value* found;
  if (head.empty() || std::isdigit(static_cast<unsigned char>(head[0]))) {
    if (numbering.mapping_only) value_error("Format string contains positional fields");
    int mode = head.empty() ? 1 : 2;
    if (numbering.mode && numbering.mode != mode)
      value_error("cannot switch from " + std::string(mode == 1 ? "manual field specification to automatic" : "automatic field numbering to manual") +
                  " field " + (mode == 1 ? "numbering" : "specification"));
    numbering.mode = mode;
    found = &positional_field(args, head.empty() ? numbering.auto_index++ : static_cast<std::size_t>(std::stoul(std::string(head))));
  } else {
    found = &keyword_field(args, head);
  }
  if (end == std::string_view::npos) return *found;
  Value& obj = scratch;
  obj = *found;
  while (end != std::string_view::npos && end < name.size()) {
    if (name[end] == '.') {
      std::size_t next = name.find_first_of(".[", end + 1);
      obj = step(obj, Value(name.substr(end + 1, next - end - 1)), false);
      end = next;
    } else {
      std::size_t close = name.find(']', end);
      if (close == std::string_view::npos) value_error("Missing ']' in format string");
      std::string key(name.substr(end + 1, close - end - 1));
      bool numeric = !key.empty() && key.find_first_not_of("0123456789") == std::string::npos;
      obj = step(obj, numeric ? Value(static_cast<std::int64_t>(std::stoll(key))) : Value(key), true);
      end = close + 1;
    }
  }
  return obj;
}

// Automatic field numbering continues into nested fields of a format spec ({:>{}}).
std::string format_fields(std::string_view fmt, const Args& args, const FieldStep& step, FieldNumbering& numbering) {
  std::string out;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c != '{' && c != '}') {  // a run of plain text
      std::size_t next = fmt.find_first_of("{}", i);
      if (next == std::string_view::npos) next = fmt.size();
      out.append(fmt, i, next - i);
      i = next - 1;
      continue;
    }
    if (c == '}') {
      if (i + 1 < fmt.size() && fmt[i + 1] == '}') ++i;
      else value_error("Single '}' encountered in format string");
      out += '}';
      continue;
    }
    if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    std::size_t depth = 1, start = ++i;
    for (; i < fmt.size() && depth; ++i) depth += fmt[i] == '{' ? 1 : fmt[i] == '}' ? -1 : 0;
    if (depth) value_error("expected '}' before end of string");
    std::string_view field = fmt.substr(start, i - 1 - start);
    --i;
    std::size_t bracket = 0, cut = field.size();
    for (std::size_t k = 0; k < field.size(); ++k) {
      if (field[k] == '[') ++bracket;
      else if (field[k] == ']' && bracket) --bracket;
      else if (!bracket && (field[k] == '!' || field[k] == ':')) {
        cut = k;
        break;
      }
    }
    Value scratch;
    const Value* v = &format_field(field.substr(0, cut), args, numbering, step, scratch);
    std::string_view rest = field.substr(cut);
    if (!rest.empty() && rest[0] == '!') {
      if (rest.size() < 2) value_error("end of string while looking for conversion specifier");
      char conv = rest[1];
      if (conv != 'r' && conv != 's' && conv != 'a') value_error(std::string("Unknown conversion specifier ") + conv);
      scratch = convert_field(*v, conv);
      v = &scratch;
      rest.remove_prefix(2);
    }
    std::string spec;
    if (!rest.empty() && rest[0] == ':') spec = format_fields(rest.substr(1), args, step, numbering);
    append_field(out, *v, spec);
  }
  return out;
}

}  // namespace

// The text before each field, and the field: an argument (auto-numbered, by position or
// by name), its conversion and its spec; the last piece has no field.
struct StrFormat {
  struct Piece {
    std::string text;
    enum class Field : std::uint8_t { none, automatic, index, keyword } field = Field::none;
    std::size_t index = 0;
    std::string keyword;
    char conversion = 0;  // 's', 'r', 'a' or none
    std::string spec;
  };
  std::vector<Piece> pieces;
};

std::shared_ptr<const StrFormat> compile_str_format(std::string_view fmt) {
  auto f = std::make_shared<StrFormat>();
  StrFormat::Piece piece;
  int numbering = 0;  // 1: automatic, 2: manual; a switch is left to format_method, which raises
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '}' || (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '{')) {
      if (i + 1 >= fmt.size() || fmt[i + 1] != c) return nullptr;  // a single '}'
      piece.text += c;
      ++i;
      continue;
    }
    if (c != '{') {
      piece.text += c;
      continue;
    }
    std::size_t close = fmt.find('}', i);
    if (close == std::string_view::npos) return nullptr;
    std::string_view field = fmt.substr(i + 1, close - i - 1);
    if (field.find('{') != std::string_view::npos) return nullptr;  // a nested field
    std::size_t cut = field.find_first_of("!:");
    std::string_view name = field.substr(0, cut), rest = cut == std::string_view::npos ? "" : field.substr(cut);
    if (name.find_first_of("[.") != std::string_view::npos) return nullptr;  // attribute or item steps
    if (name.empty()) {
      piece.field = StrFormat::Piece::Field::automatic;
    } else if (std::all_of(name.begin(), name.end(), [](char d) { return d >= '0' && d <= '9'; })) {
      if (name.size() > 9) return nullptr;
      piece.field = StrFormat::Piece::Field::index;
      piece.index = static_cast<std::size_t>(std::stoul(std::string(name)));
    } else if (!std::isdigit(static_cast<unsigned char>(name[0]))) {
      piece.field = StrFormat::Piece::Field::keyword;
      piece.keyword = std::string(name);
    } else {
      return nullptr;
    }
    int mode = piece.field == StrFormat::Piece::Field::automatic ? 1 : piece.field == StrFormat::Piece::Field::index ? 2 : 0;
    if (mode && numbering && numbering != mode) return nullptr;
    if (mode) numbering = mode;
    if (!rest.empty() && rest[0] == '!') {
      if (rest.size() < 2 || (rest[1] != 's' && rest[1] != 'r' && rest[1] != 'a')) return nullptr;
      piece.conversion = rest[1];
      rest.remove_prefix(2);
    }
    if (!rest.empty()) {
      if (rest[0] != ':') return nullptr;
      piece.spec = std::string(rest.substr(1));
    }
    f->pieces.push_back(std::move(piece));
    piece = StrFormat::Piece();
    i = close;
  }
  f->pieces.push_back(std::move(piece));
  return f;
}

void str_format_into(std::string& out, const StrFormat& fmt, const Args& args) {
  std::size_t auto_index = 0;
  for (const auto& piece : fmt.pieces) {
    out += piece.text;
    if (piece.field == StrFormat::Piece::Field::none) continue;
    const Value& v = piece.field == StrFormat::Piece::Field::keyword ? keyword_field(args, piece.keyword)
                     : positional_field(args, piece.field == StrFormat::Piece::Field::index ? piece.index : auto_index++);
    if (piece.conversion) append_field(out, convert_field(v, piece.conversion), piece.spec);
    else append_field(out, v, piece.spec);
  }
}

std::string format_method(std::string_view fmt, const Args& args, const FieldStep& step, bool mapping_only) {
  FieldNumbering numbering;
  numbering.mapping_only = mapping_only;
  return format_fields(fmt, args, step, numbering);
}

}  // namespace slap::tmpl
