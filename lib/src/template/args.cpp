// Argument binding for native functions and bound methods of built-in values.
#include "bigint.hpp"
#include "errors.hpp"
#include "methods.hpp"
#include "object.hpp"

namespace slap::tmpl {

BoundArgs bind_args_in_full(const Args& args, std::string_view function, std::span<const ParamSpec> params,
                            std::size_t required) {
  auto fn = [function] { return std::string(function); };  // error messages only: no allocation per call
  if (args.positional.size() > params.size())
    type_error(fn() + "() takes at most " + std::to_string(params.size()) + " argument" +
               (params.size() == 1 ? "" : "s") + " (" + std::to_string(args.positional.size()) + " given)");
  if (params.size() > BoundArgs::capacity) raise("RuntimeError", fn() + "() declares more parameters than bind_args holds");
  BoundArgs out;
  std::uint64_t given = 0;  // bit i: parameter i was passed (filters and methods take a handful)
  for (const auto& p : params) out.push_back(p.default_value);
  for (std::size_t i = 0; i < args.positional.size(); ++i) {
    out.bind(i, args.positional[i]);
    given |= std::uint64_t{1} << i;
  }
  for (const auto& [k, v] : args.keywords) {
    std::size_t i = 0;
    for (const auto& p : params) {
      if (p.name == k) break;
      ++i;
    }
    if (i == params.size()) type_error(fn() + "() got an unexpected keyword argument '" + k + "'");
    if (given & (std::uint64_t{1} << i)) type_error(fn() + "() got multiple values for argument '" + k + "'");
    out.bind(i, v);
    given |= std::uint64_t{1} << i;
  }
  std::size_t i = 0;
  for (const auto& p : params) {
    if (i < required && !(given & (std::uint64_t{1} << i)))
      type_error(fn() + "() missing required argument '" + std::string(p.name) + "'");
    ++i;
  }
  return out;
}

std::int64_t int_arg(const Value& v) {
  if (v.is_int()) return v.as_int();
  if (v.is_bool()) return v.as_bool();
  if (big_int(v)) raise("OverflowError", "Python int too large to convert to C ssize_t");
  type_error("'" + v.type_name() + "' object cannot be interpreted as an integer");
}

void refuse_args(const Args& args, std::string_view function) {
  type_error(std::string(function) + "() takes no arguments (" +
             std::to_string(args.positional.size() + args.keywords.size()) + " given)");
}

namespace {

class BoundMethod final : public InternalObject {
 public:
  BoundMethod(Value self, std::string name, MethodFn fn) : self_(std::move(self)), name_(std::move(name)), fn_(fn) {}
  std::string type_name() const override { return "builtin_function_or_method"; }
  std::string repr() const override {
    return "<built-in method " + name_ + " of " + self_.type_name() + " object>";
  }
  bool callable() const override { return true; }
  Value invoke(Interp& in, Args& args) const override { return fn_(in, self_, args); }

 private:
  Value self_;
  std::string name_;
  MethodFn fn_;
};

}  // namespace

Value bound_method(const Value& self, std::string_view name, MethodFn fn) {
  return Value::object(std::make_shared<BoundMethod>(self, std::string(name), fn));
}

MethodSet MethodSet::named(std::string_view name) {
  // One sample of each type for the whole process: the parser asks for every x.name.
  static const Value list = Value::list(), tuple = Value::tuple({}), dict = Value::dict(), set = Value::set();
  return MethodSet{find_str_method(name), find_collection_method(list, name), find_collection_method(tuple, name),
                   find_collection_method(dict, name), find_collection_method(set, name)};
}

MethodFn find_method(const Value& self, std::string_view name) {
  if (self.is_string()) return find_str_method(name);
  return find_collection_method(self, name);
}

}  // namespace slap::tmpl
