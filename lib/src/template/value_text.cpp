// str() and repr() of values, exactly as Python prints them.
#include <algorithm>
#include <charconv>
#include <optional>

#include "errors.hpp"
#include "object.hpp"
#include "text.hpp"

namespace slap::tmpl {

namespace {

// Containers being printed, so that a list containing itself prints as [...].
struct ReprGuard {
  std::vector<const void*> active;
};

void repr_into(std::string& out, const Value& v, ReprGuard& guard);

void sequence_into(std::string& out, std::span<const Value> items, char open, char close, bool tuple,
                   ReprGuard& guard) {
  out += open;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    repr_into(out, items[i], guard);
  }
  if (tuple && items.size() == 1) out += ',';
  out += close;
}

void repr_into(std::string& out, const Value& v, ReprGuard& guard) {
  using T = Value::Type;
  const void* identity = container_identity(v);
  if (identity && std::find(guard.active.begin(), guard.active.end(), identity) != guard.active.end()) {
    out += v.is_dict() ? "{...}" : v.is_list() ? "[...]" : "(...)";
    return;
  }
  std::optional<NestingGuard> nesting;
  if (identity) {
    nesting.emplace("while getting the repr of an object");
    guard.active.push_back(identity);
  }
  switch (v.type()) {
    case T::undefined: out += "Undefined"; break;
    case T::string:
      if (v.is_markup()) out += "Markup(";
      out += string_repr(v.as_string());
      if (v.is_markup()) out += ")";
      break;
    case T::list: sequence_into(out, v.items(), '[', ']', false, guard); break;
    case T::tuple: sequence_into(out, v.items(), '(', ')', true, guard); break;
    case T::dict: {
      out += '{';
      bool first = true;
      for (const auto& e : v.as_dict()) {
        if (!first) out += ", ";
        first = false;
        repr_into(out, e.key, guard);
        out += ": ";
        repr_into(out, e.value, guard);
      }
      out += '}';
      break;
    }
    case T::set: {
      if (v.as_set().empty()) {
        out += "set()";
        break;
      }
      out += '{';
      bool first = true;
      for (const auto& e : v.as_set()) {
        if (!first) out += ", ";
        first = false;
        repr_into(out, e.key, guard);
      }
      out += '}';
      break;
    }
    case T::object: out += v.as_object()->repr(); break;
    default: append_str(out, v);
  }
  if (identity) guard.active.pop_back();
}

}  // namespace

const void* container_identity(const Value& v) {
  switch (v.type()) {
    case Value::Type::list:
    case Value::Type::tuple: return v.sequence_id();
    case Value::Type::dict: return &v.as_dict();
    case Value::Type::set: return &v.as_set();
    default: return nullptr;
  }
}

void append_str(std::string& out, const Value& v) {
  switch (v.type()) {
    case Value::Type::undefined: break;
    case Value::Type::none: out += "None"; break;
    case Value::Type::boolean: out += v.as_bool() ? "True" : "False"; break;
    case Value::Type::integer: {
      char digits[24];
      const char* end = std::to_chars(digits, digits + sizeof digits, v.as_int()).ptr;
      out.append(digits, static_cast<std::size_t>(end - digits));  // (pointer, size): no replace()
      break;
    }
    case Value::Type::floating: out += float_repr(v.as_float()); break;
    case Value::Type::string: out += v.as_string(); break;
    case Value::Type::object: out += v.as_object()->str(); break;
    default: append_repr(out, v);
  }
}

void append_repr(std::string& out, const Value& v) {
  ReprGuard guard;
  repr_into(out, v, guard);
}

std::string Value::str() const {
  if (is_string()) return as_string();
  std::string out;
  append_str(out, *this);
  return out;
}

std::string Value::repr() const {
  std::string out;
  append_repr(out, *this);
  return out;
}

std::string Object::repr() const { return "<" + type_name() + " object>"; }
std::optional<Value> Object::attr(std::string_view) const { return std::nullopt; }
Result<Value> Object::call(Args&) const {
  return fail(Error(ErrorKind::input, "'" + type_name() + "' object is not callable").with_class("TypeError"));
}

}  // namespace slap::tmpl
