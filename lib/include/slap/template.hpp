// Jinja2 templates as SlapOS uses them (spec/templates.md): a lexer, a parser to an AST and
// an evaluator over `tmpl::Value`, a model of the Python values templates manipulate.
//
// Values follow Python semantics (str()/repr() text, truthiness, ==, hashing, ordering):
// templates are small programs over dicts and lists, and their output (buildout profiles,
// JSON, Python literals) depends on those details. Lists, dicts and sets are shared by
// reference, as in Python: copying a Value aliases the container.
//
// Known differences from CPython / Jinja2, all outside what the SlapOS corpus relies on:
// str.lower()/upper() use one-to-one case mappings (and ß), not all of Unicode's special
// cases; sets iterate in insertion order (CPython's order is hash-dependent);
// str.encode() returns the same str (there is no bytes type); dict.keys()/values()/items()
// views are snapshots (a for loop over d.items() reads the dict as it goes, as Python);
// sorts are stable merge sorts, so keys that include NaN (neither less nor greater than
// anything) may come out in another order than timsort's; walks over values (repr, ==,
// hash, JSON) raise RecursionError past 1000 levels of nesting, where Python's limit
// depends on the depth of the stack already in use. Markup (markupsafe's safe string) is a
// str flagged safe: type() says string, is_markup() tells them apart.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "slap/error.hpp"
#include "slap/strings.hpp"

namespace slap::tmpl {

class Value;
class Dict;
class Object;

struct ListData;
struct TupleData;
struct DictData;
struct SetData;

class Value {
 public:
  enum class Type : std::uint8_t { undefined, none, boolean, integer, floating, string, list, tuple, dict, set, object };

  Value() noexcept : tag_(Tag::none) {}  // None
  Value(std::nullptr_t) noexcept : tag_(Tag::none) {}
  Value(bool b) noexcept : tag_(Tag::boolean) { u_.b = b; }
  Value(int i) noexcept : tag_(Tag::integer) { u_.i = i; }
  Value(long i) noexcept : tag_(Tag::integer) { u_.i = i; }
  Value(long long i) noexcept : tag_(Tag::integer) { u_.i = i; }
  Value(unsigned u) noexcept : tag_(Tag::integer) { u_.i = u; }
  Value(unsigned long u) noexcept : tag_(Tag::integer) { u_.i = static_cast<std::int64_t>(u); }
  Value(double d) noexcept : tag_(Tag::floating) { u_.d = d; }
  Value(std::string s) noexcept : tag_(Tag::string) { move_string(&u_.s, s); }
  Value(std::string_view s) : tag_(Tag::string) {
    new (&u_.s) std::string();
    str::append_bytes(u_.s, s);  // a short one (the pieces of a split) with no memcpy call
  }
  Value(const char* s) : tag_(Tag::string) { new (&u_.s) std::string(s); }

  // Scalars (None, bool, int, float) copy and destroy inline; the rest out of line.
  Value(const Value& o) : tag_(o.tag_), lenient_(o.lenient_) {
    if (o.scalar()) u_.bits = o.u_.bits;
    else copy_from(o);
  }
  Value(Value&& o) noexcept : tag_(o.tag_), lenient_(o.lenient_) {
    if (o.scalar()) u_.bits = o.u_.bits;
    else if (o.stringy()) move_string(&u_.s, o.u_.s);
    else move_from(std::move(o));
  }
  Value& operator=(const Value& o) {
    if (scalar() && o.scalar()) {
      tag_ = o.tag_;
      u_.bits = o.u_.bits;
      return *this;
    }
    if (stringy() && o.stringy()) {  // a string holds no value: o is not inside it
      tag_ = o.tag_;
      assign_string(u_.s, o.u_.s);  // reuses the capacity
      return *this;
    }
    if (tag_ == o.tag_ && tag_ >= Tag::list && tag_ <= Tag::object) {  // a loop variable's next row
      assign_shared(o);
      return *this;
    }
    Value copy(o);  // o may live inside what *this holds
    return *this = std::move(copy);
  }
  [[gnu::always_inline]] Value& operator=(Value&& o) noexcept {
    if (scalar()) {  // nothing to end, and o cannot live inside a scalar
      tag_ = o.tag_;
      lenient_ = o.lenient_;
      if (o.scalar()) u_.bits = o.u_.bits;
      else if (o.stringy()) move_string(&u_.s, o.u_.s);
      else move_from(std::move(o));
      return *this;
    }
    if (this == &o) return *this;
    if (stringy() && o.stringy()) {  // nor inside a string
      tag_ = o.tag_;
      u_.s = std::move(o.u_.s);
      return *this;
    }
    Value taken(std::move(o));  // o may live inside what *this holds
    if (stringy()) u_.s.~basic_string();
    else if (!scalar()) destroy();
    tag_ = taken.tag_;
    lenient_ = taken.lenient_;
    if (taken.scalar()) u_.bits = taken.u_.bits;
    else if (taken.stringy()) move_string(&u_.s, taken.u_.s);
    else move_from(std::move(taken));
    return *this;
  }
  ~Value() {
    if (stringy()) u_.s.~basic_string();
    else if (!scalar()) destroy();
  }

