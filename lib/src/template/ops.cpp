#include "ops.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "bigint.hpp"
#include "errors.hpp"
#include "markup.hpp"
#include "pyformat.hpp"
#include "slap/strings.hpp"
#include "text.hpp"

namespace slap::tmpl {

namespace {

const char* symbol(BinaryOp op) {
  switch (op) {
    case BinaryOp::add: return "+";
    case BinaryOp::sub: return "-";
    case BinaryOp::mul: return "*";
    case BinaryOp::div: return "/";
    case BinaryOp::floordiv: return "//";
    case BinaryOp::mod: return "%";
    case BinaryOp::pow: return "** or pow()";
    case BinaryOp::bit_or: return "|";
    case BinaryOp::bit_xor: return "^";
    case BinaryOp::bit_and: return "&";
    case BinaryOp::lshift: return "<<";
    case BinaryOp::rshift: return ">>";
  }
  return "?";
}

std::int64_t int_value(const Value& v) { return v.is_int() ? v.as_int() : v.as_bool() ? 1 : 0; }
bool is_integral(const Value& v) { return v.is_int() || v.is_bool(); }

// Python ints do not overflow: past int64 the operation is redone on big ints.
Value widened(BinaryOp op, std::int64_t a, std::int64_t b) { return *big_binary(op, Value(a), Value(b)); }

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

double float_mod(double a, double b) {
  double m = std::fmod(a, b);
  if (m != 0) {
    if ((b < 0) != (m < 0)) m += b;
  } else {
    m = std::copysign(0.0, b);
  }
  return m;
}

// CPython's float_floor_div: the quotient floored, a zero signed as a / b.
double float_floor_div(double a, double b) {
  double mod = std::fmod(a, b);
  double div = (a - mod) / b;
  if (mod != 0 && (b < 0) != (mod < 0)) div -= 1.0;
  if (div == 0) return std::copysign(0.0, a / b);
  double floored = std::floor(div);
  return div - floored > 0.5 ? floored + 1.0 : floored;
}

Value repeat(const Value& seq, std::int64_t n) {
  // Bytes per repetition: the text, or the item slots.
  const auto unit = static_cast<long long>(seq.is_string() ? seq.as_string().size() : seq.items().size() * sizeof(Value));
  if (n > 0 && unit > 0 && n > max_value_size / unit) memory_error();
  if (unit == 0) n = 0;  // '' * n and () * n: nothing to repeat, however large n is
  if (seq.is_string()) {
    std::string out;
    for (std::int64_t i = 0; i < n; ++i) out += seq.as_string();
    return Value(std::move(out));
  }
  std::vector<Value> out;
  for (std::int64_t i = 0; i < n; ++i) out.insert(out.end(), seq.items().begin(), seq.items().end());
  return seq.is_tuple() ? Value::tuple(std::move(out)) : Value::list(std::move(out));
}

Value integer_op(BinaryOp op, std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  switch (op) {
    case BinaryOp::add: return __builtin_add_overflow(a, b, &r) ? widened(op, a, b) : Value(r);
    case BinaryOp::sub: return __builtin_sub_overflow(a, b, &r) ? widened(op, a, b) : Value(r);
    case BinaryOp::mul: return __builtin_mul_overflow(a, b, &r) ? widened(op, a, b) : Value(r);
    case BinaryOp::div:
      if (b == 0) raise("ZeroDivisionError", "division by zero");
      if (std::max(std::abs(a / 2), std::abs(b / 2)) >= (std::int64_t{1} << 52)) return widened(op, a, b);  // inexact as doubles
      return Value(static_cast<double>(a) / static_cast<double>(b));
    case BinaryOp::floordiv:
      if (b == 0) raise("ZeroDivisionError", "integer division or modulo by zero");
      if (a == INT64_MIN && b == -1) return widened(op, a, b);
      return Value(floor_div(a, b));
    case BinaryOp::mod:
      if (b == 0) raise("ZeroDivisionError", "integer modulo by zero");
      if (b == -1) return Value(0);
      return Value(a - floor_div(a, b) * b);
    case BinaryOp::pow: {
      if (b < 0) {
        if (a == 0) raise("ZeroDivisionError", "0.0 cannot be raised to a negative power");
        return Value(std::pow(static_cast<double>(a), static_cast<double>(b)));
      }
      if (a == 0 || a == 1) return Value(b == 0 ? 1 : a);
      if (a == -1) return Value(b % 2 ? -1 : 1);
      std::int64_t result = 1;
      for (std::int64_t i = 0; i < b; ++i)
        if (__builtin_mul_overflow(result, a, &result)) return widened(op, a, b);
      return Value(result);
    }
    default: break;  // bitwise operators: bitwise()
  }
  return Value();
}

Value float_op(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::add: return Value(a + b);
    case BinaryOp::sub: return Value(a - b);
    case BinaryOp::mul: return Value(a * b);
    case BinaryOp::div:
      if (b == 0) raise("ZeroDivisionError", "float division by zero");
      return Value(a / b);
    case BinaryOp::floordiv:
      if (b == 0) raise("ZeroDivisionError", "float floor division by zero");
      return Value(float_floor_div(a, b));
    case BinaryOp::mod:
      if (b == 0) raise("ZeroDivisionError", "float modulo");
      return Value(float_mod(a, b));
    case BinaryOp::pow:
      if (a == 0 && b < 0) raise("ZeroDivisionError", "0.0 cannot be raised to a negative power");
      if (double r = std::pow(a, b); !std::isinf(r) || std::isinf(a) || std::isinf(b)) return Value(r);
      raise("OverflowError", "(34, 'Numerical result out of range')");
    default: break;  // bitwise operators: bitwise()
  }
  return Value();
}

Value concat_sequences(const Value& a, const Value& b) {
  std::vector<Value> out = a.items_copy();
  out.insert(out.end(), b.items().begin(), b.items().end());
  return a.is_tuple() ? Value::tuple(std::move(out)) : Value::list(std::move(out));
}

}  // namespace

