#include "json.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "bigint.hpp"
#include "errors.hpp"
#include "ops.hpp"
#include "text.hpp"

namespace slap::tmpl {

namespace {

void append_json_string(std::string& out, std::string_view s, bool ensure_ascii) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    std::size_t start = i;
    std::uint32_t cp = next_code_point(s, i);
    char buf[16];
    switch (cp) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    if (cp < 0x20) {
      std::snprintf(buf, sizeof buf, "\\u%04x", cp);
      out += buf;
    } else if (cp < 0x80 || !ensure_ascii) {
      out.append(s.substr(start, i - start));
    } else if (cp < 0x10000) {
      std::snprintf(buf, sizeof buf, "\\u%04x", cp);
      out += buf;
    } else {
      std::uint32_t v = cp - 0x10000;
      std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
      out += buf;
    }
  }
  out += '"';
}

std::string float_json(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return float_repr(d);
}

class Dumper {
 public:
  explicit Dumper(const JsonOptions& o) : o_(o) {
    if (!o.custom_separators && o.has_indent) item_sep_ = ",";
    else item_sep_ = o.item_separator;
  }

  void dump(std::string& out, const Value& v, int level) {
    switch (v.type()) {
      case Value::Type::none: out += "null"; return;
      case Value::Type::boolean: out += v.as_bool() ? "true" : "false"; return;
      case Value::Type::integer: out += std::to_string(v.as_int()); return;
      case Value::Type::floating: out += float_json(v.as_float()); return;
      case Value::Type::string: append_json_string(out, v.as_string(), o_.ensure_ascii); return;
      case Value::Type::list:
      case Value::Type::tuple: {
        Nesting nesting(*this, container_identity(v));
        dump_list(out, v.items(), level);
        return;
      }
      case Value::Type::dict: {
        Nesting nesting(*this, container_identity(v));
        dump_dict(out, v.as_dict(), level);
        return;
      }
      default:
        if (const BigInt* big = big_int(v)) {
          out += big->decimal();
          return;
        }
        type_error("Object of type " + v.type_name() + " is not JSON serializable");
    }
  }

 private:
  void newline(std::string& out, int level) {
    if (!o_.has_indent) return;
    out += '\n';
    for (int i = 0; i < level; ++i) out += o_.indent;
  }

  void dump_list(std::string& out, std::span<const Value> items, int level) {
    if (items.empty()) {
      out += "[]";
      return;
    }
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out += item_sep_;
      newline(out, level + 1);
      dump(out, items[i], level + 1);
    }
    newline(out, level);
    out += ']';
  }

  std::string key_text(const Value& k) {
    switch (k.type()) {
      case Value::Type::string: return k.as_string();
      case Value::Type::integer: return std::to_string(k.as_int());
      case Value::Type::floating: return float_json(k.as_float());
      case Value::Type::boolean: return k.as_bool() ? "true" : "false";
      case Value::Type::none: return "null";
      default: type_error("keys must be str, int, float, bool or None, not " + k.type_name());
    }
  }

  void dump_dict(std::string& out, const Dict& d, int level) {
    if (d.empty()) {
      out += "{}";
      return;
    }
    std::vector<const Dict::Entry*> entries;
    for (const auto& e : d) entries.push_back(&e);
    if (o_.sort_keys)
      std::stable_sort(entries.begin(), entries.end(), [](const Dict::Entry* a, const Dict::Entry* b) { return less(a->key, b->key); });
    out += '{';
    bool first = true;
    for (const auto* e : entries) {
      if (!first) out += item_sep_;
      first = false;
      newline(out, level + 1);
      append_json_string(out, key_text(e->key), o_.ensure_ascii);
      out += o_.key_separator;
      dump(out, e->value, level + 1);
    }
    newline(out, level);
    out += '}';
  }

  // The containers being written (json's check_circular): one met again inside itself
  // is a ValueError, not an endless recursion.
  class Nesting {
   public:
    Nesting(Dumper& d, const void* container) : d_(d), guard_("while encoding a JSON object") {
      if (std::find(d.active_.begin(), d.active_.end(), container) != d.active_.end())
        value_error("Circular reference detected");
      d.active_.push_back(container);
    }
    ~Nesting() { d_.active_.pop_back(); }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

   private:
    Dumper& d_;
    NestingGuard guard_;
  };

  const JsonOptions& o_;
  std::string item_sep_;
  std::vector<const void*> active_;
};

