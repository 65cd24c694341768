// Objects implemented inside the engine: callables that need the running interpreter
// (builtins, bound methods, macros), iterators, modules, namespaces, dict views, and
// Python's type objects (`list`, `dict`, ... usable with isinstance()).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "slap/template.hpp"

namespace slap::tmpl {

class Interp;
class Macro;
class Namespace;

class InternalObject : public Object {
 public:
  InternalObject() { internal_ = true; }
  // Called by the evaluator; errors are thrown (errors.hpp).
  virtual Value invoke(Interp& in, Args& args) const;
  Result<Value> call(Args& args) const override;
  // next() on an iterator; nullopt when exhausted.
  virtual bool is_iterator() const { return false; }
  virtual std::optional<Value> next_item() const { return std::nullopt; }
  // This object as a namespace() (what {% set ns.attr %} assigns to), or nullptr.
  virtual const Namespace* as_namespace() const { return nullptr; }
  // This object as a macro (whose text can be rendered straight into an output), or nullptr.
  virtual const Macro* as_macro() const { return nullptr; }
};

// `v` as a namespace() object, or nullptr.
inline const Namespace* as_namespace(const Value& v) {
  if (!v.is_object() || !v.as_object()->internal()) return nullptr;
  return static_cast<const InternalObject&>(*v.as_object()).as_namespace();
}

using BuiltinFn = Value (*)(Interp& in, Args& args);

// A named native callable (Jinja2/Python global functions, module functions). What Python
// defines as a class (range, zip, Jinja2's cycler) or as a function written in Python
// (Jinja2's lipsum) has that kind's type and repr, under its Python name.
class Builtin final : public InternalObject {
 public:
  enum class Kind : std::uint8_t { builtin, python_class, python_function };
  Builtin(std::string name, std::function<Value(Interp&, Args&)> fn, Kind kind = Kind::builtin,
          std::string python_name = {})
      : name_(std::move(name)), python_name_(std::move(python_name)), kind_(kind), fn_(std::move(fn)) {}
  std::string type_name() const override {
    return kind_ == Kind::python_class ? "type" : kind_ == Kind::python_function ? "function" : "builtin_function_or_method";
  }
  std::string repr() const override;
  bool callable() const override { return true; }
  Value invoke(Interp& in, Args& args) const override { return fn_(in, args); }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string python_name_;  // the class's qualified name, the function's name
  Kind kind_;
  std::function<Value(Interp&, Args&)> fn_;
};

Value builtin(std::string name, std::function<Value(Interp&, Args&)> fn);
// A global that Python defines as the class `class_name` (qualified by its module unless a
// Python builtin).
Value builtin_class(std::string name, std::string class_name, std::function<Value(Interp&, Args&)> fn);
// A global that Python defines as the function `function_name`, written in Python.
Value builtin_function(std::string name, std::string function_name, std::function<Value(Interp&, Args&)> fn);

// A function registered through the public API (tmpl::function).
class PublicFunction final : public Object {
 public:
  PublicFunction(std::string name, NativeFunction fn) : name_(std::move(name)), fn_(std::move(fn)) {}
  std::string type_name() const override { return "builtin_function_or_method"; }
  std::string repr() const override { return "<built-in function " + name_ + ">"; }
  bool callable() const override { return true; }
  Result<Value> call(Args& args) const override { return fn_(args); }

 private:
  std::string name_;
  NativeFunction fn_;
};

class Module final : public Object {
 public:
  Module(std::string name, Dict attrs) : name_(std::move(name)), attrs_(std::move(attrs)) {}
  std::string type_name() const override { return "module"; }
  std::string repr() const override { return "<module '" + name_ + "'>"; }
  std::optional<Value> attr(std::string_view name) const override;
  Dict& attrs() { return attrs_; }

 private:
  std::string name_;
  Dict attrs_;
};

// An iterator over a snapshot of items (Python generators, list_iterator, enumerate, zip).
class Iterator final : public InternalObject {
 public:
  Iterator(std::string type, std::vector<Value> items) : type_(std::move(type)), items_(std::move(items)) {}
  std::string type_name() const override { return type_; }
  std::string repr() const override { return "<" + type_ + " object>"; }
  std::optional<std::vector<Value>> iterate() const override;
  bool is_iterator() const override { return true; }
  std::optional<Value> next_item() const override;

 private:
  std::string type_;
  mutable std::vector<Value> items_;
  mutable std::size_t pos_ = 0;
};

Value make_iterator(std::string type, std::vector<Value> items);

// Jinja2's namespace(): attributes assignable with {% set ns.attr = ... %}.
class Namespace final : public InternalObject {
 public:
  std::string type_name() const override { return "Namespace"; }
  std::string repr() const override;
  std::optional<Value> attr(std::string_view name) const override;
  const Namespace* as_namespace() const override { return this; }
  Dict& attrs() const { return attrs_; }

 private:
  mutable Dict attrs_;
};

// dict.keys() / values() / items(): a snapshot with Python's repr.
class DictView final : public Object {
 public:
  enum class Kind { keys, values, items };
  DictView(Kind k, Value dict) : kind_(k), dict_(std::move(dict)) {}
  std::string type_name() const override;
  std::string repr() const override;
  std::optional<std::vector<Value>> iterate() const override;
  std::optional<std::size_t> length() const override { return dict_.as_dict().size(); }

 private:
  Kind kind_;
  Value dict_;
};

// A Python type used as a callable and with isinstance(): list, dict, str, int, ...
class TypeObject final : public InternalObject {
 public:
  TypeObject(std::string name, Value::Type type, BuiltinFn construct)
      : name_(std::move(name)), type_(type), construct_(construct) {}
  std::string type_name() const override { return "type"; }
  std::string repr() const override { return "<class '" + name_ + "'>"; }
  bool callable() const override { return true; }
  Value invoke(Interp& in, Args& args) const override { return construct_(in, args); }
  std::optional<Value> attr(std::string_view name) const override;
  bool is_instance(const Value& v) const;

 private:
  std::string name_;
  Value::Type type_;
  BuiltinFn construct_;
};

}  // namespace slap::tmpl