void unsupported_operands(BinaryOp op, const Value& a, const Value& b) {
  type_error(std::string("unsupported operand type(s) for ") + symbol(op) + ": '" + a.type_name() + "' and '" +
             b.type_name() + "'");
}

double number(const Value& v) { return v.is_float() ? v.as_float() : static_cast<double>(int_value(v)); }

Value binary(BinaryOp op, const Value& a, const Value& b) {
  if (op >= BinaryOp::bit_or) return bitwise(op, a, b);
  if (a.is_undefined()) raise_undefined_hint(a);
  // str % undefined formats str(undefined), "" (Jinja2's default Undefined).
  if (b.is_undefined() && !(op == BinaryOp::mod && a.is_string())) raise_undefined_hint(b);
  if (a.is_number() && b.is_number()) {
    if (is_integral(a) && is_integral(b)) return integer_op(op, int_value(a), int_value(b));
    return float_op(op, number(a), number(b));
  }
  if (big_int(a) || big_int(b))
    if (auto r = big_binary(op, a, b)) return std::move(*r);
  if (a.is_markup() || b.is_markup()) {
    if (auto r = markup_binary(op, a, b)) return std::move(*r);
    if (op == BinaryOp::mul) {
      const Value& text = a.is_markup() ? a : b;
      const Value& times = a.is_markup() ? b : a;
      if (is_integral(times)) return Value::markup(repeat(text, int_value(times)).as_string());
    }
  }
  switch (op) {
    case BinaryOp::add:
      if (a.is_string()) {
        if (!b.is_string()) type_error("can only concatenate str (not \"" + b.type_name() + "\") to str");
        return Value(a.as_string() + b.as_string());
      }
      if (a.is_list() || a.is_tuple()) {
        if (b.type() != a.type())
          type_error("can only concatenate " + a.type_name() + " (not \"" + b.type_name() + "\") to " + a.type_name());
        return concat_sequences(a, b);
      }
      break;
    case BinaryOp::mul:
      if ((a.is_string() || a.is_list() || a.is_tuple()) && is_integral(b)) return repeat(a, int_value(b));
      if ((b.is_string() || b.is_list() || b.is_tuple()) && is_integral(a)) return repeat(b, int_value(a));
      break;
    case BinaryOp::mod:
      if (a.is_string()) return Value(percent_format(a.as_string(), b));
      break;
    case BinaryOp::sub:
      if (a.is_set() && b.is_set()) {
        std::vector<Value> out;
        for (const auto& e : a.as_set())
          if (!b.as_set().contains(e.key)) out.push_back(e.key);
        return Value::set(std::move(out));
      }
      break;
    default: break;
  }
  unsupported_operands(op, a, b);
}