// nlohmann's error as json.loads' ValueError:
// "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> "parse error at ...".
[[noreturn]] void invalid_json(const nlohmann::json::exception& e) {
  std::string msg = e.what();
  std::size_t bracket = msg.find("] ");
  value_error("invalid JSON: " + (bracket == std::string::npos ? msg : msg.substr(bracket + 2)));
}

// Builds Values straight from the parser's events, with a stack of open containers rather
// than recursion (nlohmann's parser does not recurse either), so that deep nesting costs no
// stack; past Python's recursion limit it fails as json.loads does. A container is made
// when it closes, at its exact size, from scratch storage that the next container at the
// same depth reuses: the values of a document lie together in memory, which makes
// templates that walk a large context markedly faster. An object's keys go into a Dict in
// order: a repeated key keeps its first position and its last value, as Python's
// dict(pairs).
class ValueBuilder {
 public:
  using json = nlohmann::json;

  bool null() { return add(Value()); }
  bool boolean(bool b) { return add(Value(b)); }
  bool number_integer(json::number_integer_t i) { return add(Value(static_cast<std::int64_t>(i))); }
  bool number_unsigned(json::number_unsigned_t u) {
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return add(int_value_of(*BigInt::parse(std::to_string(u), 10, false)));
    return add(Value(static_cast<std::int64_t>(u)));
  }
  // Python reads integers of any size; nlohmann reads one beyond 64 bits as a float, and
  // gives its text: the digits are read again here.
  bool number_float(json::number_float_t d, const json::string_t& text) {
    if (text.find_first_of(".eE") == std::string::npos) return add(to_int(Value(text)));
    return add(Value(d));
  }
  bool string(json::string_t& s) { return add(Value(std::move(s))); }
  bool binary(json::binary_t&) { return add(Value()); }  // JSON text has no binary values
  bool start_object(std::size_t) { return open(true); }
  bool key(json::string_t& k) { return add(Value(std::move(k))); }  // an object holds key, value, key...
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(false); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) { invalid_json(e); }

  Value result() { return std::move(result_); }

 private:
  struct Open {
    bool object = false;
    std::vector<Value> items;
  };
  bool open(bool object) {
    if (depth_ >= NestingGuard::limit)
      NestingGuard::too_deep(object ? "while decoding a JSON object from a unicode string"
                                    : "while decoding a JSON array from a unicode string");
    if (depth_ == stack_.size()) stack_.emplace_back();
    stack_[depth_].object = object;
    ++depth_;
    return true;
  }
  bool close() {
    Open& done = stack_[--depth_];
    std::vector<Value>& items = done.items;
    Value made;
    if (done.object) {
      Dict d;
      d.reserve(items.size() / 2);
      for (std::size_t i = 0; i + 1 < items.size(); i += 2) d.set(std::move(items[i]), std::move(items[i + 1]));
      made = Value::dict(std::move(d));
    } else {
      made = Value::list(std::vector<Value>(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end())));
    }
    items.clear();
    return add(std::move(made));
  }
  bool add(Value v) {
    if (depth_ == 0) result_ = std::move(v);
    else stack_[depth_ - 1].items.push_back(std::move(v));
    return true;
  }
  std::vector<Open> stack_;  // stack_[0, depth_) are open; the rest keep their storage
  std::size_t depth_ = 0;
  Value result_;
};

}  // namespace

std::string python_json_dumps(const Value& v, const JsonOptions& options) {
  std::string out;
  Dumper(options).dump(out, v, 0);
  return out;
}

Value python_json_loads(std::string_view text) {
  try {
    ValueBuilder builder;
    nlohmann::json::sax_parse(text, &builder);
    return builder.result();
  } catch (const nlohmann::json::exception& e) {
    invalid_json(e);
  }
}

Result<Value> Value::from_json(std::string_view text) {
  try {
    return python_json_loads(text);
  } catch (Error& e) {
    e.kind = ErrorKind::input;
    return std::unexpected(std::move(e));
  }
}

Result<std::string> Value::to_json(bool sort_keys) const {
  JsonOptions o;
  o.sort_keys = sort_keys;
  try {
    return python_json_dumps(*this, o);
  } catch (Error& e) {
    return std::unexpected(std::move(e));
  }
}

}  // namespace slap::tmpl
