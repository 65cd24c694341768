// Value construction, truthiness, equality and hashing (Python semantics), and Dict.
#include <atomic>
#include <cmath>
#include <functional>
#include <stdexcept>

#include "bigint.hpp"
#include "block_cache.hpp"
#include "errors.hpp"
#include "object.hpp"
#include "slap/template.hpp"

namespace slap::tmpl {

void Value::copy_from(const Value& o) {
  switch (tag_) {
    case Tag::undefined: new (&u_.hint) std::shared_ptr<const std::string>(o.u_.hint); break;
    case Tag::string:
    case Tag::markup: copy_string(&u_.s, o.u_.s); break;
    case Tag::list: new (&u_.list) std::shared_ptr<ListData>(o.u_.list); break;
    case Tag::tuple: new (&u_.tuple) std::shared_ptr<const TupleData>(o.u_.tuple); break;
    case Tag::dict: new (&u_.dict) std::shared_ptr<DictData>(o.u_.dict); break;
    case Tag::set: new (&u_.set) std::shared_ptr<SetData>(o.u_.set); break;
    case Tag::object: new (&u_.object) std::shared_ptr<Object>(o.u_.object); break;
    default: u_.bits = o.u_.bits; break;
  }
}

void Value::assign_shared(const Value& o) {
  switch (tag_) {
    case Tag::list: u_.list = o.u_.list; break;
    case Tag::tuple: u_.tuple = o.u_.tuple; break;
    case Tag::dict: u_.dict = o.u_.dict; break;
    case Tag::set: u_.set = o.u_.set; break;
    case Tag::object: u_.object = o.u_.object; break;
    default: break;
  }
}

void Value::move_from(Value&& o) noexcept {
  switch (tag_) {
    case Tag::undefined: new (&u_.hint) std::shared_ptr<const std::string>(std::move(o.u_.hint)); break;
    case Tag::string:
    case Tag::markup: move_string(&u_.s, o.u_.s); break;
    case Tag::list: new (&u_.list) std::shared_ptr<ListData>(std::move(o.u_.list)); break;
    case Tag::tuple: new (&u_.tuple) std::shared_ptr<const TupleData>(std::move(o.u_.tuple)); break;
    case Tag::dict: new (&u_.dict) std::shared_ptr<DictData>(std::move(o.u_.dict)); break;
    case Tag::set: new (&u_.set) std::shared_ptr<SetData>(std::move(o.u_.set)); break;
    case Tag::object: new (&u_.object) std::shared_ptr<Object>(std::move(o.u_.object)); break;
    default: u_.bits = o.u_.bits; break;
  }
  if (!o.stringy()) o.tag_ = Tag::none;  // what is left is None: dropping it costs no call
}

namespace {
// Destruction of nested containers: up to `direct_depth` levels, as C++ does it (each
// level a few stack frames); below that, containers whose last reference goes are put in
// `deferred` and ended one by one by the frame that started the list.
constexpr int direct_depth = 64;
thread_local int destroy_depth = 0;
thread_local std::vector<Value>* deferred = nullptr;
}  // namespace

bool Value::sole_container() const noexcept {
  switch (tag_) {
    case Tag::list: return u_.list.use_count() == 1;
    case Tag::tuple: return u_.tuple.use_count() == 1;
    case Tag::dict: return u_.dict.use_count() == 1;
    case Tag::set: return u_.set.use_count() == 1;
    case Tag::object: return u_.object.use_count() == 1;
    default: return false;
  }
}

void Value::destroy() noexcept {
  if (destroy_depth < direct_depth) {
    ++destroy_depth;
    release();
    --destroy_depth;
    return;
  }
  if (!sole_container()) {
    release();
    return;
  }
  if (deferred) {
    try {
      deferred->push_back(std::move(*this));
      tag_ = Tag::none;
      u_.bits = 0;
    } catch (const std::bad_alloc&) {
      release();  // recursively, as a last resort
    }
    return;
  }
  std::vector<Value> pending;
  deferred = &pending;
  release();
  while (!pending.empty()) {
    Value next = std::move(pending.back());
    pending.pop_back();
    next.release();
  }
  deferred = nullptr;
}

void Value::release() noexcept {
  using std::shared_ptr;
  using std::string;
  switch (tag_) {
    case Tag::undefined: u_.hint.~shared_ptr(); break;
    case Tag::string:
    case Tag::markup: u_.s.~string(); break;
    case Tag::list: u_.list.~shared_ptr(); break;
    case Tag::tuple: u_.tuple.~shared_ptr(); break;
    case Tag::dict: u_.dict.~shared_ptr(); break;
    case Tag::set: u_.set.~shared_ptr(); break;
    case Tag::object: u_.object.~shared_ptr(); break;
    default: break;
  }
  tag_ = Tag::none;
  u_.bits = 0;
}

void Value::wrong_type() { throw std::logic_error("tmpl::Value read as a type it does not hold"); }

Value Value::undefined(std::string hint) {
  Value v;
  v.tag_ = Tag::undefined;
  new (&v.u_.hint) std::shared_ptr<const std::string>(std::make_shared<const std::string>(std::move(hint)));
  return v;
}

Value Value::lenient_undefined(std::string hint) {
  Value v = undefined(std::move(hint));
  v.lenient_ = true;
  return v;
}

bool Value::is_lenient_undefined() const noexcept { return tag_ == Tag::undefined && lenient_; }

Value Value::list(std::shared_ptr<ListData> data) {
  Value v;
  v.tag_ = Tag::list;
  new (&v.u_.list) std::shared_ptr<ListData>(std::move(data));
  return v;
}

Value Value::list(std::vector<Value> items) { return list(std::allocate_shared<ListData>(CachedAllocator<ListData>(), ListData{std::move(items)})); }

Value Value::tuple(std::vector<Value> items) {
  Value v;
  v.tag_ = Tag::tuple;
  new (&v.u_.tuple) std::shared_ptr<const TupleData>(std::allocate_shared<const TupleData>(CachedAllocator<TupleData>(), std::move(items)));
  return v;
}

Value Value::pair(const Value& first, const Value& second) {
  Value v;
  v.tag_ = Tag::tuple;
  new (&v.u_.tuple) std::shared_ptr<const TupleData>(std::allocate_shared<const TupleData>(CachedAllocator<TupleData>(), first, second));
  return v;
}

Value Value::pair(Value&& first, Value&& second) {
  Value v;
  v.tag_ = Tag::tuple;
  new (&v.u_.tuple) std::shared_ptr<const TupleData>(std::allocate_shared<const TupleData>(CachedAllocator<TupleData>(), std::move(first), std::move(second)));
  return v;
}

TupleData::TupleData(std::vector<Value> items, std::vector<std::string> names) : fields(std::move(names)) {
  count = items.size();
  if (count > 2) {
    more = std::move(items);
    return;
  }
  for (std::size_t i = 0; i < count; ++i) inline_items[i] = std::move(items[i]);
}

Value Value::named_tuple(std::vector<Value> items, std::vector<std::string> fields) {
  Value v;
  v.tag_ = Tag::tuple;
  new (&v.u_.tuple)
      std::shared_ptr<const TupleData>(std::allocate_shared<const TupleData>(CachedAllocator<TupleData>(), std::move(items), std::move(fields)));
  return v;
}

Value Value::dict() { return dict(Dict{}); }

Value Value::dict(Dict d) {
  Value v;
  v.tag_ = Tag::dict;
  new (&v.u_.dict) std::shared_ptr<DictData>(std::allocate_shared<DictData>(CachedAllocator<DictData>(), DictData{std::move(d)}));
  return v;
}

Value Value::dict(std::initializer_list<std::pair<Value, Value>> items) {
  Dict d;
  for (const auto& [k, val] : items) d.set(k, val);
  return dict(std::move(d));
}

Value Value::set(std::vector<Value> items) {
  Dict keys;
  for (auto& item : items) keys.set(std::move(item), Value());
  Value v;
  v.tag_ = Tag::set;
  new (&v.u_.set) std::shared_ptr<SetData>(std::allocate_shared<SetData>(CachedAllocator<SetData>(), SetData{std::move(keys)}));
  return v;
}

Value Value::object(std::shared_ptr<Object> o) {
  Value v;
  v.tag_ = Tag::object;
  new (&v.u_.object) std::shared_ptr<Object>(std::move(o));
  return v;
}

Value Value::markup(std::string s) {
  Value v(std::move(s));
  v.tag_ = Tag::markup;
  return v;
}

Value Value::string_dict(const std::map<std::string, std::string>& items) {
  Dict d;
  for (const auto& [k, val] : items) d.set(Value(k), Value(val));
  return dict(std::move(d));
}

Value Value::string_list(const std::vector<std::string>& items) {
  std::vector<Value> out(items.begin(), items.end());
  return list(std::move(out));
}

const void* Value::sequence_id() const {
  if (tag_ == Tag::tuple) return u_.tuple.get();
  if (tag_ != Tag::list) wrong_type();
  return u_.list.get();
}

void Value::prefetch(bool deep) const noexcept {
  switch (tag_) {
    case Tag::dict:
      if (deep) __builtin_prefetch(u_.dict->dict.entries().data());
      else __builtin_prefetch(u_.dict.get());
      break;
    case Tag::list:
      if (deep) __builtin_prefetch(u_.list->items.data());
      else __builtin_prefetch(u_.list.get());
      break;
    case Tag::tuple: __builtin_prefetch(u_.tuple.get()); break;
    case Tag::object: __builtin_prefetch(u_.object.get()); break;
    default: break;
  }
}

std::vector<Value> Value::take_items() && {
  if (tag_ == Tag::list && u_.list.use_count() == 1) return std::move(u_.list->items);
  return items_copy();
}

std::span<const Value> Value::items() const {
  if (tag_ == Tag::tuple) return u_.tuple->items();
  if (tag_ != Tag::list) wrong_type();
  return u_.list->items;
}
const std::vector<std::string>& Value::tuple_fields() const {
  if (tag_ != Tag::tuple) wrong_type();
  return u_.tuple->fields;
}
std::vector<Value>& Value::list_items() const {
  if (tag_ != Tag::list) wrong_type();
  return u_.list->items;
}
Dict& Value::as_dict() const {
  if (tag_ != Tag::dict) wrong_type();
  return u_.dict->dict;
}
Dict& Value::as_set() const {
  if (tag_ != Tag::set) wrong_type();
  return u_.set->keys;
}
const std::shared_ptr<Object>& Value::as_object() const {
  if (tag_ != Tag::object) wrong_type();
  return u_.object;
}
const std::string& Value::undefined_hint() const {
  if (tag_ != Tag::undefined) wrong_type();
  return *u_.hint;
}

bool Value::truthy() const {
  switch (type()) {
    case Type::undefined:
    case Type::none: return false;
    case Type::boolean: return as_bool();
    case Type::integer: return as_int() != 0;
    case Type::floating: return as_float() != 0.0;
    case Type::string: return !as_string().empty();
    case Type::list:
    case Type::tuple: return !items().empty();
    case Type::dict: return !as_dict().empty();
    case Type::set: return !as_set().empty();
    case Type::object: return as_object()->truthy();
  }
  return false;
}

std::string Value::type_name() const {
  switch (type()) {
    case Type::undefined: return "Undefined";
    case Type::none: return "NoneType";
    case Type::boolean: return "bool";
    case Type::integer: return "int";
    case Type::floating: return "float";
    case Type::string: return is_markup() ? "Markup" : "str";
    case Type::list: return "list";
    case Type::tuple: return "tuple";
    case Type::dict: return "dict";
    case Type::set: return "set";
    case Type::object: return as_object()->type_name();
  }
  return "object";
}

namespace {

double number_of(const Value& v) {
  if (v.is_float()) return v.as_float();
  if (v.is_int()) return static_cast<double>(v.as_int());
  return v.as_bool() ? 1.0 : 0.0;
}

std::int64_t int_of(const Value& v) { return v.is_int() ? v.as_int() : v.as_bool() ? 1 : 0; }

bool sequences_equal(std::span<const Value> a, std::span<const Value> b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i])) return false;
  return true;
}