Value negate(const Value& v) {
  if (v.is_undefined()) raise_undefined_hint(v);
  if (v.is_float()) return Value(-v.as_float());
  if (is_integral(v)) {
    if (int_value(v) == INT64_MIN) return int_value_of(-BigInt(INT64_MIN));
    return Value(-int_value(v));
  }
  if (const BigInt* big = big_int(v)) return int_value_of(-*big);
  type_error("bad operand type for unary -: '" + v.type_name() + "'");
}

Value positive(const Value& v) {
  if (v.is_undefined()) raise_undefined_hint(v);
  if (v.is_float()) return v;
  if (is_integral(v)) return Value(int_value(v));
  if (big_int(v)) return v;
  type_error("bad operand type for unary +: '" + v.type_name() + "'");
}

int compare(const Value& a, const Value& b) {
  if (a.is_undefined()) raise_undefined_hint(a);
  if (b.is_undefined()) raise_undefined_hint(b);
  if (a.is_number() && b.is_number()) {
    if (is_integral(a) && is_integral(b)) return int_value(a) < int_value(b) ? -1 : int_value(a) > int_value(b);
    double x = number(a), y = number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if ((big_int(a) && (b.is_number() || big_int(b))) || (big_int(b) && a.is_number())) return big_compare(a, b);
  if (a.is_string() && b.is_string()) {
    int c = a.as_string().compare(b.as_string());
    return c < 0 ? -1 : c > 0;
  }
  if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) {
    const auto& x = a.items();
    const auto& y = b.items();
    NestingGuard nesting("in comparison");
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (x[i] == y[i]) continue;
      return compare(x[i], y[i]);
    }
    return x.size() < y.size() ? -1 : x.size() > y.size();
  }
  type_error("'<' not supported between instances of '" + a.type_name() + "' and '" + b.type_name() + "'");
}

bool less(const Value& a, const Value& b) { return compare(a, b) < 0; }

namespace {

int compare_rows(const Value* x, std::size_t nx, const Value* y, std::size_t ny);
std::optional<int> compare_item(const Value& p, const Value& q);

// compare() with the keys sorts meet most (str, int, float and lists of them) inline.
int sort_compare(const Value& a, const Value& b) {
  if (a.is_string() && b.is_string()) {
    int c = a.as_string().compare(b.as_string());
    return (c > 0) - (c < 0);
  }
  if (a.is_int() && b.is_int()) return (a.as_int() > b.as_int()) - (a.as_int() < b.as_int());
  if (a.is_float() && b.is_float()) return (a.as_float() > b.as_float()) - (a.as_float() < b.as_float());
  if (a.is_list() && b.is_list()) {
    const auto& x = a.items();
    const auto& y = b.items();
    NestingGuard nesting("in comparison");
    return compare_rows(x.data(), x.size(), y.data(), y.size());
  }
  return compare(a, b);
}

// compare() of two lists given as their items.
int compare_rows(const Value* x, std::size_t nx, const Value* y, std::size_t ny) {
  for (std::size_t i = 0; i < nx && i < ny; ++i)
    if (auto c = compare_item(x[i], y[i])) return *c;
  return nx < ny ? -1 : nx > ny;
}

// What one position of two lists decides for compare(); nullopt to look at the next one.
std::optional<int> compare_item(const Value& p, const Value& q) {
  bool same_kind = (p.is_string() && q.is_string()) || (p.is_int() && q.is_int());
  if (same_kind) {
    int c = sort_compare(p, q);
    return c ? std::optional<int>(c) : std::nullopt;
  }
  if (p == q) return std::nullopt;  // as compare(): the first unequal items decide, NaN included
  return sort_compare(p, q);
}

// One column of sort keys (the keys of a plain sort, or one attribute of "a,b"), copied
// into a typed array when every key in it is a str, or every one an int, or a float, so
// that a comparison is a memcmp or a number compare rather than a dispatch on two Values.
class KeyColumn {
 public:
  // A column of str keys, compared where they are (the strings outlive the column).
  explicit KeyColumn(std::vector<std::string_view> keys) : keys_(nullptr), width_(1), kind_(Kind::str), str_(std::move(keys)) {}
  KeyColumn(const std::vector<Value>& keys, std::size_t column, std::size_t width)
      : keys_(keys.data() + column), width_(width) {
    std::size_t n = width ? keys.size() / width : 0;
    auto all = [&](auto is) {
      for (std::size_t i = 0; i < n; ++i)
        if (!is(key(i))) return false;
      return true;
    };
    if (all([](const Value& v) { return v.is_string(); })) {
      kind_ = Kind::str;
      str_.reserve(n);
      for (std::size_t i = 0; i < n; ++i) str_.emplace_back(key(i).as_string());
    } else if (all([](const Value& v) { return v.is_int(); })) {
      kind_ = Kind::integer;
      int_.reserve(n);
      for (std::size_t i = 0; i < n; ++i) int_.push_back(key(i).as_int());
    } else if (all([](const Value& v) { return v.is_float(); })) {
      kind_ = Kind::floating;
      float_.reserve(n);
      for (std::size_t i = 0; i < n; ++i) float_.push_back(key(i).as_float());
    }
  }
  // <0, 0, >0 as compare() of the keys of items a and b; nullopt when they are equal and
  // a row's next key decides (NaN keys are not equal, yet neither is less: 0).
  std::optional<int> compare(std::size_t a, std::size_t b) const {
    switch (kind_) {
      case Kind::str: {
        int c = str_[a].compare(str_[b]);
        return c ? std::optional<int>((c > 0) - (c < 0)) : std::nullopt;
      }
      case Kind::integer:
        return int_[a] == int_[b] ? std::nullopt : std::optional<int>(int_[a] < int_[b] ? -1 : 1);
      case Kind::floating:
        return float_[a] == float_[b] ? std::nullopt : std::optional<int>((float_[a] > float_[b]) - (float_[a] < float_[b]));
      case Kind::mixed: break;
    }
    if (width_ == 1) return sort_compare(key(a), key(b));
    return compare_item(key(a), key(b));
  }

