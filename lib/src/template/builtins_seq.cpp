// Python builtins over iterables: sorted, enumerate, zip, next, iter, sum, min, max, ...
#include "builtins.hpp"
#include "errors.hpp"
#include "interp.hpp"
#include "methods.hpp"
#include "ops.hpp"

namespace slap::tmpl {

namespace {

Value call1(Interp& in, const Value& fn, const Value& arg) {
  Args a{{arg}, {}};
  return in.call(fn, a);
}

Value f_sorted(Interp& in, Args& args) {
  auto a = bind_args(args, "sorted", SLAP_PARAMS({"iterable", Value()}, {"key", Value()}, {"reverse", Value(false)}), 1);
  if (args.positional.size() > 1) type_error("sorted expected 1 argument, got " + std::to_string(args.positional.size()));
  std::vector<Value> items = in.iterate(a[0]);
  std::vector<Value> keys;
  keys.reserve(items.size());
  for (const auto& v : items) keys.push_back(a[1].is_none() ? v : call1(in, a[1], v));
  sort_by_keys(items, keys, in.truth(a[2]));
  return Value::list(std::move(items));
}

Value f_enumerate(Interp& in, Args& args) {
  auto a = bind_args(args, "enumerate", SLAP_PARAMS({"iterable", Value()}, {"start", Value(0)}), 1);
  std::int64_t i = int_arg(a[1]);
  std::vector<Value> out;
  for (auto& v : in.iterate(a[0])) out.push_back(Value::pair(Value(i++), std::move(v)));
  return make_iterator("enumerate", std::move(out));
}

Value f_zip(Interp& in, Args& args) {
  std::vector<std::vector<Value>> columns;
  std::size_t n = args.positional.empty() ? 0 : SIZE_MAX;
  for (const auto& it : args.positional) {
    columns.push_back(in.iterate(it));
    n = std::min(n, columns.back().size());
  }
  std::vector<Value> out;
  for (std::size_t i = 0; i < n; ++i) {
    if (columns.size() == 2) {  // zip(a, b): one allocation per pair
      out.push_back(Value::pair(std::move(columns[0][i]), std::move(columns[1][i])));
      continue;
    }
    std::vector<Value> row;
    for (auto& c : columns) row.push_back(std::move(c[i]));
    out.push_back(Value::tuple(std::move(row)));
  }
  return make_iterator("zip", std::move(out));
}

const InternalObject* as_iterator(const Value& v) {
  if (!v.is_object() || !v.as_object()->internal()) return nullptr;
  return static_cast<const InternalObject*>(v.as_object().get());
}

Value f_next(Interp&, Args& args) {
  if (args.positional.empty() || args.positional.size() > 2)
    type_error("next expected at least 1 argument, got " + std::to_string(args.positional.size()));
  const InternalObject* it = as_iterator(args.positional[0]);
  if (!it || !it->is_iterator()) type_error("'" + args.positional[0].type_name() + "' object is not an iterator");
  if (auto v = it->next_item()) return *v;
  if (args.positional.size() == 2) return args.positional[1];
  raise("StopIteration", "");
}

Value f_iter(Interp& in, Args& args) {
  Value x = bind_args(args, "iter", SLAP_PARAMS({"object", Value()}), 1)[0];
  if (x.is_object() && dynamic_cast<const Iterator*>(x.as_object().get())) return x;
  return make_iterator(x.type_name() + "_iterator", in.iterate(x));
}

Value f_reversed(Interp& in, Args& args) {
  Value x = bind_args(args, "reversed", SLAP_PARAMS({"sequence", Value()}), 1)[0];
  if (x.is_set() || (x.is_object() && !x.as_object()->length()))
    type_error("'" + x.type_name() + "' object is not reversible");
  auto items = in.iterate(x);
  std::reverse(items.begin(), items.end());
  return make_iterator(x.type_name() + "_reverseiterator", std::move(items));
}

Value f_sum(Interp& in, Args& args) {
  auto a = bind_args(args, "sum", SLAP_PARAMS({"iterable", Value()}, {"start", Value(0)}), 1);
  Value total = a[1];
  for (const auto& v : in.iterate(a[0])) total = binary(BinaryOp::add, total, v);
  return total;
}

Value extreme(Interp& in, Args& args, const char* name, bool want_max) {
  const Value* key = args.keyword("key");
  const Value* dflt = args.keyword("default");
  for (const auto& [k, v] : args.keywords)
    if (k != "key" && k != "default") type_error(std::string(name) + "() got an unexpected keyword argument '" + k + "'");
  if (args.positional.empty()) type_error(std::string(name) + " expected at least 1 argument, got 0");
  std::vector<Value> items = args.positional.size() == 1 ? in.iterate(args.positional[0]) : args.positional;
  if (items.empty()) {
    if (dflt) return *dflt;
    value_error(std::string(name) + "() arg is an empty sequence");
  }
  std::size_t best = 0;
  Value best_key = key && !key->is_none() ? call1(in, *key, items[0]) : items[0];
  for (std::size_t i = 1; i < items.size(); ++i) {
    Value k = key && !key->is_none() ? call1(in, *key, items[i]) : items[i];
    if (want_max ? less(best_key, k) : less(k, best_key)) {
      best = i;
      best_key = std::move(k);
    }
  }
  return items[best];
}

Value f_min(Interp& in, Args& args) { return extreme(in, args, "min", false); }
Value f_max(Interp& in, Args& args) { return extreme(in, args, "max", true); }

Value f_any(Interp& in, Args& args) {
  for (const auto& v : in.iterate(bind_args(args, "any", SLAP_PARAMS({"iterable", Value()}), 1)[0]))
    if (in.truth(v)) return Value(true);
  return Value(false);
}

Value f_all(Interp& in, Args& args) {
  for (const auto& v : in.iterate(bind_args(args, "all", SLAP_PARAMS({"iterable", Value()}), 1)[0]))
    if (!in.truth(v)) return Value(false);
  return Value(true);
}

Value f_map(Interp& in, Args& args) {
  if (args.positional.size() < 2) type_error("map() must have at least two arguments.");
  Args rest{{args.positional.begin() + 1, args.positional.end()}, {}};
  std::vector<Value> rows = in.iterate(f_zip(in, rest));
  std::vector<Value> out;
  for (auto& row : rows) {
    Args call_args{row.items_copy(), {}};
    out.push_back(in.call(args.positional[0], call_args));
  }
  return make_iterator("map", std::move(out));
}

Value f_filter(Interp& in, Args& args) {
  auto a = bind_args(args, "filter", SLAP_PARAMS({"function", Value()}, {"iterable", Value()}), 2);
  std::vector<Value> out;
  for (auto& v : in.iterate(a[1]))
    if (in.truth(a[0].is_none() ? v : call1(in, a[0], v))) out.push_back(std::move(v));
  return make_iterator("filter", std::move(out));
}

Value f_getattr(Interp& in, Args& args) {
  if (args.positional.size() < 2 || args.positional.size() > 3) type_error("getattr expected 2 or 3 arguments");
  if (!args.positional[1].is_string()) type_error("attribute name must be string");
  Value v = in.getattr(args.positional[0], args.positional[1].as_string());
  if (!v.is_undefined()) return v;
  if (args.positional.size() == 3) return args.positional[2];
  raise("AttributeError", v.undefined_hint());
}

Value f_hasattr(Interp& in, Args& args) {
  auto a = bind_args(args, "hasattr", SLAP_PARAMS({"obj", Value()}, {"name", Value()}), 2);
  if (!a[1].is_string()) type_error("attribute name must be string");
  return Value(!in.getattr(a[0], a[1].as_string()).is_undefined());
}

}  // namespace

void install_sequence_builtins(Dict& g) {
  static const std::pair<const char*, BuiltinFn> functions[] = {
      {"sorted", f_sorted}, {"next", f_next}, {"iter", f_iter}, {"sum", f_sum}, {"min", f_min},
      {"max", f_max}, {"any", f_any}, {"all", f_all}, {"getattr", f_getattr}, {"hasattr", f_hasattr},
  };
  for (const auto& [name, fn] : functions) g.set(Value(name), builtin(name, fn));
  static const std::pair<const char*, BuiltinFn> classes[] = {
      {"enumerate", f_enumerate}, {"zip", f_zip}, {"reversed", f_reversed}, {"map", f_map}, {"filter", f_filter},
  };
  for (const auto& [name, fn] : classes) g.set(Value(name), builtin_class(name, name, fn));
}

}  // namespace slap::tmpl
