// Python ints beyond int64 on OpenSSL's BIGNUM, and the arithmetic the evaluator falls
// back to when an int64 operation overflows or a big int takes part.
#include "bigint.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <openssl/bn.h>
#include <openssl/crypto.h>

#include "errors.hpp"
#include "object.hpp"
#include "ops.hpp"

namespace slap::tmpl {

namespace {

// Beyond this many bits a power is refused rather than computed for minutes (Python would
// try, and run out of memory or time).
constexpr std::uint64_t max_power_bits = max_int_bits;

struct BnCtxDeleter {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};

BN_CTX* bn_ctx() {
  thread_local std::unique_ptr<BN_CTX, BnCtxDeleter> ctx(BN_CTX_new());
  return ctx.get();
}

std::shared_ptr<BIGNUM> new_bignum() {
  BIGNUM* b = BN_new();
  if (!b) raise("MemoryError", "");
  return std::shared_ptr<BIGNUM>(b, BN_free);
}

void set_int64(BIGNUM* b, std::int64_t v) {
  std::uint64_t magnitude = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  BN_set_word(b, magnitude);
  BN_set_negative(b, v < 0);
}

class BigIntObject final : public InternalObject {
 public:
  explicit BigIntObject(BigInt v) : value(std::move(v)) {}
  std::string type_name() const override { return "int"; }
  std::string repr() const override { return value.decimal(); }
  std::string str() const override { return value.decimal(); }
  bool truthy() const override { return true; }  // never zero: zero is an int64
  bool equals(const Object& o) const override {
    const auto* other = dynamic_cast<const BigIntObject*>(&o);
    return other && other->value.compare(value) == 0;
  }
  BigInt value;
};

[[noreturn]] void zero_division() { raise("ZeroDivisionError", "integer division or modulo by zero"); }

// a / b for ints, correctly rounded as Python's: an integer quotient of at least 66 bits
// with a sticky bit for a remainder rounds once, to the nearest double.
double true_divide(const BigInt& a, const BigInt& b) {
  if (b.is_zero()) raise("ZeroDivisionError", "division by zero");
  if (a.is_zero()) return b.negative() ? -0.0 : 0.0;
  BigInt n = a.negative() ? -a : a, d = b.negative() ? -b : b;
  int shift = 66 - (n.bit_length() - d.bit_length());
  if (shift > 0) n = n.shifted_left(static_cast<std::uint64_t>(shift));
  else d = d.shifted_left(static_cast<std::uint64_t>(-shift));
  BigInt q = n.floordiv(d);
  if (!n.mod(d).is_zero()) {
    q = q * BigInt(2) + BigInt(1);
    ++shift;
  }
  double r = std::ldexp(q.to_double(), -shift);
  if (std::isinf(r)) raise("OverflowError", "integer division result too large for a float");
  return a.negative() != b.negative() ? -r : r;
}

Value integer_binary(BinaryOp op, const BigInt& a, const BigInt& b) {
  switch (op) {
    case BinaryOp::add: return int_value_of(a + b);
    case BinaryOp::sub: return int_value_of(a - b);
    case BinaryOp::mul:
      if (static_cast<std::uint64_t>(a.bit_length()) + static_cast<std::uint64_t>(b.bit_length()) > max_int_bits)
        raise("OverflowError", "the result of * would have more than 2**20 bits (slap integers stop there)");
      return int_value_of(a * b);
    case BinaryOp::div: return Value(true_divide(a, b));
    case BinaryOp::floordiv:
      if (b.is_zero()) zero_division();
      return int_value_of(a.floordiv(b));
    case BinaryOp::mod:
      if (b.is_zero()) raise("ZeroDivisionError", "integer modulo by zero");
      return int_value_of(a.mod(b));
    case BinaryOp::pow: {
      if (b.negative()) {
        if (a.is_zero()) raise("ZeroDivisionError", "0.0 cannot be raised to a negative power");
        return binary(BinaryOp::pow, Value(a.to_double()), Value(b.to_double()));
      }
      auto e = b.to_int64();
      BigInt one(1), minus_one(-1);
      if (a.is_zero() || a.compare(one) == 0) return int_value_of(a);
      if (a.compare(minus_one) == 0) return Value(b.mod(BigInt(2)).is_zero() ? 1 : -1);
      auto base_bits = static_cast<std::uint64_t>(a.bit_length());
      if (!e || static_cast<std::uint64_t>(*e) > max_power_bits / base_bits)
        raise("OverflowError", "the result of ** would have more than " + std::to_string(max_power_bits) +
                                   " bits (slap template integers stop there)");
      return int_value_of(a.pow(static_cast<std::uint64_t>(*e)));
    }
    default: break;  // bitwise operators: bitwise() in python_eval.cpp
  }
  return Value();
}

}  // namespace

BigInt::BigInt(std::int64_t v) : bn_(new_bignum()) { set_int64(bn_.get(), v); }

std::optional<BigInt> BigInt::parse(std::string_view digits, int base, bool negative) {
  BigInt r(0);
  for (char c : digits) {
    int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? (c | 0x20) - 'a' + 10 : 99;
    if (d >= base) return std::nullopt;
    BN_mul_word(r.bn_.get(), static_cast<BN_ULONG>(base));
    BN_add_word(r.bn_.get(), static_cast<BN_ULONG>(d));
  }
  if (digits.empty()) return std::nullopt;
  BN_set_negative(r.bn_.get(), negative);
  return r;
}

BigInt BigInt::from_double(double d) {
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.0f", std::trunc(d));  // glibc prints a double's exact value
  std::string_view text(buf);
  bool negative = text.starts_with('-');
  return *parse(text.substr(negative ? 1 : 0), 10, negative);
}

BigInt BigInt::operator+(const BigInt& o) const {
  BigInt r;
  BN_add(r.bn_.get(), bn_.get(), o.bn_.get());
  return r;
}

BigInt BigInt::operator-(const BigInt& o) const {
  BigInt r;
  BN_sub(r.bn_.get(), bn_.get(), o.bn_.get());
  return r;
}

BigInt BigInt::operator*(const BigInt& o) const {
  BigInt r;
  BN_mul(r.bn_.get(), bn_.get(), o.bn_.get(), bn_ctx());
  return r;
}

BigInt BigInt::operator-() const {
  BigInt r;
  BN_copy(r.bn_.get(), bn_.get());
  BN_set_negative(r.bn_.get(), !BN_is_negative(bn_.get()) && !BN_is_zero(bn_.get()));
  return r;
}

BigInt BigInt::floordiv(const BigInt& o) const {
  BigInt q, r;
  BN_div(q.bn_.get(), r.bn_.get(), bn_.get(), o.bn_.get(), bn_ctx());  // truncates toward zero
  if (!r.is_zero() && r.negative() != o.negative()) return q - BigInt(1);
  return q;
}

BigInt BigInt::mod(const BigInt& o) const {
  BigInt q, r;
  BN_div(q.bn_.get(), r.bn_.get(), bn_.get(), o.bn_.get(), bn_ctx());
  if (!r.is_zero() && r.negative() != o.negative()) return r + o;
  return r;
}

BigInt BigInt::shifted_left(std::uint64_t bits) const {
  BigInt r;
  BN_lshift(r.bn_.get(), bn_.get(), static_cast<int>(bits));
  return r;
}

namespace {

// bytes = -bytes in two's complement (invert, add one), most significant byte first.
void negate_bytes(std::vector<unsigned char>& bytes) {
  unsigned carry = 1;
  for (std::size_t i = bytes.size(); i-- > 0;) {
    unsigned b = static_cast<unsigned char>(~bytes[i]) + carry;
    bytes[i] = static_cast<unsigned char>(b);
    carry = b >> 8;
  }
}

// `v` as `n` bytes of two's complement, most significant first.
std::vector<unsigned char> twos_complement(const BigInt& v, const BIGNUM* bn, std::size_t n) {
  std::vector<unsigned char> bytes(n);
  BN_bn2binpad(bn, bytes.data(), static_cast<int>(n));  // the magnitude
  if (v.negative()) negate_bytes(bytes);
  return bytes;
}

}  // namespace

BigInt BigInt::bitwise(char op, const BigInt& o) const {
  // One byte more than the longer magnitude holds the sign.
  std::size_t n = static_cast<std::size_t>(std::max(bit_length(), o.bit_length())) / 8 + 2;
  std::vector<unsigned char> x = twos_complement(*this, bn_.get(), n), y = twos_complement(o, o.bn_.get(), n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = static_cast<unsigned char>(op == '&' ? x[i] & y[i] : op == '|' ? x[i] | y[i] : x[i] ^ y[i]);
  bool negative = x[0] & 0x80;
  if (negative) negate_bytes(x);  // the magnitude of a negative result
  BigInt r;
  BN_bin2bn(x.data(), static_cast<int>(n), r.bn_.get());
  BN_set_negative(r.bn_.get(), negative);
  return r;
}

BigInt BigInt::pow(std::uint64_t exponent) const {
  BigInt r, e;
  BN_set_word(e.bn_.get(), exponent);
  BN_exp(r.bn_.get(), bn_.get(), e.bn_.get(), bn_ctx());
  return r;
}

int BigInt::bit_length() const { return BN_num_bits(bn_.get()); }
int BigInt::bit_count() const {
  int ones = 0;
  for (int i = 0, n = bit_length(); i < n; ++i) ones += BN_is_bit_set(bn_.get(), i);
  return ones;
}
int BigInt::compare(const BigInt& o) const { return BN_cmp(bn_.get(), o.bn_.get()); }
bool BigInt::negative() const { return BN_is_negative(bn_.get()); }
bool BigInt::is_zero() const { return BN_is_zero(bn_.get()); }

std::optional<std::int64_t> BigInt::to_int64() const {
  int bits = BN_num_bits(bn_.get());
  if (bits > 64) return std::nullopt;
  std::uint64_t magnitude = BN_get_word(bn_.get());
  if (!negative()) {
    if (magnitude > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(magnitude);
  }
  if (magnitude > static_cast<std::uint64_t>(INT64_MAX) + 1) return std::nullopt;
  return static_cast<std::int64_t>(0 - magnitude);
}

double BigInt::to_double() const {
  double d = std::strtod(to_string().c_str(), nullptr);  // strtod rounds correctly, as int.__float__
  if (std::isinf(d)) raise("OverflowError", "int too large to convert to float");
  return d;
}

std::string BigInt::to_string() const {
  char* text = BN_bn2dec(bn_.get());
  std::string out(text);
  OPENSSL_free(text);
  return out;
}

std::string BigInt::decimal() const {
  std::string text = to_string();
  if (text.size() - (negative() ? 1 : 0) > max_str_digits)
    value_error("Exceeds the limit (" + std::to_string(max_str_digits) +
                " digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit");
  return text;
}

std::size_t BigInt::hash() const { return std::hash<std::string>{}(to_string()); }

Value int_value_of(const BigInt& v) {
  if (auto small = v.to_int64()) return Value(*small);
  return Value::object(std::make_shared<BigIntObject>(v));
}

const BigInt* big_int(const Value& v) {
  if (!v.is_object()) return nullptr;
  const auto* b = dynamic_cast<const BigIntObject*>(v.as_object().get());
  return b ? &b->value : nullptr;
}

bool is_integer_like(const Value& v) { return v.is_int() || v.is_bool() || big_int(v); }

BigInt to_big(const Value& v) {
  if (const BigInt* b = big_int(v)) return *b;
  return BigInt(v.is_int() ? v.as_int() : v.as_bool() ? 1 : 0);
}

std::optional<Value> big_binary(BinaryOp op, const Value& a, const Value& b) {
  if (is_integer_like(a) && is_integer_like(b)) return integer_binary(op, to_big(a), to_big(b));
  if (a.is_float() && big_int(b)) return binary(op, a, Value(big_int(b)->to_double()));
  if (big_int(a) && b.is_float()) return binary(op, Value(big_int(a)->to_double()), b);
  if (op == BinaryOp::mul && (big_int(a) || big_int(b))) {
    const Value& other = big_int(a) ? b : a;
    if (other.is_string() || other.is_list() || other.is_tuple())
      raise("OverflowError", "cannot fit 'int' into an index-sized integer");
  }
  return std::nullopt;
}

int big_compare(const Value& a, const Value& b) {
  if (is_integer_like(a) && is_integer_like(b)) return to_big(a).compare(to_big(b));
  // An int against a float, exactly: the float's integral part first, then its fraction.
  bool flipped = a.is_float();
  double d = flipped ? a.as_float() : b.as_float();
  const BigInt i = to_big(flipped ? b : a);
  int c;
  if (std::isnan(d)) return 0;
  if (std::isinf(d)) {
    c = d > 0 ? -1 : 1;
  } else {
    c = i.compare(BigInt::from_double(d));
    if (c == 0) {
      double frac = d - std::trunc(d);
      c = frac > 0 ? -1 : frac < 0 ? 1 : 0;
    }
  }
  return flipped ? -c : c;
}

}  // namespace slap::tmpl