  // Typed keys with a total order (no NaN): each key can be replaced by its rank.
  bool rankable() const {
    if (kind_ == Kind::floating) return std::none_of(float_.begin(), float_.end(), [](double d) { return std::isnan(d); });
    return kind_ != Kind::mixed;
  }
  // The rank of each key among the distinct keys of the column (equal keys, equal ranks),
  // and the number of distinct keys.
  std::uint64_t ranks(std::vector<std::uint32_t>& out) const {
    switch (kind_) {
      case Kind::str: return rank(str_, out);
      case Kind::integer: return rank(int_, out);
      case Kind::floating: return rank(float_, out);
      case Kind::mixed: break;
    }
    return 0;
  }

 private:
  enum class Kind { str, integer, floating, mixed };
  const Value& key(std::size_t i) const { return keys_[i * width_]; }
  // Numbers: sorted with their positions.
  template <class T>
  static std::uint64_t rank(const std::vector<T>& keys, std::vector<std::uint32_t>& out) {
    std::vector<std::pair<T, std::uint32_t>> by_key(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) by_key[i] = {keys[i], static_cast<std::uint32_t>(i)};
    std::sort(by_key.begin(), by_key.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    out.assign(keys.size(), 0);
    std::uint32_t r = 0;
    for (std::size_t k = 0; k < by_key.size(); ++k) {
      if (k && by_key[k - 1].first < by_key[k].first) ++r;
      out[by_key[k].second] = r;
    }
    return keys.empty() ? 0 : std::uint64_t{r} + 1;
  }
  // Strings that repeat (a zone, a state, a type): the distinct ones are found by hashing,
  // and only they are sorted. Once they turn out to be many, all are sorted instead.
  static std::uint64_t rank(const std::vector<std::string_view>& keys, std::vector<std::uint32_t>& out) {
    std::unordered_map<std::string_view, std::uint32_t> group;  // key -> index in `distinct`
    std::vector<std::string_view> distinct;
    std::size_t many = std::max<std::size_t>(64, keys.size() / 8);
    out.resize(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      auto [it, added] = group.try_emplace(keys[i], static_cast<std::uint32_t>(distinct.size()));
      if (added) distinct.push_back(keys[i]);
      if (distinct.size() > many) return rank<std::string_view>(keys, out);
      out[i] = it->second;
    }
    std::vector<std::uint32_t> order(distinct.size());
    for (std::size_t g = 0; g < order.size(); ++g) order[g] = static_cast<std::uint32_t>(g);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return distinct[a] < distinct[b]; });
    std::vector<std::uint32_t> rank_of(distinct.size());
    for (std::size_t r = 0; r < order.size(); ++r) rank_of[order[r]] = static_cast<std::uint32_t>(r);
    for (auto& g : out) g = rank_of[g];
    return distinct.size();
  }
  const Value* keys_;
  std::size_t width_;
  Kind kind_ = Kind::mixed;
  std::vector<std::string_view> str_;
  std::vector<std::int64_t> int_;
  std::vector<double> float_;
};

