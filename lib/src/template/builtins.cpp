// Python types as callables (list, dict, str, int, ...) and scalar builtins, plus Jinja2's
// namespace, cycler and joiner.
#include "builtins.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "bigint.hpp"
#include "errors.hpp"
#include "interp.hpp"
#include "methods.hpp"
#include "ops.hpp"
#include "pyformat.hpp"
#include "text.hpp"

namespace slap::tmpl {

std::int64_t length_of(Interp& in, const Value& v) {
  switch (v.type()) {
    case Value::Type::undefined: in.use(v); return 0;
    case Value::Type::string: return static_cast<std::int64_t>(code_point_count(v.as_string()));
    case Value::Type::list:
    case Value::Type::tuple: return static_cast<std::int64_t>(v.items().size());
    case Value::Type::dict: return static_cast<std::int64_t>(v.as_dict().size());
    case Value::Type::set: return static_cast<std::int64_t>(v.as_set().size());
    case Value::Type::object:
      if (auto n = v.as_object()->length()) return static_cast<std::int64_t>(*n);
      break;
    default: break;
  }
  type_error("object of type '" + v.type_name() + "' has no len()");
}

Value py_abs(const Value& x) {
  if (x.is_float()) return Value(std::fabs(x.as_float()));
  if (x.is_int() || x.is_bool()) {
    std::int64_t i = int_arg(x);
    return i < 0 ? negate(Value(i)) : Value(i);
  }
  if (const BigInt* big = big_int(x)) return int_value_of(big->negative() ? -*big : *big);
  if (x.is_undefined()) raise_undefined_hint(x);
  type_error("bad operand type for abs(): '" + x.type_name() + "'");
}

Value py_round(const Value& x, std::optional<std::int64_t> ndigits) {
  if (x.is_undefined()) raise_undefined_hint(x);
  if (!x.is_number() && !big_int(x)) type_error("type " + x.type_name() + " doesn't define __round__ method");
  if (!x.is_float()) {
    if (!ndigits || *ndigits >= 0) return big_int(x) ? x : Value(int_arg(x));
    // To a multiple of 10**-ndigits, half to even.
    BigInt unit = BigInt(10).pow(static_cast<std::uint64_t>(-*ndigits));
    BigInt n = to_big(x), q = n.floordiv(unit), twice_r = n.mod(unit) * BigInt(2);
    int c = twice_r.compare(unit);
    if (c > 0 || (c == 0 && !q.mod(BigInt(2)).is_zero())) q = q + BigInt(1);
    return int_value_of(q * unit);
  }
  if (!ndigits) return to_int(Value(std::nearbyint(x.as_float())));
  if (*ndigits < 0) {
    double scale = std::pow(10.0, static_cast<double>(-*ndigits));
    return Value(std::nearbyint(x.as_float() / scale) * scale);
  }
  // printf rounds the exact binary value half-to-even, as Python's round() does.
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(std::clamp<std::int64_t>(*ndigits, 0, 300)), x.as_float());
  return Value(std::strtod(buf, nullptr));
}