std::size_t mix(std::size_t seed, std::size_t h) { return seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2)); }

}  // namespace

bool Value::operator==(const Value& o) const {
  if (is_number() && o.is_number()) {
    if (is_float() && o.is_float()) return as_float() == o.as_float();
    if (is_float() || o.is_float()) {
      // Exactly, as Python: 2.0**63 is no int64, and 2**63 - 1 is not 2.0**63.
      double d = is_float() ? as_float() : o.as_float();
      std::int64_t i = int_of(is_float() ? o : *this);
      return static_cast<double>(i) == d && d < 9223372036854775808.0 && static_cast<std::int64_t>(d) == i;
    }
    return int_of(*this) == int_of(o);
  }
  if (type() != o.type()) {
    if ((big_int(*this) && o.is_number()) || (big_int(o) && is_number())) return big_compare(*this, o) == 0 && !std::isnan(number_of(is_number() ? *this : o));
    return false;
  }
  switch (type()) {
    case Type::undefined:
    case Type::none: return true;
    case Type::string: return as_string() == o.as_string();
    case Type::list:
    case Type::tuple: {
      if (sequence_id() == o.sequence_id()) return true;
      NestingGuard nesting("in comparison");
      return sequences_equal(items(), o.items());
    }
    case Type::dict: {
      const Dict& a = as_dict();
      const Dict& b = o.as_dict();
      if (&a == &b) return true;
      if (a.size() != b.size()) return false;
      NestingGuard nesting("in comparison");
      for (const auto& e : a) {
        const Value* other = b.find(e.key);
        if (!other || !(*other == e.value)) return false;
      }
      return true;
    }
    case Type::set: {
      const Dict& a = as_set();
      const Dict& b = o.as_set();
      if (a.size() != b.size()) return false;
      for (const auto& e : a)
        if (!b.contains(e.key)) return false;
      return true;
    }
    case Type::object: return as_object() == o.as_object() || as_object()->equals(*o.as_object());
    default: return false;
  }
}