// When every column is typed and totally ordered, and the ranks of a row fit one 64-bit
// number, the rows sort by that number: a column's keys are ranked with comparisons of one
// type, and the sort itself compares integers. Sets `order` and returns true, or returns
// false to leave the sort to row comparisons.
bool sort_by_ranks(const std::vector<KeyColumn>& columns, std::vector<std::size_t>& order, bool reverse) {
  std::size_t n = order.size();
  if (n > UINT32_MAX || std::any_of(columns.begin(), columns.end(), [](const KeyColumn& c) { return !c.rankable(); }))
    return false;
  std::vector<std::uint64_t> row_key(n, 0);
  std::vector<std::uint32_t> ranks;
  std::uint64_t span = 1;  // distinct row keys so far, at most
  for (const auto& column : columns) {
    std::uint64_t distinct = column.ranks(ranks);
    if (distinct == 0) return true;  // no rows
    if (span > UINT64_MAX / distinct) return false;
    span *= distinct;
    for (std::size_t i = 0; i < n; ++i) row_key[i] = row_key[i] * distinct + (reverse ? distinct - 1 - ranks[i] : ranks[i]);
  }
  // Equal keys keep their order (Python's sort is stable, reverse=True included).
  if (span <= 4 * n) {  // few distinct row keys: a counting sort, stable as it places rows in order
    std::vector<std::uint32_t> start(span + 1, 0);
    for (std::size_t i = 0; i < n; ++i) ++start[row_key[i] + 1];
    for (std::size_t k = 1; k <= span; ++k) start[k] += start[k - 1];
    for (std::size_t i = 0; i < n; ++i) order[start[row_key[i]]++] = i;
    return true;
  }
  // Else a sort of (key, position) pairs: the position breaks ties.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed(n);
  for (std::size_t i = 0; i < n; ++i) keyed[i] = {row_key[i], static_cast<std::uint32_t>(i)};
  std::sort(keyed.begin(), keyed.end());
  for (std::size_t i = 0; i < n; ++i) order[i] = keyed[i].second;
  return true;
}

// The stable order of `n` items by their keys, `width` per item at keys[i * width]
// (compared as lists when width > 1). Input already in order (often: a dict's keys) costs
// one comparison per item, as with Python's timsort, which compares the same adjacent pairs.
std::vector<std::size_t> sort_columns(std::size_t n, const std::vector<KeyColumn>& columns, bool reverse) {
  auto less = [&](std::size_t a, std::size_t b) {
    if (reverse) std::swap(a, b);
    for (const auto& column : columns)
      if (auto c = column.compare(a, b)) return *c < 0;
    return false;
  };
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (std::is_sorted(order.begin(), order.end(), less)) return order;
  if (!sort_by_ranks(columns, order, reverse)) std::stable_sort(order.begin(), order.end(), less);
  return order;
}

std::vector<std::size_t> sort_columns(std::size_t n, const std::vector<Value>& keys, std::size_t width, bool reverse) {
  std::vector<KeyColumn> columns;
  columns.reserve(width);
  for (std::size_t c = 0; c < width; ++c) columns.emplace_back(keys, c, width);
  return sort_columns(n, columns, reverse);
}