  // An undefined value; `hint` is the error text its misuse produces ("'x' is undefined").
  static Value undefined(std::string hint);
  // A jinja2.Undefined whatever the policy: what a false `a if b` without else yields.
  static Value lenient_undefined(std::string hint);
  static Value list(std::vector<Value> items = {});
  // A list over existing storage (shared with the caller, who may reuse it once no other
  // value holds it).
  static Value list(std::shared_ptr<ListData> data);
  static Value tuple(std::vector<Value> items);
  // (first, second), with no vector made.
  static Value pair(const Value& first, const Value& second);
  static Value pair(Value&& first, Value&& second);
  // A named tuple: a tuple whose items are also attributes `fields` (groupby's results).
  static Value named_tuple(std::vector<Value> items, std::vector<std::string> fields);
  static Value dict();
  static Value dict(Dict d);
  static Value dict(std::initializer_list<std::pair<Value, Value>> items);
  static Value set(std::vector<Value> items = {});
  static Value object(std::shared_ptr<Object> o);
  // markupsafe.Markup(s): text that autoescaping leaves as it is.
  static Value markup(std::string s);
  // A dict of str -> str, e.g. the options of a buildout section.
  static Value string_dict(const std::map<std::string, std::string>& items);
  static Value string_list(const std::vector<std::string>& items);

  // JSON text <-> Value: objects become dicts (order kept), arrays lists.
  static Result<Value> from_json(std::string_view text);
  // Python json.dumps(value) (separators ", " and ": ", ensure_ascii); fails on values JSON
  // cannot hold (sets, functions, undefined) and on non-string keys that are not scalars.
  Result<std::string> to_json(bool sort_keys = false) const;

  Type type() const noexcept { return tag_ == Tag::markup ? Type::string : static_cast<Type>(tag_); }
  bool is_markup() const noexcept { return tag_ == Tag::markup; }
  bool is_undefined() const noexcept { return type() == Type::undefined; }
  bool is_none() const noexcept { return type() == Type::none; }
  bool is_bool() const noexcept { return type() == Type::boolean; }
  bool is_int() const noexcept { return type() == Type::integer; }
  bool is_float() const noexcept { return type() == Type::floating; }
  bool is_number() const noexcept { return is_bool() || is_int() || is_float(); }
  bool is_string() const noexcept { return type() == Type::string; }
  bool is_list() const noexcept { return type() == Type::list; }
  bool is_tuple() const noexcept { return type() == Type::tuple; }
  bool is_dict() const noexcept { return type() == Type::dict; }
  bool is_set() const noexcept { return type() == Type::set; }
  bool is_object() const noexcept { return type() == Type::object; }