bool Value::same(const Value& o) const {
  if (type() != o.type()) return false;
  switch (type()) {
    case Type::list:
    case Type::tuple: return sequence_id() == o.sequence_id();
    case Type::dict: return &as_dict() == &o.as_dict();
    case Type::set: return &as_set() == &o.as_set();
    case Type::object: return as_object() == o.as_object();
    default: return *this == o;
  }
}

std::size_t Value::hash() const {
  switch (type()) {
    case Type::undefined: return 0x51ed27;
    case Type::none: return 0x2545F491;
    case Type::boolean:
    case Type::integer: return std::hash<std::int64_t>{}(int_of(*this));
    case Type::floating: {
      double d = as_float();
      if (std::isfinite(d) && std::nearbyint(d) == d) {  // as the int equal to it
        if (d >= -0x1p63 && d < 0x1p63) return std::hash<std::int64_t>{}(static_cast<std::int64_t>(d));
        return BigInt::from_double(d).hash();
      }
      return std::hash<double>{}(d);
    }
    case Type::string: return std::hash<std::string_view>{}(as_string());
    case Type::list:
    case Type::tuple: {
      NestingGuard nesting("while calling a Python object");
      std::size_t h = items().size();
      for (const auto& v : items()) h = mix(h, v.hash());
      return h;
    }
    case Type::dict:
    case Type::set: {
      // Order-independent, as equality is.
      NestingGuard nesting("while calling a Python object");
      std::size_t h = 0x7a11;
      for (const auto& e : is_dict() ? as_dict() : as_set()) h += e.hash * 31 + (is_dict() ? e.value.hash() : 0);
      return h;
    }
    case Type::object:
      if (const BigInt* big = big_int(*this)) return big->hash();  // equal big ints are distinct objects
      return std::hash<const void*>{}(as_object().get());
  }
  return 0;
}