// Sorts `items` in that order.
void sort_by_columns(std::vector<Value>& items, const std::vector<Value>& keys, std::size_t width, bool reverse) {
  std::vector<std::size_t> order = sort_columns(items.size(), keys, width, reverse);
  bool moved = false;
  for (std::size_t i = 0; i < order.size() && !moved; ++i) moved = order[i] != i;
  if (!moved) return;
  std::vector<Value> sorted;
  sorted.reserve(items.size());
  for (std::size_t i : order) sorted.push_back(std::move(items[i]));
  items = std::move(sorted);
}

}  // namespace

void sort_by_keys(std::vector<Value>& items, const std::vector<Value>& keys, bool reverse) {
  sort_by_columns(items, keys, 1, reverse);
}

void sort_by_key_rows(std::vector<Value>& items, const std::vector<Value>& keys, std::size_t width, bool reverse) {
  sort_by_columns(items, keys, width, reverse);
}

std::vector<std::size_t> sort_order(const std::vector<Value>& keys, bool reverse) {
  return sort_columns(keys.size(), keys, 1, reverse);
}

std::vector<std::size_t> sort_order(std::vector<std::string_view> keys, bool reverse) {
  std::size_t n = keys.size();
  std::vector<KeyColumn> columns;
  columns.emplace_back(std::move(keys));
  return sort_columns(n, columns, reverse);
}

void require_hashable(const Value& v) {
  if (v.is_list() || v.is_dict() || v.is_set()) type_error("unhashable type: '" + v.type_name() + "'");
  if (v.is_tuple()) {
    NestingGuard nesting("while calling a Python object");
    for (const auto& item : v.items()) require_hashable(item);
  }
}

std::optional<std::int64_t> index_of(const Value& v) {
  if (is_integral(v)) return int_value(v);
  return std::nullopt;
}

std::optional<Value> item_at(const Value& obj, std::int64_t i) {
  if (obj.is_string()) {
    const std::string& s = obj.as_string();
    if (is_ascii(s)) {
      auto n = static_cast<std::int64_t>(s.size());
      if (i < 0) i += n;
      if (i < 0 || i >= n) return std::nullopt;
      return Value(std::string(1, s[static_cast<std::size_t>(i)]));
    }
    auto offsets = code_point_offsets(s);
    auto n = static_cast<std::int64_t>(offsets.size()) - 1;
    if (i < 0) i += n;
    if (i < 0 || i >= n) return std::nullopt;
    auto k = static_cast<std::size_t>(i);
    return Value(s.substr(offsets[k], offsets[k + 1] - offsets[k]));
  }
  const auto& items = obj.items();
  auto n = static_cast<std::int64_t>(items.size());
  if (i < 0) i += n;
  if (i < 0 || i >= n) return std::nullopt;
  return items[static_cast<std::size_t>(i)];
}

std::array<std::int64_t, 3> adjust_slice(std::int64_t n, std::optional<std::int64_t> start,
                                         std::optional<std::int64_t> stop, std::optional<std::int64_t> step) {
  std::int64_t st = step.value_or(1);
  if (st == 0) value_error("slice step cannot be zero");
  // Python's PySlice_AdjustIndices.
  auto adjust = [&](std::optional<std::int64_t> v, std::int64_t dflt) {
    if (!v) return dflt;
    std::int64_t x = *v;
    if (x < 0) {
      x += n;
      if (x < 0) x = st < 0 ? -1 : 0;
    } else if (x >= n) {
      x = st < 0 ? n - 1 : n;
    }
    return x;
  };
  return {adjust(start, st < 0 ? n - 1 : 0), adjust(stop, st < 0 ? -1 : n), st};
}

Value slice(const Value& obj, std::optional<std::int64_t> start, std::optional<std::int64_t> stop,
            std::optional<std::int64_t> step) {
  std::vector<std::size_t> offsets;
  std::int64_t n;
  if (obj.is_string()) {
    offsets = code_point_offsets(obj.as_string());
    n = static_cast<std::int64_t>(offsets.size()) - 1;
  } else {
    n = static_cast<std::int64_t>(obj.items().size());
  }
  auto [lo, hi, st] = adjust_slice(n, start, stop, step);
  std::vector<std::int64_t> picks;
  for (std::int64_t i = lo; st > 0 ? i < hi : i > hi; i += st) picks.push_back(i);
  if (obj.is_string()) {
    const std::string& s = obj.as_string();
    std::string out;
    for (auto i : picks) {
      auto k = static_cast<std::size_t>(i);
      out.append(s, offsets[k], offsets[k + 1] - offsets[k]);
    }
    return Value(std::move(out));
  }
  std::vector<Value> out;
  out.reserve(picks.size());
  for (auto i : picks) out.push_back(obj.items()[static_cast<std::size_t>(i)]);
  return obj.is_tuple() ? Value::tuple(std::move(out)) : Value::list(std::move(out));
}