namespace {

Value one_iterable(Interp& in, Args& args, const char* name, bool as_list) {
  auto a = bind_args(args, name, SLAP_PARAMS({"iterable", Value::tuple({})}), 0);
  auto items = in.iterate(a[0]);
  return as_list ? Value::list(std::move(items)) : Value::tuple(std::move(items));
}

Value t_list(Interp& in, Args& args) { return one_iterable(in, args, "list", true); }
Value t_tuple(Interp& in, Args& args) { return one_iterable(in, args, "tuple", false); }

Value t_set(Interp& in, Args& args) {
  auto items = in.iterate(bind_args(args, "set", SLAP_PARAMS({"iterable", Value::tuple({})}), 0)[0]);
  for (const auto& v : items) require_hashable(v);
  return Value::set(std::move(items));
}

Value t_dict(Interp& in, Args& args) {
  Dict d;
  dict_update(in, d, args);
  return Value::dict(std::move(d));
}

Value t_str(Interp& in, Args& args) {
  auto a = bind_args(args, "str", SLAP_PARAMS({"object", Value("")}), 0);
  return Value(in.to_str(a[0]));
}

Value t_int(Interp&, Args& args) {
  auto a = bind_args(args, "int", SLAP_PARAMS({"x", Value(0)}, {"base", Value()}), 0);
  if (a[1].is_none()) return to_int(a[0]);
  if (!a[0].is_string()) type_error("int() can't convert non-string with explicit base");
  return to_int(a[0], static_cast<int>(int_arg(a[1])));
}

Value t_float(Interp&, Args& args) { return to_float(bind_args(args, "float", SLAP_PARAMS({"x", Value(0.0)}), 0)[0]); }
Value t_bool(Interp& in, Args& args) { return Value(in.truth(bind_args(args, "bool", SLAP_PARAMS({"x", Value(false)}), 0)[0])); }

Value f_len(Interp& in, Args& args) { return Value(length_of(in, bind_args(args, "len", SLAP_PARAMS({"obj", Value()}), 1)[0])); }
Value f_repr(Interp&, Args& args) { return Value(bind_args(args, "repr", SLAP_PARAMS({"obj", Value()}), 1)[0].repr()); }

Value f_abs(Interp&, Args& args) { return py_abs(bind_args(args, "abs", SLAP_PARAMS({"x", Value()}), 1)[0]); }

Value f_chr(Interp&, Args& args) {
  std::int64_t i = int_arg(bind_args(args, "chr", SLAP_PARAMS({"i", Value()}), 1)[0]);
  if (i < 0 || i > 0x10FFFF) value_error("chr() arg not in range(0x110000)");
  std::string out;
  append_code_point(out, static_cast<std::uint32_t>(i));
  return Value(std::move(out));
}

Value f_ord(Interp&, Args& args) {
  Value c = bind_args(args, "ord", SLAP_PARAMS({"c", Value()}), 1)[0];
  if (!c.is_string() || code_point_count(c.as_string()) != 1)
    type_error("ord() expected a character, but string of length " +
               std::to_string(c.is_string() ? code_point_count(c.as_string()) : 0) + " found");
  std::size_t i = 0;
  return Value(static_cast<std::int64_t>(next_code_point(c.as_string(), i)));
}

Value radix(Args& args, const char* name, const char* spec) {
  Value x = bind_args(args, name, SLAP_PARAMS({"number", Value()}), 1)[0];
  return Value(format_value(big_int(x) ? x : Value(int_arg(x)), spec));
}
Value f_hex(Interp&, Args& args) { return radix(args, "hex", "#x"); }
Value f_oct(Interp&, Args& args) { return radix(args, "oct", "#o"); }
Value f_bin(Interp&, Args& args) { return radix(args, "bin", "#b"); }

Value f_divmod(Interp&, Args& args) {
  auto a = bind_args(args, "divmod", SLAP_PARAMS({"a", Value()}, {"b", Value()}), 2);
  return Value::tuple({binary(BinaryOp::floordiv, a[0], a[1]), binary(BinaryOp::mod, a[0], a[1])});
}

Value f_pow(Interp&, Args& args) {
  auto a = bind_args(args, "pow", SLAP_PARAMS({"base", Value()}, {"exp", Value()}), 2);
  return binary(BinaryOp::pow, a[0], a[1]);
}

Value f_round(Interp&, Args& args) {
  auto a = bind_args(args, "round", SLAP_PARAMS({"number", Value()}, {"ndigits", Value()}), 1);
  return py_round(a[0], a[1].is_none() ? std::nullopt : std::optional<std::int64_t>(int_arg(a[1])));
}

Value f_callable(Interp&, Args& args) {
  Value x = bind_args(args, "callable", SLAP_PARAMS({"obj", Value()}), 1)[0];
  return Value(x.is_object() && x.as_object()->callable());
}

Value f_isinstance(Interp&, Args& args) {
  auto a = bind_args(args, "isinstance", SLAP_PARAMS({"obj", Value()}, {"class_or_tuple", Value()}), 2);
  std::vector<Value> types = a[1].is_tuple() ? a[1].items_copy() : std::vector<Value>{a[1]};
  for (const auto& t : types) {
    auto* type = t.is_object() ? dynamic_cast<const TypeObject*>(t.as_object().get()) : nullptr;
    if (!type) type_error("isinstance() arg 2 must be a type or tuple of types");
    if (type->is_instance(a[0])) return Value(true);
  }
  return Value(false);
}

Value f_format(Interp&, Args& args) {
  auto a = bind_args(args, "format", SLAP_PARAMS({"value", Value()}, {"format_spec", Value("")}), 1);
  if (!a[1].is_string()) type_error("format() argument 2 must be str, not " + a[1].type_name());
  return Value(format_value(a[0], a[1].as_string()));
}

Value f_namespace(Interp& in, Args& args) {
  auto ns = std::make_shared<Namespace>();
  dict_update(in, ns->attrs(), args);
  return Value::object(ns);
}

class Cycler final : public InternalObject {
 public:
  explicit Cycler(std::vector<Value> items) : items_(std::move(items)) {}
  std::string type_name() const override { return "Cycler"; }
  std::optional<Value> attr(std::string_view name) const override {
    if (name == "current") return items_[pos_];
    auto self = std::static_pointer_cast<const Cycler>(self_.lock());
    if (name == "next")
      return builtin("next", [self](Interp&, Args&) {
        Value v = self->items_[self->pos_];
        self->pos_ = (self->pos_ + 1) % self->items_.size();
        return v;
      });
    if (name == "reset")
      return builtin("reset", [self](Interp&, Args&) {
        self->pos_ = 0;
        return Value();
      });
    return std::nullopt;
  }
  std::weak_ptr<const Object> self_;