  // Accessors: precondition is the matching type.
  bool as_bool() const {
    if (tag_ != Tag::boolean) wrong_type();
    return u_.b;
  }
  std::int64_t as_int() const {
    if (tag_ != Tag::integer) wrong_type();
    return u_.i;
  }
  double as_float() const {
    if (tag_ != Tag::floating) wrong_type();
    return u_.d;
  }
  const std::string& as_string() const {
    if (tag_ != Tag::string && tag_ != Tag::markup) wrong_type();
    return u_.s;
  }
  // Items of a list or a tuple (a view: a list's items move when the list grows).
  std::span<const Value> items() const;
  std::vector<Value> items_copy() const {
    auto s = items();
    return std::vector<Value>(s.begin(), s.end());
  }
  // items_copy() of a value about to end: a list no other value holds gives its items up
  // rather than have them copied (and each container among them referenced once more).
  std::vector<Value> take_items() &&;
  // Asks the processor to start loading what this value points to, ahead of its use: the
  // container itself (`deep` false), or the entries of a dict or the items of a list once
  // the container is likely loaded (`deep` true). A loop does it for its next items.
  void prefetch(bool deep) const noexcept;
  // The object behind a list or a tuple: the same for two values exactly when they are one
  // (Python `is`).
  const void* sequence_id() const;
  std::vector<Value>& list_items() const;  // list only (mutable, shared)
  const std::vector<std::string>& tuple_fields() const;  // tuple only
  Dict& as_dict() const;                   // dict only (mutable, shared)
  Dict& as_set() const;                    // set only: keys of a Dict whose values are None
  const std::shared_ptr<Object>& as_object() const;
  const std::string& undefined_hint() const;
  bool is_lenient_undefined() const noexcept;

  // Python semantics.
  bool truthy() const;
  std::string str() const;   // str(v); Undefined gives ""
  std::string repr() const;  // repr(v)
  // "dict", "str", "NoneType", ... (type(v).__name__)
  std::string type_name() const;
  bool operator==(const Value& o) const;
  // Consistent with ==: 1, 1.0 and True hash alike. Containers hash by content (the
  // evaluator refuses unhashable keys before they get here).
  std::size_t hash() const;
  // Same object (Python `is`): identity for containers and objects, == for scalars.
  bool same(const Value& o) const;

 private:
  // A tagged union rather than std::variant: copying or dropping a scalar is a branch,
  // not a call through a table, and that is most of what the evaluator does.
  enum class Tag : std::uint8_t { undefined, none, boolean, integer, floating, string, list, tuple, dict, set, object, markup };
  union Payload {
    Payload() noexcept : bits(0) {}
    ~Payload() {}
    std::uint64_t bits;  // what a scalar copies
    bool b;
    std::int64_t i;
    double d;
    std::string s;  // string and markup
    std::shared_ptr<const std::string> hint;  // undefined
    std::shared_ptr<ListData> list;
    std::shared_ptr<const TupleData> tuple;
    std::shared_ptr<DictData> dict;
    std::shared_ptr<SetData> set;
    std::shared_ptr<Object> object;
  };
  static_assert(sizeof(double) == sizeof(std::uint64_t) && sizeof(std::int64_t) == sizeof(std::uint64_t));