std::string object_type_repr(const Value& v) {
  if (v.is_none()) return "'None'";
  return "'" + v.type_name() + " object'";
}

void raise_undefined_hint(const Value& undefined) { raise("UndefinedError", undefined.undefined_hint()); }

Value to_int(const Value& v, int base) {
  if (v.is_undefined()) raise_undefined_hint(v);
  if (is_integral(v)) return Value(int_value(v));
  if (big_int(v)) return v;
  if (v.is_float()) {
    double d = v.as_float();
    if (std::isnan(d)) value_error("cannot convert float NaN to integer");
    if (std::isinf(d)) raise("OverflowError", "cannot convert float infinity to integer");
    if (std::fabs(d) >= 9.2233720368547758e18) return int_value_of(BigInt::from_double(d));
    return Value(static_cast<std::int64_t>(d));
  }
  if (!v.is_string())
    type_error("int() argument must be a string, a bytes-like object or a real number, not '" + v.type_name() + "'");
  std::string_view s = str::strip(v.as_string());
  if (base == 10 && !s.empty() && s.size() <= 18 && s[0] != '+') {  // plain decimal digits: no overflow
    std::int64_t r = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), r);
    if (ec == std::errc() && end == s.data() + s.size()) return Value(r);
  }
  std::string digits;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int b = base;
  if (s.size() > 1 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    int prefixed = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    if (prefixed && (base == 0 || base == prefixed)) {
      b = prefixed;
      s.remove_prefix(2);
      if (!s.empty() && s[0] == '_') s.remove_prefix(1);
    }
  }
  if (b == 0) b = 10;
  bool ok = !s.empty() && s.front() != '_' && s.back() != '_';
  for (std::size_t i = 0; ok && i < s.size(); ++i) {
    if (s[i] == '_' && s[i - 1] != '_') continue;
    digits += s[i];
  }
  char* end = nullptr;
  errno = 0;
  long long r = ok && !digits.empty() ? std::strtoll(digits.c_str(), &end, b) : 0;
  if (!ok || digits.empty() || *end || digits[0] == '+' || digits[0] == '-' || str::is_space(digits[0]))
    value_error("invalid literal for int() with base " + std::to_string(base) + ": " + string_repr(v.as_string()));
  if (errno == ERANGE) {
    if ((b & (b - 1)) != 0 && digits.size() > max_str_digits)
      value_error("Exceeds the limit (" + std::to_string(max_str_digits) + " digits) for integer string conversion: value has " +
                  std::to_string(digits.size()) + " digits; use sys.set_int_max_str_digits() to increase the limit");
    return int_value_of(*BigInt::parse(digits, b, negative));
  }
  return Value(static_cast<std::int64_t>(negative ? -r : r));
}

Value to_float(const Value& v) {
  if (v.is_undefined()) raise_undefined_hint(v);
  if (v.is_number()) return Value(number(v));
  if (const BigInt* big = big_int(v)) return Value(big->to_double());
  if (!v.is_string()) type_error("float() argument must be a string or a real number, not '" + v.type_name() + "'");
  std::string text(str::strip(v.as_string()));
  std::string clean;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // Python accepts one underscore between digits; any other stays and fails the parse.
    bool separator = text[i] == '_' && i > 0 && i + 1 < text.size() &&
                     std::isdigit(static_cast<unsigned char>(text[i - 1])) && std::isdigit(static_cast<unsigned char>(text[i + 1]));
    if (!separator) clean += text[i];
  }
  char* end = nullptr;
  double d = clean.empty() ? 0 : std::strtod(clean.c_str(), &end);
  bool hex = clean.find_first_of("xX") != std::string::npos;
  if (clean.empty() || *end || hex) value_error("could not convert string to float: " + string_repr(v.as_string()));
  return Value(d);
}

}  // namespace slap::tmpl
