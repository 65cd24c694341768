// Value operations whose behaviour depends on the undefined policy, name lookup, and the
// template loader.
#include "interp.hpp"

#include "autoescape.hpp"

#include <algorithm>

#include "errors.hpp"
#include "methods.hpp"
#include "ops.hpp"
#include "parser.hpp"
#include "text.hpp"

namespace slap::tmpl {

void Interp::raise_undefined(const Value& v) const { raise_undefined_hint(v); }

void Interp::append_text(std::string& to, const Value& v) const {
  if (v.is_string()) {
    append_bytes(to, v.as_string());
    return;
  }
  use(v);
  append_str(to, v);
}

std::string Interp::to_str(const Value& v) const {
  if (v.is_string()) return v.as_string();
  std::string out;
  append_text(out, v);
  return out;
}

bool Interp::truth(const Value& v) const {
  use(v);
  return v.truthy();
}

std::vector<Value> Interp::iterate(const Value& v) const {
  switch (v.type()) {
    case Value::Type::undefined: use(v); return {};
    case Value::Type::string: {
      std::vector<Value> out;
      const std::string& s = v.as_string();
      for (std::size_t i = 0; i < s.size();) {
        std::size_t start = i;
        next_code_point(s, i);
        out.emplace_back(s.substr(start, i - start));
      }
      return out;
    }
    case Value::Type::list:
    case Value::Type::tuple: return v.items_copy();
    case Value::Type::dict:
    case Value::Type::set: {
      std::vector<Value> out;
      const Dict& d = v.is_dict() ? v.as_dict() : v.as_set();
      out.reserve(d.size());
      for (const auto& e : d) out.push_back(e.key);
      return out;
    }
    case Value::Type::object:
      if (auto items = v.as_object()->iterate()) return std::move(*items);
      break;
    default: break;
  }
  type_error("'" + v.type_name() + "' object is not iterable");
}

bool Interp::equal(const Value& a, const Value& b) const {
  use(a);
  use(b);
  return a == b;
}

bool Interp::contains(const Value& container, const Value& item) const {
  use(container);
  use(item);
  switch (container.type()) {
    case Value::Type::undefined: return false;
    case Value::Type::string:
      if (!item.is_string())
        type_error("'in <string>' requires string as left operand, not " + item.type_name());
      return container.as_string().find(item.as_string()) != std::string::npos;
    case Value::Type::list:
    case Value::Type::tuple:
      for (const auto& v : container.items())
        if (v == item) return true;
      return false;
    case Value::Type::dict:
    case Value::Type::set:
      require_hashable(item);
      return (container.is_dict() ? container.as_dict() : container.as_set()).contains(item);
    case Value::Type::object:
      if (auto items = container.as_object()->iterate()) {
        for (const auto& v : *items)
          if (v == item) return true;
        return false;
      }
      break;
    default: break;
  }
  type_error("argument of type '" + container.type_name() + "' is not iterable");
}

Value Interp::call(const Value& callee, Args& args) {
  if (callee.is_undefined()) raise_undefined(callee);
  if (callee.is_object()) {
    const Object& o = *callee.as_object();
    if (o.internal()) return static_cast<const InternalObject&>(o).invoke(*this, args);
    if (o.callable()) {
      auto r = o.call(args);
      if (!r) throw std::move(r.error());
      return std::move(*r);
    }
  }
  type_error("'" + callee.type_name() + "' object is not callable");
}

Value Interp::getattr(const Value& obj, std::string_view name) {
  return getattr(obj, name, std::hash<std::string_view>{}(name), find_method(obj, name));
}

Value Interp::getattr(const Value& obj, std::string_view name, std::size_t hash) {
  return getattr(obj, name, hash, find_method(obj, name));
}

const Value* Interp::attr_ref(const Value& obj, const GetattrExpr& g) const {
  if (obj.is_dict()) return g.methods.dict ? nullptr : obj.as_dict().find(g.attr, g.hash, g.position_hint);
  if (const Namespace* ns = as_namespace(obj)) return ns->attrs().find(g.attr, g.hash);
  if (obj.is_tuple() && !g.methods.tuple) {
    const auto& fields = obj.tuple_fields();
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (fields[i] == g.attr) return &obj.items()[i];
  }
  return nullptr;
}

Value Interp::getattr(const Value& obj, const GetattrExpr& g) {
  if (const Value* v = attr_ref(obj, g)) return *v;
  return getattr(obj, g.attr, g.hash, g.methods.of(obj));
}

Value Interp::getattr(const Value& obj, std::string_view name, std::size_t hash, MethodFn method) {
  if (obj.is_undefined()) raise_undefined(obj);
  if (obj.is_object()) {
    if (auto v = obj.as_object()->attr(name)) return std::move(*v);
  } else if (method) {
    // Methods first (Jinja2 tries getattr before the item); keys rarely start like one.
    return bound_method(obj, name, method);
  } else if (obj.is_dict()) {
    if (const Value* v = obj.as_dict().find(name, hash)) return *v;
  } else if (obj.is_tuple()) {
    const auto& fields = obj.tuple_fields();
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (fields[i] == name) return obj.items()[i];
  }
  if (auto v = number_attribute(obj, name)) return std::move(*v);
  if (MethodFn fn = find_number_method(obj, name)) return bound_method(obj, name, fn);
  return Value::undefined(object_type_repr(obj) + " has no attribute " + string_repr(name));
}

Value Interp::getitem(const Value& obj, const Value& key) {
  if (obj.is_undefined()) raise_undefined(obj);
  switch (obj.type()) {
    case Value::Type::dict:
      if (!key.is_list() && !key.is_dict() && !key.is_set())
        if (const Value* v = obj.as_dict().find(key)) return *v;
      break;
    case Value::Type::list:
    case Value::Type::tuple:
    case Value::Type::string:
      if (auto i = index_of(key))
        if (auto v = item_at(obj, *i)) return obj.is_markup() ? Value::markup(v->as_string()) : std::move(*v);
      break;
    case Value::Type::object:
      // Sized iterables (range, urlparse results) index like tuples.
      if (auto i = index_of(key); i && obj.as_object()->length())
        if (auto v = item_at(Value::tuple(*obj.as_object()->iterate()), *i)) return std::move(*v);
      break;
    default: break;
  }
  if (python) {  // no attribute fallback in Python
    if (obj.is_dict()) raise("KeyError", key.repr());
    if (obj.is_list() || obj.is_tuple() || obj.is_string()) {
      if (!index_of(key)) type_error(obj.type_name() + " indices must be integers or slices, not " + key.type_name());
      raise("IndexError", obj.type_name() + " index out of range");
    }
    type_error("'" + obj.type_name() + "' object is not subscriptable");
  }
  if (key.is_string()) return getattr(obj, key.as_string());
  std::string type = obj.is_none() ? "None" : obj.type_name() + " object";
  return Value::undefined(type + " has no element " + key.repr());
}

void Vars::set(Symbol s, Value v) {
  if (Value* found = find(s)) {
    *found = std::move(v);
    return;
  }
  entries_.emplace_back(s, std::move(v));
  constexpr std::size_t short_list = 12;
  if (entries_.size() <= short_list) return;
  if (entries_.size() * 2 <= index_.size()) {
    add_to_index(entries_.size() - 1);
    return;
  }
  index_.assign(std::max<std::size_t>(32, index_.size() * 2), 0);
  for (std::size_t i = 0; i < entries_.size(); ++i) add_to_index(i);
}

void Vars::add_to_index(std::size_t at) {
  std::size_t mask = index_.size() - 1;
  std::size_t i = (entries_[at].sym * 0x9E3779B1u) & mask;
  while (index_[i]) i = (i + 1) & mask;
  index_[i] = static_cast<std::uint32_t>(at + 1);
}

Value* Vars::find_indexed(Symbol s) {
  std::size_t mask = index_.size() - 1;
  for (std::size_t i = (s * 0x9E3779B1u) & mask;; i = (i + 1) & mask) {
    std::uint32_t at = index_[i];
    if (!at) return nullptr;
    if (entries_[at - 1].sym == s) return &entries_[at - 1].value;
  }
}

void RootContext::add_slot(Symbol s, const Value* v) {
  if ((used + 1) * 2 > slots.size()) {
    std::vector<Slot> old = std::move(slots);
    slots.assign(std::max<std::size_t>(16, old.size() * 2), Slot{0, unresolved()});
    used = 0;
    for (const Slot& slot : old)
      if (slot.value != unresolved()) add_slot(slot.sym, slot.value);
  }
  std::size_t mask = slots.size() - 1;
  std::size_t i = (s * 0x9E3779B1u) & mask;
  while (slots[i].value != unresolved()) i = (i + 1) & mask;
  slots[i] = Slot{s, v};
  ++used;
}

const Value* Interp::find_variable(Symbol sym, std::string_view name, std::size_t hash, const Scope& scope) const {
  for (const Scope* s = &scope; s; s = s->parent.get())
    if (const Value* v = s->vars.find(sym)) return v;
  RootContext& root = *scope.root;
  if (const RootContext::Slot* slot = root.find_slot(sym)) return slot->value;
  const Value* v = root.base.find(name, hash);
  if (!v) v = root.globals->find(name, hash);
  root.add_slot(sym, v);
  return v;
}

Value Interp::undefined_name(std::string_view name) const {
  if (python) raise("NameError", "name " + string_repr(name) + " is not defined");
  return Value::undefined(string_repr(name) + " is undefined");
}

Dict Interp::snapshot(const Scope& scope) const {
  std::vector<const Scope*> chain;
  for (const Scope* s = &scope; s; s = s->parent.get()) chain.push_back(s);
  Dict all = scope.root->base;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it)
    for (const auto& e : (*it)->vars) all.set(Value(symbol_name(e.sym)), e.value);
  return all;
}

std::shared_ptr<const TemplateData> Interp::load(const std::string& name) {
  auto it = cache_.find(name);
  if (it != cache_.end()) return it->second;
  if (!env.loader) raise("TemplateNotFound", "template '" + name + "' not found: no template loader is configured");
  auto source = env.loader(name);
  if (!source) {
    Error e = std::move(source.error());
    e.cls = "TemplateNotFound";
    throw e;
  }
  std::shared_ptr<TemplateData> t = parse_template(*source, name, options);
  t->autoescape = initial_autoescape(options, name);
  cache_.emplace(name, t);
  return t;
}

std::string Interp::capture(const Body& body, const ScopePtr& scope) {
  std::string buf;
  OutputRedirect redirect(*this, buf);
  exec(body, scope);
  return buf;
}

void Interp::render(const std::shared_ptr<const TemplateData>& t, Dict base, std::string& output) {
  render_chain(t, std::move(base), output);
}

}  // namespace slap::tmpl
