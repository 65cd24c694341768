// Python methods of built-in values: str (methods_str.cpp), list, dict, set and tuple
// (methods_coll.cpp). Jinja2 resolves `x.name` to a method before a dict key, so a dict
// key called "items" is only reachable as x['items'].
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "slap/template.hpp"

namespace slap::tmpl {

class Interp;

using MethodFn = Value (*)(Interp& in, const Value& self, const Args& args);

// The method `name` of `self`'s type, or nullptr.
MethodFn find_method(const Value& self, std::string_view name);
MethodFn find_str_method(std::string_view name);
MethodFn find_collection_method(const Value& self, std::string_view name);
// Python's numbers (int, bool, big int, float; methods_num.cpp): a data attribute (real,
// imag, numerator, denominator) of `self`, or nullopt; a method of `self`, or nullptr.
std::optional<Value> number_attribute(const Value& self, std::string_view name);
MethodFn find_number_method(const Value& self, std::string_view name);

// The methods one attribute name denotes on str, list, tuple, dict and set: what the
// evaluator needs for `x.name` without looking the name up at each evaluation.
struct MethodSet {
  MethodFn str = nullptr, list = nullptr, tuple = nullptr, dict = nullptr, set = nullptr;
  static MethodSet named(std::string_view name);
  MethodFn of(const Value& self) const {
    switch (self.type()) {
      case Value::Type::string: return str;
      case Value::Type::list: return list;
      case Value::Type::tuple: return tuple;
      case Value::Type::dict: return dict;
      case Value::Type::set: return set;
      default: return nullptr;
    }
  }
};

// dict.fromkeys(iterable, value=None) and dict.update()'s argument rules, shared with the
// `dict` builtin.
Value dict_fromkeys(Interp& in, const Args& args);
void dict_update(Interp& in, Dict& d, const Args& args);

// `self.name` as a callable value.
Value bound_method(const Value& self, std::string_view name, MethodFn fn);

// Binds arguments to a Python signature: `params` are (name, default) in order, the first
// `required` have no default. Raises TypeError as Python does for a bad call.
struct ParamSpec {
  std::string_view name;
  Value default_value;
};
// A function's parameters and their defaults, made once per call site:
// bind_args(args, "join", SLAP_PARAMS({"d", Value("")}, {"attribute", Value()}), 0).
#define SLAP_PARAMS(...)                                                                    \
  ([]() -> std::span<const ::slap::tmpl::ParamSpec> {                                      \
    static const ::slap::tmpl::ParamSpec specs[] = {__VA_ARGS__};                           \
    return specs;                                                                           \
  }())

// The values bind_args binds, in parameter order: the caller's arguments, or the defaults
// of SLAP_PARAMS, by reference. A filter or method call copies nothing for its arguments.
class BoundArgs {
 public:
  static constexpr std::size_t capacity = 16;
  const Value& operator[](std::size_t i) const { return *bound_[i]; }
  std::size_t size() const { return size_; }
  void push_back(const Value& v) { bound_[size_++] = &v; }
  void bind(std::size_t i, const Value& v) { bound_[i] = &v; }

 private:
  const Value* bound_[capacity];
  std::size_t size_ = 0;
};
// `params` outlive the BoundArgs (SLAP_PARAMS), as do `args`.
BoundArgs bind_args_in_full(const Args& args, std::string_view function, std::span<const ParamSpec> params,
                            std::size_t required);
// Most calls pass positional arguments only, and few: bound here, inline.
inline BoundArgs bind_args(const Args& args, std::string_view function, std::span<const ParamSpec> params,
                           std::size_t required) {
  std::size_t given = args.positional.size();
  if (!args.keywords.empty() || given > params.size() || given < required || params.size() > BoundArgs::capacity)
    return bind_args_in_full(args, function, params, required);
  BoundArgs out;
  for (std::size_t i = 0; i < given; ++i) out.push_back(args.positional[i]);
  for (std::size_t i = given; i < params.size(); ++i) out.push_back(params[i].default_value);
  return out;
}
// An int (or bool) argument, else TypeError.
std::int64_t int_arg(const Value& v);
// Fails unless the call has no arguments.
[[noreturn]] void refuse_args(const Args& args, std::string_view function);
inline void no_args(const Args& args, std::string_view function) {
  if (!args.positional.empty() || !args.keywords.empty()) refuse_args(args, function);
}

}  // namespace slap::tmpl
