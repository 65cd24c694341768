// Attributes of Python's numbers: int (with bool, a subclass, and big ints) and float.
// Data attributes (real, imag, numerator, denominator) and the methods templates can call
// (bit_length, bit_count, conjugate, as_integer_ratio; float's is_integer and hex), with
// Python 3.11's results and errors.
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>

#include "bigint.hpp"
#include "errors.hpp"
#include "methods.hpp"

namespace slap::tmpl {

namespace {

// int(self): a bool becomes 0 or 1, an int stays itself.
Value as_int(const Value& self) { return self.is_bool() ? Value(std::int64_t{self.as_bool() ? 1 : 0}) : self; }

std::uint64_t magnitude(std::int64_t v) {
  return v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

Value i_bit_length(Interp&, const Value& self, const Args& args) {
  no_args(args, "int.bit_length");
  if (const BigInt* big = big_int(self)) return Value(std::int64_t{big->bit_length()});
  return Value(static_cast<std::int64_t>(std::bit_width(magnitude(as_int(self).as_int()))));
}

Value i_bit_count(Interp&, const Value& self, const Args& args) {
  no_args(args, "int.bit_count");
  if (const BigInt* big = big_int(self)) return Value(std::int64_t{big->bit_count()});
  return Value(static_cast<std::int64_t>(std::popcount(magnitude(as_int(self).as_int()))));
}

Value i_conjugate(Interp&, const Value& self, const Args& args) {
  no_args(args, "int.conjugate");
  return as_int(self);
}

Value i_as_integer_ratio(Interp&, const Value& self, const Args& args) {
  no_args(args, "int.as_integer_ratio");
  return Value::pair(as_int(self), Value(std::int64_t{1}));
}

Value f_conjugate(Interp&, const Value& self, const Args& args) {
  no_args(args, "float.conjugate");
  return self;
}

Value f_is_integer(Interp&, const Value& self, const Args& args) {
  no_args(args, "float.is_integer");
  double x = self.as_float();
  return Value(std::isfinite(x) && x == std::floor(x));
}

// float.as_integer_ratio(): the exact fraction, lowest terms (the denominator a power of 2).
Value f_as_integer_ratio(Interp&, const Value& self, const Args& args) {
  no_args(args, "float.as_integer_ratio");
  double x = self.as_float();
  if (std::isinf(x)) raise("OverflowError", "cannot convert Infinity to integer ratio");
  if (std::isnan(x)) value_error("cannot convert NaN to integer ratio");
  int exponent = 0;
  double part = std::frexp(x, &exponent);
  for (int i = 0; i < 300 && part != std::floor(part); ++i) {
    part *= 2.0;
    --exponent;
  }
  BigInt numerator(static_cast<std::int64_t>(part)), denominator(1);
  if (exponent > 0) numerator = numerator.shifted_left(static_cast<std::uint64_t>(exponent));
  else denominator = denominator.shifted_left(static_cast<std::uint64_t>(-exponent));
  return Value::pair(int_value_of(numerator), int_value_of(denominator));
}

// float.hex(): '[-]0x1.<13 hex digits>p<exponent>', subnormals as 0x0.<digits>p-1022.
Value f_hex(Interp&, const Value& self, const Args& args) {
  no_args(args, "float.hex");
  double x = self.as_float();
  if (std::isnan(x)) return Value("nan");
  if (std::isinf(x)) return Value(x < 0 ? "-inf" : "inf");
  std::string sign = std::signbit(x) ? "-" : "";
  if (x == 0) return Value(sign + "0x0.0p+0");
  int exponent = 0;
  double m = std::frexp(std::fabs(x), &exponent);
  int shift = 1 - std::max(DBL_MIN_EXP - exponent, 0);
  m = std::ldexp(m, shift);
  exponent -= shift;
  static constexpr char digits[] = "0123456789abcdef";
  std::string mantissa(1, digits[static_cast<int>(m)]);
  m -= static_cast<int>(m);
  mantissa += '.';
  for (int i = 0; i < (DBL_MANT_DIG - 1) / 4; ++i) {
    m *= 16.0;
    mantissa += digits[static_cast<int>(m)];
    m -= static_cast<int>(m);
  }
  return Value(sign + "0x" + mantissa + "p" + (exponent < 0 ? "-" : "+") + std::to_string(std::abs(exponent)));
}

struct Method {
  std::string_view name;
  MethodFn fn;
};

constexpr Method int_methods[] = {
    {"bit_length", i_bit_length},
    {"bit_count", i_bit_count},
    {"conjugate", i_conjugate},
    {"as_integer_ratio", i_as_integer_ratio},
};
constexpr Method float_methods[] = {
    {"conjugate", f_conjugate},
    {"is_integer", f_is_integer},
    {"as_integer_ratio", f_as_integer_ratio},
    {"hex", f_hex},
};

}  // namespace

std::optional<Value> number_attribute(const Value& self, std::string_view name) {
  if (self.is_float()) {
    if (name == "real") return self;
    if (name == "imag") return Value(0.0);
    return std::nullopt;
  }
  if (!is_integer_like(self)) return std::nullopt;
  if (name == "real" || name == "numerator") return as_int(self);
  if (name == "imag") return Value(std::int64_t{0});
  if (name == "denominator") return Value(std::int64_t{1});
  return std::nullopt;
}

MethodFn find_number_method(const Value& self, std::string_view name) {
  std::span<const Method> table;
  if (self.is_float()) table = float_methods;
  else if (is_integer_like(self)) table = int_methods;
  for (const auto& m : table)
    if (m.name == name) return m.fn;
  return nullptr;
}

}  // namespace slap::tmpl
