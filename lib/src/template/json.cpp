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
      case Value::Type::tuple: dump_list(out, v.items(), level); return;
      case Value::Type::dict: dump_dict(out, v.as_dict(), level); return;
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

  void dump_list(std::string& out, const std::vector<Value>& items, int level) {
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

  const JsonOptions& o_;
  std::string item_sep_;
};

// Python's json reads integers of any size; nlohmann reads one beyond 64 bits as a float.
// This parser keeps such a literal's digits instead, in a binary value (which JSON text
// cannot otherwise produce).
class IntegerKeepingParser : public nlohmann::detail::json_sax_dom_parser<nlohmann::ordered_json> {
 public:
  using json_sax_dom_parser::json_sax_dom_parser;
  bool number_float(double value, const std::string& text) {
    if (text.find_first_of(".eE") != std::string::npos) return json_sax_dom_parser::number_float(value, text);
    nlohmann::ordered_json::binary_t digits(std::vector<std::uint8_t>(text.begin(), text.end()));
    return binary(digits);
  }
};

Value from_nlohmann(const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return Value();
    case nlohmann::json::value_t::boolean: return Value(j.get<bool>());
    case nlohmann::json::value_t::number_integer: return Value(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      auto u = j.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(INT64_MAX)) return int_value_of(*BigInt::parse(std::to_string(u), 10, false));
      return Value(static_cast<std::int64_t>(u));
    }
    case nlohmann::json::value_t::binary: {
      const auto& digits = j.get_binary();
      return to_int(Value(std::string(digits.begin(), digits.end())));
    }
    case nlohmann::json::value_t::number_float: return Value(j.get<double>());
    case nlohmann::json::value_t::string: return Value(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      std::vector<Value> items;
      items.reserve(j.size());
      for (const auto& e : j) items.push_back(from_nlohmann(e));
      return Value::list(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      Dict d;
      for (const auto& [k, e] : j.items()) d.set(Value(k), from_nlohmann(e));
      return Value::dict(std::move(d));
    }
    default: return Value();
  }
}

}  // namespace

std::string python_json_dumps(const Value& v, const JsonOptions& options) {
  std::string out;
  Dumper(options).dump(out, v, 0);
  return out;
}

Value python_json_loads(std::string_view text) {
  try {
    nlohmann::ordered_json j;
    IntegerKeepingParser parser(j);
    nlohmann::ordered_json::sax_parse(text, &parser);
    return from_nlohmann(j);
  } catch (const nlohmann::json::exception& e) {
    std::string msg = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> "parse error at ..."
    std::size_t bracket = msg.find("] ");
    value_error("invalid JSON: " + (bracket == std::string::npos ? msg : msg.substr(bracket + 2)));
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
