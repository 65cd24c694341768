// Python's unbounded ints beyond int64. An int is a Value::Type::integer (int64, the fast
// path) while it fits; a result that does not becomes an object of type 'int' holding a
// BigInt (OpenSSL's BIGNUM), and turns back into an int64 as soon as it fits again. So a
// big int is never equal to an int64 one, and Value's layout does not change.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ast.hpp"

struct bignum_st;

namespace slap::tmpl {

// The most bits an int may have. Python has no limit; slap stops hostile input from
// making numbers whose arithmetic takes minutes (2**20 bits: 315,653 decimal digits).
constexpr std::uint64_t max_int_bits = std::uint64_t{1} << 20;

// sys.get_int_max_str_digits(): Python 3.11 refuses longer decimal conversions.
constexpr std::size_t max_str_digits = 4300;

class BigInt {
 public:
  explicit BigInt(std::int64_t v = 0);
  // Digits (no sign, no underscores, no prefix) in `base` 2..36; nullopt on a bad digit.
  static std::optional<BigInt> parse(std::string_view digits, int base, bool negative);
  // The integral part of a finite double.
  static BigInt from_double(double d);

  BigInt operator+(const BigInt& o) const;
  BigInt operator-(const BigInt& o) const;
  BigInt operator*(const BigInt& o) const;
  BigInt operator-() const;
  // Floor division and modulo (the divisor's sign), as Python; `o` is not zero.
  BigInt floordiv(const BigInt& o) const;
  BigInt mod(const BigInt& o) const;
  BigInt pow(std::uint64_t exponent) const;
  BigInt shifted_left(std::uint64_t bits) const;  // self * 2**bits, in linear time
  // self & o, self | o, self ^ o (`op` is '&', '|' or '^') on Python's infinite two's
  // complement: a negative int has ones in all its high bits.
  BigInt bitwise(char op, const BigInt& o) const;
  int compare(const BigInt& o) const;
  bool negative() const;
  bool is_zero() const;
  int bit_length() const;  // of the magnitude, as int.bit_length()
  int bit_count() const;   // ones in the magnitude, as int.bit_count()

  std::optional<std::int64_t> to_int64() const;
  // float(self): correctly rounded; OverflowError when it is beyond a double.
  double to_double() const;
  std::string to_string() const;  // decimal, '-' when negative
  // str(self): to_string(), or ValueError past Python's 4300-digit limit on int <-> str.
  std::string decimal() const;
  std::size_t hash() const;

 private:
  std::shared_ptr<bignum_st> bn_;  // immutable once built: copies share it
};

// An int Value: int64 when `v` fits, else a big int object.
Value int_value_of(const BigInt& v);
// The BigInt of a big int object, or nullptr (int64 ints, bools and anything else).
const BigInt* big_int(const Value& v);
// int, bool or big int: what Python's integer arithmetic takes.
bool is_integer_like(const Value& v);
BigInt to_big(const Value& v);  // precondition is_integer_like

// Arithmetic where a big int takes part, or int64 arithmetic that overflowed: `a OP b` with
// Python's rules; nullopt when neither operand is an int of either kind or a float.
std::optional<Value> big_binary(BinaryOp op, const Value& a, const Value& b);
// Three-way comparison of numbers where a big int takes part.
int big_compare(const Value& a, const Value& b);

}  // namespace slap::tmpl