 private:
  std::vector<Value> items_;
  mutable std::size_t pos_ = 0;
};

Value f_cycler(Interp&, Args& args) {
  if (args.positional.empty()) type_error("at least one item has to be provided");
  auto c = std::make_shared<Cycler>(args.positional);
  c->self_ = c;
  return Value::object(c);
}

Value f_joiner(Interp&, Args& args) {
  std::string sep = bind_args(args, "joiner", SLAP_PARAMS({"sep", Value(", ")}), 0)[0].str();
  auto used = std::make_shared<bool>(false);
  return builtin("joiner", [sep, used](Interp&, Args&) {
    if (!*used) {
      *used = true;
      return Value("");
    }
    return Value(sep);
  });
}

// range(): a lazy sequence in Python; here its items are built on iteration. Its bounds
// are ints of any size, as Python's (int64 unless one is big); only its length must fit in
// a C ssize_t.
class Range final : public InternalObject {
 public:
  Range(std::int64_t start, std::int64_t stop, std::int64_t step) : start_(start), stop_(stop), step_(step) {}
  Range(BigInt start, BigInt stop, BigInt step) : big_(std::array<BigInt, 3>{std::move(start), std::move(stop), std::move(step)}) {}
  std::string type_name() const override { return "range"; }
  std::string repr() const override {
    auto text = [this](int k, std::int64_t small) { return big_ ? (*big_)[k].decimal() : std::to_string(small); };
    bool unit_step = big_ ? (*big_)[2].compare(BigInt(1)) == 0 : step_ == 1;
    return "range(" + text(0, start_) + ", " + text(1, stop_) + (unit_step ? ")" : ", " + text(2, step_) + ")");
  }
  std::optional<std::size_t> length() const override {
    auto small = big_length().to_int64();
    if (!small) raise("OverflowError", "Python int too large to convert to C ssize_t");
    return static_cast<std::size_t>(*small);
  }
  // The number of items, of any size.
  BigInt big_length() const {
    if (!big_) {
      // In unsigned arithmetic: stop - start cannot overflow there.
      auto distance = [](std::int64_t hi, std::int64_t lo) { return static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo); };
      std::uint64_t n = 0;
      if (step_ > 0 && stop_ > start_) n = (distance(stop_, start_) - 1) / static_cast<std::uint64_t>(step_) + 1;
      if (step_ < 0 && start_ > stop_) n = (distance(start_, stop_) - 1) / (0 - static_cast<std::uint64_t>(step_)) + 1;
      if (n > static_cast<std::uint64_t>(INT64_MAX))  // n / 2 fits an int64
        return BigInt(static_cast<std::int64_t>(n >> 1)) * BigInt(2) + BigInt(static_cast<std::int64_t>(n & 1));
      return BigInt(static_cast<std::int64_t>(n));
    }
    const auto& [start, stop, step] = *big_;
    BigInt n(0);
    if (!step.negative() && stop.compare(start) > 0) n = (stop - start + step - BigInt(1)).floordiv(step);
    if (step.negative() && start.compare(stop) > 0) n = (start - stop - step - BigInt(1)).floordiv(-step);
    return n;
  }
  std::optional<std::vector<Value>> iterate() const override {
    std::size_t n = *length();
    if (n > static_cast<std::size_t>(max_value_size) / sizeof(Value)) memory_error();
    std::vector<Value> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (!big_) out.emplace_back(static_cast<std::int64_t>(static_cast<std::uint64_t>(start_) + i * static_cast<std::uint64_t>(step_)));
      else out.push_back(int_value_of((*big_)[0] + BigInt(static_cast<std::int64_t>(i)) * (*big_)[2]));
    }
    return out;
  }
  bool equals(const Object& o) const override {
    auto* r = dynamic_cast<const Range*>(&o);
    return r && Value::list(*r->iterate()) == Value::list(*iterate());
  }
  // self[start:stop:step], another range (Python's compute_slice, on ints of any size).
  Value sliced(std::optional<std::int64_t> start, std::optional<std::int64_t> stop, std::optional<std::int64_t> step) const {
    std::int64_t st = step.value_or(1);
    if (st == 0) value_error("slice step cannot be zero");
    BigInt n = big_length(), zero(0), minus_one(-1);
    auto adjust = [&](std::optional<std::int64_t> v, const BigInt& dflt) {
      if (!v) return dflt;
      BigInt x(*v);
      if (x.negative()) {
        x = x + n;
        if (x.negative()) x = st < 0 ? minus_one : zero;
      } else if (x.compare(n) >= 0) {
        x = st < 0 ? n - BigInt(1) : n;
      }
      return x;
    };
    BigInt lo = adjust(start, st < 0 ? n - BigInt(1) : zero), hi = adjust(stop, st < 0 ? minus_one : n);
    BigInt first = big_ ? (*big_)[0] : BigInt(start_), by = big_ ? (*big_)[2] : BigInt(step_);
    BigInt new_start = first + lo * by, new_stop = first + hi * by, new_step = by * BigInt(st);
    auto a = new_start.to_int64(), b = new_stop.to_int64(), c = new_step.to_int64();
    if (a && b && c) return Value::object(std::make_shared<Range>(*a, *b, *c));
    return Value::object(std::make_shared<Range>(std::move(new_start), std::move(new_stop), std::move(new_step)));
  }

 private:
  std::int64_t start_ = 0, stop_ = 0, step_ = 1;
  std::optional<std::array<BigInt, 3>> big_;  // the bounds, when one of them is a big int
};

