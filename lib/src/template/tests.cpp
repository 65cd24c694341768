// Tests (`x is defined`, `x is none`, ...): Jinja2's DEFAULT_TESTS.
#include <algorithm>
#include <unordered_map>

#include "bigint.hpp"
#include "errors.hpp"
#include "filters.hpp"
#include "interp.hpp"
#include "methods.hpp"
#include "ops.hpp"

namespace slap::tmpl {

namespace {

const Value& arg(const Args& args, const char* test) {
  if (args.positional.size() != 1) type_error(std::string(test) + "() takes exactly one argument");
  return args.positional[0];
}

bool t_defined(Interp&, const Value& v, const Args&) { return !v.is_undefined(); }
bool t_undefined(Interp&, const Value& v, const Args&) { return v.is_undefined(); }
bool t_none(Interp&, const Value& v, const Args&) { return v.is_none(); }
bool t_boolean(Interp&, const Value& v, const Args&) { return v.is_bool(); }
bool t_true(Interp&, const Value& v, const Args&) { return v.is_bool() && v.as_bool(); }
bool t_false(Interp&, const Value& v, const Args&) { return v.is_bool() && !v.as_bool(); }
bool t_integer(Interp&, const Value& v, const Args&) { return v.is_int() || big_int(v); }
bool t_float(Interp&, const Value& v, const Args&) { return v.is_float(); }
bool t_number(Interp&, const Value& v, const Args&) { return v.is_number() || big_int(v); }
bool t_string(Interp&, const Value& v, const Args&) { return v.is_string(); }
bool t_mapping(Interp&, const Value& v, const Args&) { return v.is_dict(); }
// An undefined value is callable (calling it fails), as Jinja2's Undefined defines __call__.
bool t_callable(Interp&, const Value& v, const Args&) {
  return v.is_undefined() || (v.is_object() && v.as_object()->callable());
}
bool t_escaped(Interp&, const Value& v, const Args&) { return v.is_markup(); }

bool t_sequence(Interp& in, const Value& v, const Args&) {
  in.use(v);
  return v.is_string() || v.is_list() || v.is_tuple() || v.is_dict() || v.is_undefined() ||
         (v.is_object() && v.as_object()->length() && v.as_object()->iterate());
}

bool t_iterable(Interp& in, const Value& v, const Args&) {
  in.use(v);
  if (v.is_object()) return v.as_object()->internal() ? true : static_cast<bool>(v.as_object()->iterate());
  return !v.is_none() && !v.is_number();
}

bool t_lower(Interp& in, const Value& v, const Args&) {
  Args none;
  return find_str_method("islower")(in, Value(in.to_str(v)), none).as_bool();
}

bool t_upper(Interp& in, const Value& v, const Args&) {
  Args none;
  return find_str_method("isupper")(in, Value(in.to_str(v)), none).as_bool();
}

bool t_odd(Interp&, const Value& v, const Args&) { return binary(BinaryOp::mod, v, Value(2)) == Value(1); }
bool t_even(Interp&, const Value& v, const Args&) { return binary(BinaryOp::mod, v, Value(2)) == Value(0); }
bool t_divisibleby(Interp&, const Value& v, const Args& args) {
  return binary(BinaryOp::mod, v, arg(args, "divisibleby")) == Value(0);
}
bool t_sameas(Interp&, const Value& v, const Args& args) { return v.same(arg(args, "sameas")); }
bool t_in(Interp& in, const Value& v, const Args& args) { return in.contains(arg(args, "in"), v); }
bool t_eq(Interp& in, const Value& v, const Args& args) { return in.equal(v, arg(args, "eq")); }
bool t_ne(Interp& in, const Value& v, const Args& args) { return !in.equal(v, arg(args, "ne")); }
bool t_lt(Interp&, const Value& v, const Args& args) { return compare(v, arg(args, "lt")) < 0; }
bool t_le(Interp&, const Value& v, const Args& args) { return compare(v, arg(args, "le")) <= 0; }
bool t_gt(Interp&, const Value& v, const Args& args) { return compare(v, arg(args, "gt")) > 0; }
bool t_ge(Interp&, const Value& v, const Args& args) { return compare(v, arg(args, "ge")) >= 0; }
bool t_filter(Interp&, const Value& v, const Args&) { return v.is_string() && find_filter(v.as_string()); }
bool t_test(Interp&, const Value& v, const Args&) { return v.is_string() && find_test(v.as_string()); }

const TestFn tests[] = {
    {"defined", t_defined}, {"undefined", t_undefined}, {"none", t_none}, {"boolean", t_boolean},
    {"true", t_true}, {"false", t_false}, {"integer", t_integer}, {"float", t_float}, {"number", t_number},
    {"string", t_string}, {"mapping", t_mapping}, {"sequence", t_sequence}, {"iterable", t_iterable},
    {"callable", t_callable}, {"escaped", t_escaped}, {"lower", t_lower}, {"upper", t_upper}, {"odd", t_odd},
    {"even", t_even}, {"divisibleby", t_divisibleby}, {"sameas", t_sameas}, {"in", t_in}, {"==", t_eq},
    {"eq", t_eq}, {"equalto", t_eq}, {"!=", t_ne}, {"ne", t_ne}, {"<", t_lt}, {"lt", t_lt}, {"lessthan", t_lt},
    {"<=", t_le}, {"le", t_le}, {">", t_gt}, {"gt", t_gt}, {"greaterthan", t_gt}, {">=", t_ge}, {"ge", t_ge},
    {"filter", t_filter}, {"test", t_test},
};

}  // namespace

const TestFn* find_test(std::string_view name) {
  static const std::unordered_map<std::string_view, const TestFn*> table = [] {
    std::unordered_map<std::string_view, const TestFn*> t;
    for (const auto& f : tests) t.emplace(f.name, &f);
    return t;
  }();
  auto it = table.find(name);
  return it == table.end() ? nullptr : it->second;
}

std::vector<std::string_view> test_names() {
  std::vector<std::string_view> names;
  for (const auto& t : tests) names.push_back(t.name);
  std::sort(names.begin(), names.end());
  return names;
}

bool call_test(Interp& in, const Value& name, const Value& subject, const Args& args) {
  const TestFn* t = name.is_string() ? find_test(name.as_string()) : nullptr;
  if (!t) raise("TemplateRuntimeError", "No test named " + name.repr() + ".");
  return t->fn(in, subject, args);
}

}  // namespace slap::tmpl
