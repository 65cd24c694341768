// Python methods of list, tuple, dict and set.
#include <algorithm>
#include <unordered_map>

#include "errors.hpp"
#include "interp.hpp"
#include "methods.hpp"
#include "ops.hpp"

namespace slap::tmpl {

namespace {

using Table = std::unordered_map<std::string_view, MethodFn>;

// ----- list -----

Value l_append(Interp&, const Value& self, const Args& args) {
  self.list_items().push_back(bind_args(args, "append", SLAP_PARAMS({"object", Value()}), 1)[0]);
  return Value();
}

Value l_extend(Interp& in, const Value& self, const Args& args) {
  auto items = in.iterate(bind_args(args, "extend", SLAP_PARAMS({"iterable", Value()}), 1)[0]);
  auto& list = self.list_items();
  list.insert(list.end(), items.begin(), items.end());
  return Value();
}

Value l_insert(Interp&, const Value& self, const Args& args) {
  auto a = bind_args(args, "insert", SLAP_PARAMS({"index", Value()}, {"object", Value()}), 2);
  auto& list = self.list_items();
  auto n = static_cast<std::int64_t>(list.size());
  std::int64_t i = int_arg(a[0]);
  if (i < 0) i = std::max<std::int64_t>(0, i + n);
  i = std::min(i, n);
  list.insert(list.begin() + i, a[1]);
  return Value();
}

Value l_pop(Interp&, const Value& self, const Args& args) {
  auto a = bind_args(args, "pop", SLAP_PARAMS({"index", Value(-1)}), 0);
  auto& list = self.list_items();
  if (list.empty()) raise("IndexError", "pop from empty list");
  auto n = static_cast<std::int64_t>(list.size());
  std::int64_t i = int_arg(a[0]);
  if (i < 0) i += n;
  if (i < 0 || i >= n) raise("IndexError", "pop index out of range");
  Value v = std::move(list[static_cast<std::size_t>(i)]);
  list.erase(list.begin() + i);
  return v;
}

Value l_remove(Interp&, const Value& self, const Args& args) {
  Value x = bind_args(args, "remove", SLAP_PARAMS({"value", Value()}), 1)[0];
  auto& list = self.list_items();
  auto it = std::find(list.begin(), list.end(), x);
  if (it == list.end()) value_error("list.remove(x): x not in list");
  list.erase(it);
  return Value();
}

Value s_index(Interp&, const Value& self, const Args& args) {
  Value x = bind_args(args, "index", SLAP_PARAMS({"value", Value()}), 1)[0];
  const auto& items = self.items();
  auto it = std::find(items.begin(), items.end(), x);
  if (it == items.end()) value_error(self.is_tuple() ? "tuple.index(x): x not in tuple" : x.repr() + " is not in list");
  return Value(static_cast<std::int64_t>(it - items.begin()));
}

Value s_count(Interp&, const Value& self, const Args& args) {
  Value x = bind_args(args, "count", SLAP_PARAMS({"value", Value()}), 1)[0];
  return Value(static_cast<std::int64_t>(std::count(self.items().begin(), self.items().end(), x)));
}

Value l_sort(Interp& in, const Value& self, const Args& args) {
  if (!args.positional.empty()) type_error("sort() takes no positional arguments");
  auto a = bind_args(args, "sort", SLAP_PARAMS({"key", Value()}, {"reverse", Value(false)}), 0);
  auto& list = self.list_items();
  std::vector<Value> keys;
  keys.reserve(list.size());
  for (const auto& v : list) {
    if (a[0].is_none()) {
      keys.push_back(v);
      continue;
    }
    Args call_args{{v}, {}};
    keys.push_back(in.call(a[0], call_args));
  }
  sort_by_keys(list, keys, in.truth(a[1]));
  return Value();
}

Value l_reverse(Interp&, const Value& self, const Args& args) {
  no_args(args, "reverse");
  std::reverse(self.list_items().begin(), self.list_items().end());
  return Value();
}

Value l_copy(Interp&, const Value& self, const Args& args) {
  no_args(args, "copy");
  return Value::list(self.items_copy());
}

Value l_clear(Interp&, const Value& self, const Args& args) {
  no_args(args, "clear");
  self.list_items().clear();
  return Value();
}

Value l_setitem(Interp&, const Value& self, const Args& args) {
  auto a = bind_args(args, "__setitem__", SLAP_PARAMS({"key", Value()}, {"value", Value()}), 2);
  auto& list = self.list_items();
  auto n = static_cast<std::int64_t>(list.size());
  auto i = index_of(a[0]);
  if (!i) type_error("list indices must be integers or slices, not " + a[0].type_name());
  std::int64_t k = *i < 0 ? *i + n : *i;
  if (k < 0 || k >= n) raise("IndexError", "list assignment index out of range");
  list[static_cast<std::size_t>(k)] = a[1];
  return Value();
}

Value s_getitem(Interp&, const Value& self, const Args& args) {
  Value key = bind_args(args, "__getitem__", SLAP_PARAMS({"key", Value()}), 1)[0];
  auto i = index_of(key);
  if (!i) type_error(self.type_name() + " indices must be integers or slices, not " + key.type_name());
  auto v = item_at(self, *i);
  if (!v) raise("IndexError", self.type_name() + " index out of range");
  return *v;
}

// ----- dict -----

Value d_get(Interp&, const Value& self, const Args& args) {
  auto a = bind_args(args, "get", SLAP_PARAMS({"key", Value()}, {"default", Value()}), 1);
  require_hashable(a[0]);
  const Value* v = self.as_dict().find(a[0]);
  return v ? *v : a[1];
}

Value d_view(const Value& self, const Args& args, DictView::Kind kind, const char* name) {
  no_args(args, name);
  return Value::object(std::make_shared<DictView>(kind, self));
}
Value d_items(Interp&, const Value& self, const Args& args) { return d_view(self, args, DictView::Kind::items, "items"); }
Value d_keys(Interp&, const Value& self, const Args& args) { return d_view(self, args, DictView::Kind::keys, "keys"); }
Value d_values(Interp&, const Value& self, const Args& args) { return d_view(self, args, DictView::Kind::values, "values"); }

Value d_setitem(Interp&, const Value& self, const Args& args) {
  auto a = bind_args(args, "__setitem__", SLAP_PARAMS({"key", Value()}, {"value", Value()}), 2);
  require_hashable(a[0]);
  self.as_dict().set(a[0], a[1]);
  return Value();
}

Value d_getitem(Interp&, const Value& self, const Args& args) {
  Value key = bind_args(args, "__getitem__", SLAP_PARAMS({"key", Value()}), 1)[0];
  require_hashable(key);
  const Value* v = self.as_dict().find(key);
  if (!v) raise("KeyError", key.repr());
  return *v;
}

Value d_delitem(Interp&, const Value& self, const Args& args) {
  Value key = bind_args(args, "__delitem__", SLAP_PARAMS({"key", Value()}), 1)[0];
  require_hashable(key);
  if (!self.as_dict().erase(key)) raise("KeyError", key.repr());
  return Value();
}

Value d_contains(Interp&, const Value& self, const Args& args) {
  Value key = bind_args(args, "__contains__", SLAP_PARAMS({"key", Value()}), 1)[0];
  require_hashable(key);
  return Value(self.as_dict().contains(key));
}

Value d_setdefault(Interp&, const Value& self, const Args& args) {
  auto a = bind_args(args, "setdefault", SLAP_PARAMS({"key", Value()}, {"default", Value()}), 1);
  require_hashable(a[0]);
  Dict& d = self.as_dict();
  if (const Value* v = d.find(a[0])) return *v;
  d.set(a[0], a[1]);
  return a[1];
}

Value d_pop(Interp&, const Value& self, const Args& args) {
  if (args.positional.empty() || args.positional.size() > 2 || !args.keywords.empty())
    type_error("pop expected at least 1 argument, got " + std::to_string(args.positional.size()));
  const Value& key = args.positional[0];
  require_hashable(key);
  Dict& d = self.as_dict();
  if (const Value* v = d.find(key)) {
    Value out = *v;
    d.erase(key);
    return out;
  }
  if (args.positional.size() == 2) return args.positional[1];
  raise("KeyError", key.repr());
}

Value d_popitem(Interp&, const Value& self, const Args& args) {
  no_args(args, "popitem");
  Dict& d = self.as_dict();
  if (d.empty()) raise("KeyError", "'popitem(): dictionary is empty'");
  Dict::Entry last = d.entries().back();
  d.erase(last.key);
  return Value::pair(last.key, last.value);
}

// dict.update(other or pairs, **kwargs)
void update_dict(Interp& in, Dict& d, const Args& args, const char* name) {
  if (args.positional.size() > 1) type_error(std::string(name) + " expected at most 1 argument, got " + std::to_string(args.positional.size()));
  if (!args.positional.empty()) {
    const Value& other = args.positional[0];
    if (other.is_dict()) {
      for (const auto& e : other.as_dict()) d.set(e.key, e.value);
    } else {
      std::size_t i = 0;
      for (const auto& pair : in.iterate(other)) {
        auto kv = in.iterate(pair);
        if (kv.size() != 2)
          value_error("dictionary update sequence element #" + std::to_string(i) + " has length " +
                      std::to_string(kv.size()) + "; 2 is required");
        require_hashable(kv[0]);
        d.set(kv[0], kv[1]);
        ++i;
      }
    }
  }
  for (const auto& [k, v] : args.keywords) d.set(Value(k), v);
}

Value d_update(Interp& in, const Value& self, const Args& args) {
  update_dict(in, self.as_dict(), args, "update");
  return Value();
}

Value d_copy(Interp&, const Value& self, const Args& args) {
  no_args(args, "copy");
  return Value::dict(self.as_dict());
}

Value d_clear(Interp&, const Value& self, const Args& args) {
  no_args(args, "clear");
  self.as_dict().clear();
  return Value();
}

Value d_fromkeys(Interp& in, const Value&, const Args& args) {
  auto a = bind_args(args, "fromkeys", SLAP_PARAMS({"iterable", Value()}, {"value", Value()}), 1);
  Dict d;
  for (auto& k : in.iterate(a[0])) {
    require_hashable(k);
    d.set(std::move(k), a[1]);
  }
  return Value::dict(std::move(d));
}

// ----- set -----

Value set_add(Interp&, const Value& self, const Args& args) {
  Value x = bind_args(args, "add", SLAP_PARAMS({"elem", Value()}), 1)[0];
  require_hashable(x);
  self.as_set().set(std::move(x), Value());
  return Value();
}

Value set_update(Interp& in, const Value& self, const Args& args) {
  for (const auto& other : args.positional)
    for (auto& x : in.iterate(other)) {
      require_hashable(x);
      self.as_set().set(std::move(x), Value());
    }
  return Value();
}

Value set_discard(Interp&, const Value& self, const Args& args) {
  Value x = bind_args(args, "discard", SLAP_PARAMS({"elem", Value()}), 1)[0];
  self.as_set().erase(x);
  return Value();
}

Value set_remove(Interp&, const Value& self, const Args& args) {
  Value x = bind_args(args, "remove", SLAP_PARAMS({"elem", Value()}), 1)[0];
  if (!self.as_set().erase(x)) raise("KeyError", x.repr());
  return Value();
}

Value set_pop(Interp&, const Value& self, const Args& args) {
  no_args(args, "pop");
  if (self.as_set().empty()) raise("KeyError", "'pop from an empty set'");
  Value x = self.as_set().entries().front().key;
  self.as_set().erase(x);
  return x;
}

// A set holding the keys of `keys`, in their order.
Value set_of(const Dict& keys) {
  std::vector<Value> items;
  items.reserve(keys.size());
  for (const auto& e : keys) items.push_back(e.key);
  return Value::set(std::move(items));
}

// union / intersection / difference / issubset / issuperset against any iterables.
Value set_combine(Interp& in, const Value& self, const Args& args, char how) {
  Dict result = how == '|' ? self.as_set() : Dict{};
  std::vector<Value> others;
  for (const auto& o : args.positional) {
    Value other = o.is_set() ? o : Value::set(in.iterate(o));
    others.push_back(other);
  }
  if (how == '|') {
    for (const auto& o : others)
      for (const auto& e : o.as_set()) result.set(e.key, Value());
  } else {
    for (const auto& e : self.as_set()) {
      bool keep = true;
      for (const auto& o : others) keep = keep && (o.as_set().contains(e.key) == (how == '&'));
      if (keep) result.set(e.key, Value());
    }
  }
  return set_of(result);
}

Value set_union(Interp& in, const Value& self, const Args& args) { return set_combine(in, self, args, '|'); }
Value set_intersection(Interp& in, const Value& self, const Args& args) { return set_combine(in, self, args, '&'); }
Value set_difference(Interp& in, const Value& self, const Args& args) { return set_combine(in, self, args, '-'); }

// The in-place forms: self becomes self - others, or self & others.
Value set_combine_update(Interp& in, const Value& self, const Args& args, char how) {
  Value result = set_combine(in, self, args, how);
  Dict& keys = self.as_set();
  keys = result.as_set();
  return Value();
}
Value set_difference_update(Interp& in, const Value& self, const Args& args) {
  return set_combine_update(in, self, args, '-');
}
Value set_intersection_update(Interp& in, const Value& self, const Args& args) {
  return set_combine_update(in, self, args, '&');
}

// Items in exactly one of self and other: self's first, then other's, in their orders.
Dict symmetric_difference(Interp& in, const Value& self, const Value& other) {
  Value o = other.is_set() ? other : Value::set(in.iterate(other));
  Dict result;
  for (const auto& e : self.as_set())
    if (!o.as_set().contains(e.key)) result.set(e.key, Value());
  for (const auto& e : o.as_set())
    if (!self.as_set().contains(e.key)) result.set(e.key, Value());
  return result;
}
Value set_symmetric_difference(Interp& in, const Value& self, const Args& args) {
  return set_of(symmetric_difference(in, self, bind_args(args, "symmetric_difference", SLAP_PARAMS({"other", Value()}), 1)[0]));
}
Value set_symmetric_difference_update(Interp& in, const Value& self, const Args& args) {
  self.as_set() =
      symmetric_difference(in, self, bind_args(args, "symmetric_difference_update", SLAP_PARAMS({"other", Value()}), 1)[0]);
  return Value();
}

Value set_isdisjoint(Interp& in, const Value& self, const Args& args) {
  for (const auto& x : in.iterate(bind_args(args, "isdisjoint", SLAP_PARAMS({"other", Value()}), 1)[0]))
    if (self.as_set().contains(x)) return Value(false);
  return Value(true);
}

Value set_subset(Interp& in, const Value& self, const Args& args, bool sub) {
  Value other = bind_args(args, sub ? "issubset" : "issuperset", SLAP_PARAMS({"other", Value()}), 1)[0];
  Value o = other.is_set() ? other : Value::set(in.iterate(other));
  const Dict& small = sub ? self.as_set() : o.as_set();
  const Dict& big = sub ? o.as_set() : self.as_set();
  for (const auto& e : small)
    if (!big.contains(e.key)) return Value(false);
  return Value(true);
}
Value set_issubset(Interp& in, const Value& self, const Args& args) { return set_subset(in, self, args, true); }
Value set_issuperset(Interp& in, const Value& self, const Args& args) { return set_subset(in, self, args, false); }

Value set_copy(Interp&, const Value& self, const Args& args) {
  no_args(args, "copy");
  std::vector<Value> items;
  for (const auto& e : self.as_set()) items.push_back(e.key);
  return Value::set(std::move(items));
}

Value set_clear(Interp&, const Value& self, const Args& args) {
  no_args(args, "clear");
  self.as_set().clear();
  return Value();
}

Value set_contains(Interp&, const Value& self, const Args& args) {
  return Value(self.as_set().contains(bind_args(args, "__contains__", SLAP_PARAMS({"key", Value()}), 1)[0]));
}

MethodFn lookup(const Table& t, std::string_view name) {
  auto it = t.find(name);
  return it == t.end() ? nullptr : it->second;
}

}  // namespace

MethodFn find_collection_method(const Value& self, std::string_view name) {
  static const Table list_methods = {
      {"append", l_append}, {"extend", l_extend}, {"insert", l_insert}, {"pop", l_pop}, {"remove", l_remove},
      {"index", s_index}, {"count", s_count}, {"sort", l_sort}, {"reverse", l_reverse}, {"copy", l_copy},
      {"clear", l_clear}, {"__setitem__", l_setitem}, {"__getitem__", s_getitem},
  };
  static const Table tuple_methods = {{"index", s_index}, {"count", s_count}, {"__getitem__", s_getitem}};
  static const Table dict_methods = {
      {"get", d_get}, {"items", d_items}, {"keys", d_keys}, {"values", d_values}, {"__setitem__", d_setitem},
      {"__getitem__", d_getitem}, {"__delitem__", d_delitem}, {"__contains__", d_contains},
      {"setdefault", d_setdefault}, {"pop", d_pop}, {"popitem", d_popitem}, {"update", d_update},
      {"copy", d_copy}, {"clear", d_clear}, {"fromkeys", d_fromkeys},
  };
  static const Table set_methods = {
      {"add", set_add}, {"update", set_update}, {"discard", set_discard}, {"remove", set_remove},
      {"pop", set_pop}, {"union", set_union}, {"intersection", set_intersection},
      {"difference", set_difference}, {"issubset", set_issubset}, {"issuperset", set_issuperset},
      {"copy", set_copy}, {"clear", set_clear}, {"__contains__", set_contains},
      {"difference_update", set_difference_update}, {"intersection_update", set_intersection_update},
      {"symmetric_difference", set_symmetric_difference},
      {"symmetric_difference_update", set_symmetric_difference_update}, {"isdisjoint", set_isdisjoint},
  };
  switch (self.type()) {
    case Value::Type::list: return lookup(list_methods, name);
    case Value::Type::tuple: return lookup(tuple_methods, name);
    case Value::Type::dict: return lookup(dict_methods, name);
    case Value::Type::set: return lookup(set_methods, name);
    default: return nullptr;
  }
}

Value dict_fromkeys(Interp& in, const Args& args) { return d_fromkeys(in, Value(), args); }
void dict_update(Interp& in, Dict& d, const Args& args) { update_dict(in, d, args, "dict"); }

}  // namespace slap::tmpl