Value f_range(Interp&, Args& args) {
  auto& pos = args.positional;
  if (pos.empty() || pos.size() > 3 || !args.keywords.empty())
    type_error("range expected at most 3 arguments, got " + std::to_string(pos.size()));
  for (const auto& v : pos)
    if (!is_integer_like(v)) type_error("'" + v.type_name() + "' object cannot be interpreted as an integer");
  bool big = std::any_of(pos.begin(), pos.end(), [](const Value& v) { return big_int(v) != nullptr; });
  const Value one(1), zero(0);
  const Value& start = pos.size() == 1 ? zero : pos[0];
  const Value& stop = pos.size() == 1 ? pos[0] : pos[1];
  const Value& step = pos.size() == 3 ? pos[2] : one;
  if (!big) {
    if (int_arg(step) == 0) value_error("range() arg 3 must not be zero");
    return Value::object(std::make_shared<Range>(int_arg(start), int_arg(stop), int_arg(step)));
  }
  if (to_big(step).is_zero()) value_error("range() arg 3 must not be zero");
  return Value::object(std::make_shared<Range>(to_big(start), to_big(stop), to_big(step)));
}

}  // namespace

std::optional<Value> range_slice(const Value& obj, std::optional<std::int64_t> start, std::optional<std::int64_t> stop,
                                 std::optional<std::int64_t> step) {
  const Range* r = obj.is_object() ? dynamic_cast<const Range*>(obj.as_object().get()) : nullptr;
  if (!r) return std::nullopt;
  return r->sliced(start, stop, step);
}

namespace {

void add_type(Dict& g, const char* name, Value::Type type, BuiltinFn fn) {
  g.set(Value(name), Value::object(std::make_shared<TypeObject>(name, type, fn)));
}

}  // namespace

void install_builtins(Dict& g) {
  add_type(g, "list", Value::Type::list, t_list);
  add_type(g, "tuple", Value::Type::tuple, t_tuple);
  add_type(g, "set", Value::Type::set, t_set);
  add_type(g, "frozenset", Value::Type::set, t_set);
  add_type(g, "dict", Value::Type::dict, t_dict);
  add_type(g, "str", Value::Type::string, t_str);
  add_type(g, "int", Value::Type::integer, t_int);
  add_type(g, "float", Value::Type::floating, t_float);
  add_type(g, "bool", Value::Type::boolean, t_bool);
  static const std::pair<const char*, BuiltinFn> functions[] = {
      {"len", f_len}, {"repr", f_repr}, {"abs", f_abs}, {"chr", f_chr}, {"ord", f_ord}, {"hex", f_hex},
      {"oct", f_oct}, {"bin", f_bin}, {"divmod", f_divmod}, {"pow", f_pow}, {"round", f_round},
      {"callable", f_callable}, {"isinstance", f_isinstance}, {"format", f_format},
  };
  for (const auto& [name, fn] : functions) g.set(Value(name), builtin(name, fn));
  static const std::tuple<const char*, const char*, BuiltinFn> classes[] = {
      {"namespace", "jinja2.utils.Namespace", f_namespace}, {"cycler", "jinja2.utils.Cycler", f_cycler},
      {"joiner", "jinja2.utils.Joiner", f_joiner}, {"range", "range", f_range},
  };
  for (const auto& [name, class_name, fn] : classes) g.set(Value(name), builtin_class(name, class_name, fn));
}

}  // namespace slap::tmpl