  bool scalar() const noexcept { return static_cast<unsigned>(tag_) - 1u < 4u; }  // none .. floating
  bool stringy() const noexcept { return tag_ == Tag::string || tag_ == Tag::markup; }
  // Moves the string `from` into raw storage `to`, leaving `from` empty. With libstdc++ the
  // object's bytes are copied and a short string's data pointer aimed at its new buffer:
  // std::string's own move calls memcpy for the characters of a short string, and moving
  // values is most of what evaluation does.
  static void move_string(std::string* to, std::string& from) noexcept {
#if defined(__GLIBCXX__) && _GLIBCXX_USE_CXX11_ABI
    copy_bytes(to, from);
    new (&from) std::string();  // the characters, if on the heap, now belong to *to
#else
    new (to) std::string(std::move(from));
#endif
  }
  // to = from. A short string into a short string (a loop variable's next key, most copies
  // of template data) copies the object's bytes but its own data pointer, where
  // std::string's assignment calls memcpy for the characters.
  static void assign_string(std::string& to, const std::string& from) {
#if defined(__GLIBCXX__) && _GLIBCXX_USE_CXX11_ABI
    if (is_local(to) && is_local(from)) {
      std::memcpy(reinterpret_cast<char*>(&to) + sizeof(char*), reinterpret_cast<const char*>(&from) + sizeof(char*),
                  sizeof(std::string) - sizeof(char*));
      return;
    }
#endif
    to = from;
  }
  // new (to) std::string(from), with the same shortcut for a short string.
  static void copy_string(std::string* to, const std::string& from) {
#if defined(__GLIBCXX__) && _GLIBCXX_USE_CXX11_ABI
    if (is_local(from)) {
      copy_bytes(to, from);
      return;
    }
#endif
    new (to) std::string(from);
  }
#if defined(__GLIBCXX__) && _GLIBCXX_USE_CXX11_ABI
  // A short string's characters are in the object (_M_local_buf, after the pointer and the size).
  static bool is_local(const std::string& s) noexcept {
    static_assert(sizeof(std::string) == 2 * sizeof(char*) + 16);
    return s.data() == reinterpret_cast<const char*>(&s) + 2 * sizeof(char*);
  }
  // The bytes of `from` into raw storage `to`, a short string's data pointer aimed at its
  // new buffer. *to then holds from's characters (which, if on the heap, are shared).
  static void copy_bytes(std::string* to, const std::string& from) noexcept {
    bool local = is_local(from);
    std::memcpy(static_cast<void*>(to), static_cast<const void*>(&from), sizeof(std::string));
    if (local) *reinterpret_cast<char**>(to) = reinterpret_cast<char*>(to) + 2 * sizeof(char*);
  }
#endif
  // The payload of o, a container or an object of the same type as this one's (std::shared_ptr's
  // assignment: o may live inside what this one holds).
  [[gnu::hot]] void assign_shared(const Value& o);
  // Construct u_ from o's payload (tag_ already set); destroy() ends the payload.
  [[gnu::hot]] void copy_from(const Value& o);
  void move_from(Value&& o) noexcept;
  // Ends a payload that is not a scalar or a string. The last reference to a container
  // does not destroy its items recursively: they are destroyed one after the other, so a
  // list nested a million deep (a template can build one) cannot overflow the stack.
  [[gnu::hot]] void destroy() noexcept;
  [[gnu::hot]] void release() noexcept;  // destroy()'s work on this payload alone
  bool sole_container() const noexcept;
  [[noreturn]] static void wrong_type();

  Payload u_;
  Tag tag_;
  bool lenient_ = false;  // undefined only
};

// An insertion-ordered hash map with Value keys (Python dict).
class Dict {
 public:
  struct Entry {
    Value key;
    Value value;
    std::size_t hash;
  };

  std::size_t size() const noexcept { return entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }
  const std::vector<Entry>& entries() const noexcept { return entries_; }
  auto begin() const noexcept { return entries_.begin(); }
  auto end() const noexcept { return entries_.end(); }

  Value* find(const Value& key);
  const Value* find(const Value& key) const;
  Value* find(std::string_view key);
  const Value* find(std::string_view key) const;
  // For looking one key up in several dicts: `hash` is std::hash<std::string_view>{}(key).
  const Value* find(std::string_view key, std::size_t hash) const;
  // find(key, hash) that tries position `hint` first and leaves there where it found the key
  // (an inline cache: a lookup site meets dicts of one shape). `hint` is read and written
  // atomically (relaxed).
  const Value* find(std::string_view key, std::size_t hash, std::uint32_t& hint) const {
    std::size_t tried = std::atomic_ref<std::uint32_t>(hint).load(std::memory_order_relaxed);
    if (tried < entries_.size() && is_key(entries_[tried], key, hash)) return &entries_[tried].value;
    return find_noting(key, hash, hint);
  }
  bool contains(const Value& key) const { return find(key) != nullptr; }
  // Inserts at the end, or replaces the value in place (keeping the position).
  void set(Value key, Value value);
  bool erase(const Value& key);
  void clear();
  void reserve(std::size_t n) { entries_.reserve(n); }