// ----- Dict -----

namespace {
constexpr std::size_t small_dict = 8;
constexpr std::size_t npos = static_cast<std::size_t>(-1);
}  // namespace

std::size_t Dict::locate(const Value& key, std::size_t hash) const {
  if (key.is_string()) return locate_str(key.as_string(), hash);
  if (index_.empty()) {
    for (std::size_t i = 0; i < entries_.size(); ++i)
      if (entries_[i].hash == hash && entries_[i].key == key) return i;
    return npos;
  }
  std::size_t mask = index_.size() - 1;
  for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    std::uint32_t at = index_[slot];
    if (at == 0) return npos;
    const Entry& e = entries_[at - 1];
    if (e.hash == hash && e.key == key) return at - 1;
  }
}

std::size_t Dict::locate_str(std::string_view key, std::size_t hash) const {
  auto match = [&](const Entry& e) { return is_key(e, key, hash); };
  if (index_.empty()) {
    for (std::size_t i = 0; i < entries_.size(); ++i)
      if (match(entries_[i])) return i;
    return npos;
  }
  std::size_t mask = index_.size() - 1;
  for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    std::uint32_t at = index_[slot];
    if (at == 0) return npos;
    if (match(entries_[at - 1])) return at - 1;
  }
}

void Dict::rebuild_index() {
  index_.clear();
  if (entries_.size() <= small_dict) return;
  std::size_t cap = 16;
  while (cap < entries_.size() * 2) cap *= 2;
  index_.assign(cap, 0);
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    std::size_t slot = entries_[i].hash & (cap - 1);
    while (index_[slot]) slot = (slot + 1) & (cap - 1);
    index_[slot] = static_cast<std::uint32_t>(i + 1);
  }
}

