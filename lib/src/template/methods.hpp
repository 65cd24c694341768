// Python methods of built-in values: str (methods_str.cpp), list, dict, set and tuple
// (methods_coll.cpp). Jinja2 resolves `x.name` to a method before a dict key, so a dict
// key called "items" is only reachable as x['items'].
#pragma once

#include <new>
#include <string_view>

#include "slap/template.hpp"

namespace slap::tmpl {

class Interp;

using MethodFn = Value (*)(Interp& in, const Value& self, const Args& args);

// The method `name` of `self`'s type, or nullptr.
MethodFn find_method(const Value& self, std::string_view name);
MethodFn find_str_method(std::string_view name);
MethodFn find_collection_method(const Value& self, std::string_view name);

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
// The values bind_args binds, in parameter order: the caller's arguments by reference
// (they outlive the call), defaults copied inline. A filter or method call allocates and
// copies nothing for its arguments.
class BoundArgs {
 public:
  static constexpr std::size_t capacity = 16;
  BoundArgs() = default;
  BoundArgs(BoundArgs&& o) noexcept : size_(o.size_), owned_(o.owned_) {
    for (std::size_t i = 0; i < size_; ++i) {
      if (owns(i)) {
        new (&defaults()[i]) Value(std::move(o.defaults()[i]));
        bound_[i] = &defaults()[i];
      } else {
        bound_[i] = o.bound_[i];
      }
    }
  }
  BoundArgs& operator=(BoundArgs&&) = delete;
  ~BoundArgs() {
    for (std::size_t i = 0; i < size_; ++i)
      if (owns(i)) defaults()[i].~Value();
  }
  const Value& operator[](std::size_t i) const { return *bound_[i]; }
  std::size_t size() const { return size_; }
  // Parameter `size()` takes a copy of `v`, its default.
  void push_default(const Value& v) {
    new (&defaults()[size_]) Value(v);
    bound_[size_] = &defaults()[size_];
    owned_ |= std::uint32_t{1} << size_;
    ++size_;
  }
  // Parameter i (already pushed) is the caller's `v`.
  void bind(std::size_t i, const Value& v) {
    if (owns(i)) {
      defaults()[i].~Value();
      owned_ &= ~(std::uint32_t{1} << i);
    }
    bound_[i] = &v;
  }

 private:
  bool owns(std::size_t i) const { return owned_ >> i & 1u; }
  Value* defaults() { return std::launder(reinterpret_cast<Value*>(storage_)); }
  alignas(Value) unsigned char storage_[capacity * sizeof(Value)];
  const Value* bound_[capacity];
  std::size_t size_ = 0;
  std::uint32_t owned_ = 0;  // bit i: bound_[i] is defaults()[i]
};
BoundArgs bind_args(const Args& args, std::string_view function, std::initializer_list<ParamSpec> params,
                    std::size_t required);
// An int (or bool) argument, else TypeError.
std::int64_t int_arg(const Value& v);
// Fails unless the call has no arguments.
void no_args(const Args& args, std::string_view function);

}  // namespace slap::tmpl