 private:
  std::size_t locate(const Value& key, std::size_t hash) const;
  static bool is_key(const Entry& e, std::string_view key, std::size_t hash) noexcept {
    if (e.hash != hash || !e.key.is_string()) return false;
    const std::string& k = e.key.as_string();
    if (k.size() != key.size()) return false;
    for (std::size_t i = 0; i < k.size(); ++i)  // keys are short: no call to memcmp
      if (k[i] != key[i]) return false;
    return true;
  }
  // find(key, hash), which leaves in `hint` where it found the key.
  const Value* find_noting(std::string_view key, std::size_t hash, std::uint32_t& hint) const;
  [[gnu::hot]] std::size_t locate_str(std::string_view key, std::size_t hash) const;
  void rebuild_index();
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> index_;  // open addressing over entries_ (+1; 0 = free); empty when small
};

struct ListData {
  std::vector<Value> items;
};
struct TupleData {
  // Up to two items (dict items, enumerate, zip of two lists, groupby's results) are held
  // inline, so that such a tuple is one allocation; longer tuples hold theirs in `more`.
  std::size_t count = 0;
  Value inline_items[2];
  std::vector<Value> more;
  std::vector<std::string> fields;  // attribute names of a named tuple's items; empty otherwise

  explicit TupleData(std::vector<Value> items, std::vector<std::string> names = {});
  TupleData(const Value& first, const Value& second) : count(2), inline_items{first, second} {}
  TupleData(Value&& first, Value&& second) : count(2), inline_items{std::move(first), std::move(second)} {}
  std::span<const Value> items() const noexcept {
    return count <= 2 ? std::span<const Value>(inline_items, count) : std::span<const Value>(more);
  }
};
struct DictData {
  Dict dict;
};
struct SetData {
  Dict keys;
};

// Positional and keyword arguments of a call.
struct Args {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keywords;

  const Value* keyword(std::string_view name) const;
};

// Anything that is not a plain value: functions, modules, namespaces, macros, iterators.
// Callers register their own (e.g. a recipe's module) by subclassing or through
// `function()` / `module()` below.
class Object {
 public:
  virtual ~Object() = default;
  // type(obj).__name__, used in error messages ("'module' object has no attribute ...").
  virtual std::string type_name() const = 0;
  virtual std::string repr() const;
  virtual std::string str() const { return repr(); }
  // Attribute `name`, or nullopt when there is none.
  virtual std::optional<Value> attr(std::string_view name) const;
  virtual bool callable() const { return false; }
  virtual Result<Value> call(Args& args) const;
  // The items iteration yields (consumes an iterator), or nullopt when not iterable.
  virtual std::optional<std::vector<Value>> iterate() const { return std::nullopt; }
  virtual std::optional<std::size_t> length() const { return std::nullopt; }
  virtual bool truthy() const { auto n = length(); return !n || *n > 0; }
  virtual bool equals(const Object& o) const { return this == &o; }

  // Objects implemented inside the engine receive the running interpreter; see
  // lib/src/template/object.hpp.
  bool internal() const noexcept { return internal_; }

 protected:
  bool internal_ = false;
};

using NativeFunction = std::function<Result<Value>(Args&)>;

// A callable value named `name` (shown by repr and in errors).
Value function(std::string name, NativeFunction fn);
// A module object: attribute lookups read `attrs` (name -> Value).
Value module(std::string name, Dict attrs);

// jinja2.select_autoescape(enabled_extensions, disabled_extensions, default_for_string,
// default): autoescaping decided by the name of each template.
struct AutoescapeSelector {
  std::vector<std::string> enabled_extensions{"html", "htm", "xml"};
  std::vector<std::string> disabled_extensions;
  bool default_for_string = true;
  bool default_value = false;