Value* Dict::find(const Value& key) {
  std::size_t at = locate(key, key.hash());
  return at == npos ? nullptr : &entries_[at].value;
}
const Value* Dict::find(const Value& key) const { return const_cast<Dict*>(this)->find(key); }

Value* Dict::find(std::string_view key) {
  std::size_t at = locate_str(key, std::hash<std::string_view>{}(key));
  return at == npos ? nullptr : &entries_[at].value;
}
const Value* Dict::find(std::string_view key) const { return const_cast<Dict*>(this)->find(key); }

const Value* Dict::find(std::string_view key, std::size_t hash) const {
  std::size_t at = locate_str(key, hash);
  return at == npos ? nullptr : &entries_[at].value;
}

const Value* Dict::find_noting(std::string_view key, std::size_t hash, std::uint32_t& hint) const {
  std::size_t at = locate_str(key, hash);
  if (at == npos) return nullptr;
  if (at <= UINT32_MAX) std::atomic_ref<std::uint32_t>(hint).store(static_cast<std::uint32_t>(at), std::memory_order_relaxed);
  return &entries_[at].value;
}

void Dict::set(Value key, Value value) {
  std::size_t h = key.hash();
  std::size_t at = locate(key, h);
  if (at != npos) {
    entries_[at].value = std::move(value);
    return;
  }
  entries_.push_back(Entry{std::move(key), std::move(value), h});
  if (entries_.size() > small_dict && entries_.size() * 2 > index_.size()) {
    rebuild_index();
  } else if (!index_.empty()) {
    std::size_t mask = index_.size() - 1;
    std::size_t slot = h & mask;
    while (index_[slot]) slot = (slot + 1) & mask;
    index_[slot] = static_cast<std::uint32_t>(entries_.size());
  }
}

bool Dict::erase(const Value& key) {
  std::size_t at = locate(key, key.hash());
  if (at == npos) return false;
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(at));
  rebuild_index();
  return true;
}

void Dict::clear() {
  entries_.clear();
  index_.clear();
}

const Value* Args::keyword(std::string_view name) const {
  for (const auto& [k, v] : keywords)
    if (k == name) return &v;
  return nullptr;
}

}  // namespace slap::tmpl
