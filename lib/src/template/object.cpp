#include "object.hpp"

#include <fmt/format.h>

#include "bigint.hpp"
#include "errors.hpp"
#include "methods.hpp"
#include "text.hpp"

namespace slap::tmpl {

Value InternalObject::invoke(Interp&, Args&) const { type_error("'" + type_name() + "' object is not callable"); }

Result<Value> InternalObject::call(Args&) const {
  return fail(Error(ErrorKind::internal, repr() + " can only be called from a template"));
}

Value builtin(std::string name, std::function<Value(Interp&, Args&)> fn) {
  return Value::object(std::make_shared<Builtin>(std::move(name), std::move(fn)));
}

Value builtin_class(std::string name, std::string class_name, std::function<Value(Interp&, Args&)> fn) {
  return Value::object(std::make_shared<Builtin>(std::move(name), std::move(fn), Builtin::Kind::python_class,
                                                 std::move(class_name)));
}

Value builtin_function(std::string name, std::string function_name, std::function<Value(Interp&, Args&)> fn) {
  return Value::object(std::make_shared<Builtin>(std::move(name), std::move(fn), Builtin::Kind::python_function,
                                                 std::move(function_name)));
}

std::string Builtin::repr() const {
  switch (kind_) {
    case Kind::python_class: return "<class '" + python_name_ + "'>";
    case Kind::python_function: return fmt::format("<function {} at {}>", python_name_, static_cast<const void*>(this));
    case Kind::builtin: break;
  }
  return "<built-in function " + name_ + ">";
}

Value function(std::string name, NativeFunction fn) {
  return Value::object(std::make_shared<PublicFunction>(std::move(name), std::move(fn)));
}

Value module(std::string name, Dict attrs) {
  return Value::object(std::make_shared<Module>(std::move(name), std::move(attrs)));
}

std::optional<Value> Module::attr(std::string_view name) const {
  if (const Value* v = attrs_.find(name)) return *v;
  return std::nullopt;
}

Value make_iterator(std::string type, std::vector<Value> items) {
  return Value::object(std::make_shared<Iterator>(std::move(type), std::move(items)));
}

std::optional<std::vector<Value>> Iterator::iterate() const {
  std::vector<Value> rest(items_.begin() + static_cast<std::ptrdiff_t>(pos_), items_.end());
  pos_ = items_.size();
  return rest;
}

std::optional<Value> Iterator::next_item() const {
  if (pos_ >= items_.size()) return std::nullopt;
  return items_[pos_++];
}

std::string Namespace::repr() const {
  std::string out = "<Namespace {";
  bool first = true;
  for (const auto& e : attrs_) {
    if (!first) out += ", ";
    first = false;
    out += e.key.repr() + ": " + e.value.repr();
  }
  return out + "}>";
}

std::optional<Value> Namespace::attr(std::string_view name) const {
  if (const Value* v = attrs_.find(name)) return *v;
  return std::nullopt;
}

std::string DictView::type_name() const {
  return kind_ == Kind::keys ? "dict_keys" : kind_ == Kind::values ? "dict_values" : "dict_items";
}

std::optional<std::vector<Value>> DictView::iterate() const {
  std::vector<Value> out;
  out.reserve(dict_.as_dict().size());
  for (const auto& e : dict_.as_dict()) {
    if (kind_ == Kind::keys) out.push_back(e.key);
    else if (kind_ == Kind::values) out.push_back(e.value);
    else out.push_back(Value::pair(e.key, e.value));
  }
  return out;
}

std::string DictView::repr() const { return type_name() + "(" + Value::list(*iterate()).repr() + ")"; }

// Unbound methods: str.lower(s), dict.get(d, k), usable as sort keys.
std::optional<Value> TypeObject::attr(std::string_view name) const {
  if (type_ == Value::Type::dict && name == "fromkeys") return builtin("fromkeys", dict_fromkeys);
  Value sample;
  switch (type_) {
    case Value::Type::string: sample = Value(""); break;
    case Value::Type::list: sample = Value::list(); break;
    case Value::Type::tuple: sample = Value::tuple({}); break;
    case Value::Type::dict: sample = Value::dict(); break;
    case Value::Type::set: sample = Value::set(); break;
    default: return std::nullopt;
  }
  MethodFn fn = find_method(sample, name);
  if (!fn) return std::nullopt;
  std::string type = name_, method(name);
  Value::Type expected = type_;
  return builtin(type + "." + method, [fn, type, method, expected](Interp& in, Args& args) {
    if (args.positional.empty() || args.positional[0].type() != expected)
      type_error("descriptor '" + method + "' for '" + type + "' objects needs a '" + type + "' argument");
    Value self = args.positional[0];
    Args rest{{args.positional.begin() + 1, args.positional.end()}, args.keywords};
    return fn(in, self, rest);
  });
}

bool TypeObject::is_instance(const Value& v) const {
  if (type_ == Value::Type::integer) return v.is_int() || v.is_bool() || big_int(v);
  return v.type() == type_;
}

}  // namespace slap::tmpl