  // nullopt: a template made from a string (no name).
  bool decide(std::optional<std::string_view> template_name) const;
  // The Python call "select_autoescape(enabled_extensions=('html', 'xml'), default=True)"
  // (positional or keyword arguments; tuples or lists of strings, True/False/None/ints).
  static Result<AutoescapeSelector> parse(std::string_view call);
};

struct Options {
  bool keep_trailing_newline = false;  // Jinja2 drops one final newline by default
  bool trim_blocks = false;            // drop the first newline after a block tag
  bool lstrip_blocks = false;          // strip spaces before a block tag on its line
  bool strict_undefined = false;       // jinja2.StrictUndefined instead of Undefined
  bool autoescape = false;             // {{ }} escapes what is not Markup
  // autoescape=select_autoescape(...): when set, decides instead of `autoescape`. The
  // template rendered from source (Environment::parse/render) counts as one made from a
  // string, as Jinja2's from_string; those loaded by import/include/extends by their name.
  std::optional<AutoescapeSelector> select_autoescape;
  std::string newline_sequence = "\n";  // what template newlines become: "\n", "\r\n" or "\r"
  // Tag delimiters (Jinja2's block_start_string, ...).
  std::string block_start = "{%", block_end = "%}";
  std::string variable_start = "{{", variable_end = "}}";
  std::string comment_start = "{#", comment_end = "#}";
  // Line statements (`# for x in y`) and line comments; empty = disabled.
  std::string line_statement_prefix;
  std::string line_comment_prefix;
  // Environment.policies the urlize filter reads: urlize.rel, urlize.target (empty = None),
  // urlize.extra_schemes.
  std::string urlize_rel = "noopener";
  std::string urlize_target;
  std::vector<std::string> urlize_extra_schemes;
  // jinja2.ext.i18n. off: not loaded. on: the {% trans %} tag and the `_` global, with no
  // translations installed (gettext is undefined). null: install_null_translations(), the
  // texts untranslated. newstyle: install_null_translations(newstyle=True), where gettext
  // formats its own keyword arguments and autoescapes.
  enum class I18n : std::uint8_t { off, on, null, newstyle } i18n = I18n::off;
  bool i18n_trimmed = false;  // the policy ext.i18n.trimmed: {% trans %} default
  // jinja2.ext.debug: the {% debug %} tag, which prints the context, filters and tests.
  bool debug_extension = false;
};

// Returns the source text of the template called `name` ({% import %}, {% include %},
// {% from %}), or an error (a missing template is ErrorKind::input).
using Loader = std::function<Result<std::string>(std::string_view name)>;

struct TemplateData;

// A parsed template; cheap to copy (shared, immutable).
class Template {
 public:
  const std::string& name() const;
  std::shared_ptr<const TemplateData> data;
};

// Where templates are rendered: options, loader, globals and importable modules. The
// constructor installs Jinja2's globals (range, dict, namespace, cycler, joiner), the
// Python builtins SlapOS templates call (len, str, sorted, enumerate, ...), and the native
// modules of spec/templates.md §2.10 (json, os, os.path, hashlib, six, urllib.parse, ...).
class Environment {
 public:
  Environment();
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  Options options;
  Loader loader;

  void set_global(std::string name, Value value);
  const Dict& globals() const noexcept { return globals_; }
  // Makes `dotted_name` ("json", "six.moves.urllib.parse") importable by import_module().
  void add_module(std::string dotted_name, Value module);
  // The module object for a recipe's `import NAME MODULE` context line; unknown modules
  // are ErrorKind::input "module M not available in slap templates".
  Result<Value> import_module(std::string_view dotted_name) const;
  bool has_filter(std::string_view name) const;
  bool has_test(std::string_view name) const;

  // Parses `source`; `name` is used in error locations. Checks that every filter and test
  // named exists, as Jinja2's compiler does.
  Result<Template> parse(std::string_view source, std::string_view name) const;
  Result<std::string> render(const Template& t, const Dict& context) const;
  Result<std::string> render(std::string_view source, std::string_view name, const Dict& context) const;

  // Python source evaluated with the engine's values, operators and builtins ("Python
  // mode"): buildout's section conditions, the values of promise plugin files. Besides the
  // template expression language: lambda, comprehensions, sets, `is`, bitwise operators,
  // Python's precedence and string literals (prefixes, triple quotes; bytes become str).
  struct PythonEval {
    const Dict* names = nullptr;  // the expression's globals, searched first
    bool builtins = true;         // then the builtins: len, str, map, sorted, any, open, ...
    bool statement = false;       // stop at the end of the logical line (a newline or `;`
                                  // outside brackets); else the expression is the rest of text
    Location where;               // where text[0] is: errors are located from there
  };
  // Evaluates the expression that starts at `pos` in `text`, and leaves `pos` after it. An
  // undefined name is a NameError, any use of a missing attribute or item fails; errors carry
  // Python's exception class ("SyntaxError", "TypeError", ...).
  Result<Value> eval_python(std::string_view text, std::size_t& pos, const PythonEval& how) const;

 private:
  Dict globals_;
  std::map<std::string, Value, std::less<>> modules_;
};

}  // namespace slap::tmpl
