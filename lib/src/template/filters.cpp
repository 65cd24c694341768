// String and scalar filters, and the filter registry.
#include "filters.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "bigint.hpp"
#include "builtins.hpp"
#include "errors.hpp"
#include "interp.hpp"
#include "json.hpp"
#include "markup.hpp"
#include "methods.hpp"
#include "ops.hpp"
#include "pprint.hpp"
#include "pyformat.hpp"
#include "slap/strings.hpp"
#include "text.hpp"
#include "urls.hpp"

namespace slap::tmpl {

Value fold_case(const Value& v) {
  if (!v.is_string()) return v;
  const std::string& s = v.as_string();
  return is_folded(s) ? Value(s) : Value(py_lower(s));
}

// Sort keys are mostly lowercase ASCII already: then a str is its own fold. Eight bytes
// are tested at a time: a byte >= 0x80, or one from 'A' to 'Z', sets a high bit below.
bool is_folded(std::string_view s) {
  constexpr std::uint64_t ones = 0x0101010101010101, highs = ones * 0x80;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & highs) return false;
    std::uint64_t from_a = w + ones * (0x80 - 'A'), past_z = w + ones * (0x80 - 'Z' - 1);
    if ((from_a ^ past_z) & highs) return false;
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if ((c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

namespace {

// Filters that call a str method on their subject keep a Markup one a Markup.
Value like(const Value& subject, Value result) {
  if (subject.is_markup() && result.is_string()) return Value::markup(result.as_string());
  return result;
}
// The same for a filter's text, made a value once.
inline Value like(const Value& subject, std::string text) {
  return subject.is_markup() ? Value::markup(std::move(text)) : Value(std::move(text));
}

Value f_default(Interp& in, const Value& v, const Args& args) {
  if (args.keywords.empty() && args.positional.size() <= 1) {  // default(x): boolean is false
    if (!v.is_undefined()) return v;
    return args.positional.empty() ? Value("") : args.positional[0];
  }
  auto a = bind_args(args, "default", SLAP_PARAMS({"default_value", Value("")}, {"boolean", Value(false)}), 0);
  if (v.is_undefined() || (in.truth(a[1]) && !v.truthy())) return a[0];
  return v;
}

Value f_string(Interp& in, const Value& v, const Args& args) {
  no_args(args, "string");
  return v.is_markup() ? v : Value(in.to_str(v));
}

Value f_lower(Interp& in, const Value& v, const Args& args) {
  no_args(args, "lower");
  return like(v, v.is_string() ? py_lower(v.as_string()) : py_lower(in.to_str(v)));
}

Value f_upper(Interp& in, const Value& v, const Args& args) {
  no_args(args, "upper");
  return like(v, v.is_string() ? py_upper(v.as_string()) : py_upper(in.to_str(v)));
}

// str(v).method(*args), Markup when v is.
Value str_method(Interp& in, const Value& v, MethodFn method, const Args& args) {
  if (v.is_string()) return like(v, method(in, v, args));  // str methods ignore Markup: like() restores it
  return method(in, Value(in.to_str(v)), args);
}

Value f_capitalize(Interp& in, const Value& v, const Args& args) {
  static const MethodFn capitalize = find_str_method("capitalize");
  return str_method(in, v, capitalize, args);
}
Value f_center(Interp& in, const Value& v, const Args& args) {
  if (v.is_string() && !v.is_markup() && args.keywords.empty() && args.positional.size() == 1 &&
      args.positional[0].is_int()) {  // 'x' | center(16), as str.center()
    std::int64_t width = args.positional[0].as_int();
    const std::string& s = v.as_string();
    std::int64_t n = width - static_cast<std::int64_t>(code_point_count(s));
    if (n <= 0) return v;
    std::int64_t left = n / 2 + (n & width & 1);  // the extra space goes left when width is odd
    std::string out(static_cast<std::size_t>(left), ' ');
    out += s;
    out.append(static_cast<std::size_t>(n - left), ' ');
    return Value(std::move(out));
  }
  auto a = bind_args(args, "center", SLAP_PARAMS({"width", Value(80)}), 0);
  PooledArgs c(in);
  (*c).positional.push_back(std::move(a[0]));
  static const MethodFn center = find_str_method("center");
  return str_method(in, v, center, *c);
}

// Jinja2's title: words start after whitespace, '-', '(', '{', '[' or '<'.
Value f_title(Interp& in, const Value& v, const Args& args) {
  no_args(args, "title");
  std::string s = in.to_str(v);
  bool start = true;
  for (char& c : s) {
    bool boundary = str::is_space(c) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
    if (boundary) {
      start = true;
      continue;
    }
    if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    else if (!start && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    start = false;
  }
  return Value(std::move(s));
}

Value f_trim(Interp& in, const Value& v, const Args& args) {
  if (v.is_string() && args.positional.empty() && args.keywords.empty())  // str.strip() of whitespace
    return like(v, std::string(str::rstrip(str::lstrip(v.as_string()))));
  auto a = bind_args(args, "trim", SLAP_PARAMS({"chars", Value()}), 0);
  PooledArgs s(in);
  (*s).positional.push_back(std::move(a[0]));
  static const MethodFn strip = find_str_method("strip");
  return str_method(in, v, strip, *s);
}

// s.replace(from, to) for a non-empty `from`, every occurrence.
std::string replace_all_of(const std::string& s, const std::string& from, const std::string& to) {
  if (from.size() == 1 && to.size() == 1) {  // replace('-', '_'): in place, in a copy
    std::string out(s);
    std::replace(out.begin(), out.end(), from[0], to[0]);
    return out;
  }
  std::string out;
  std::size_t start = 0;
  for (std::size_t at; (at = s.find(from, start)) != std::string::npos; start = at + from.size()) {
    out.append(s, start, at - start);
    out += to;
  }
  out.append(s, start);
  return out;
}

Value f_replace(Interp& in, const Value& v, const Args& args) {
  if (!in.autoescape && args.keywords.empty() && args.positional.size() == 2) {  // 'x' | replace('a', 'b')
    const Value& from = args.positional[0];
    const Value& to = args.positional[1];
    auto plain = [](const Value& x) { return x.is_string() && !x.is_markup(); };
    if (plain(v) && plain(from) && plain(to) && !from.as_string().empty())
      return Value(replace_all_of(v.as_string(), from.as_string(), to.as_string()));
  }
  auto a = bind_args(args, "replace", SLAP_PARAMS({"old", Value()}, {"new", Value()}, {"count", Value()}), 2);
  Value count = a[2].is_none() ? Value(-1) : a[2];
  static const MethodFn replace = find_str_method("replace");
  PooledArgs pooled(in);
  Args& r = *pooled;
  if (!in.autoescape) {
    // str(v).replace(str(old), str(new)): plain text, even from Markup.
    auto text = [&](const Value& x) { return x.is_string() && !x.is_markup() ? x : Value(in.to_str(x)); };
    r.positional.push_back(text(a[0]));
    r.positional.push_back(text(a[1]));
    r.positional.push_back(std::move(count));
    return v.is_string() && !v.is_markup() ? replace(in, v, r) : replace(in, Value(in.to_str(v)), r);
  }
  // Under autoescape a Markup old or new makes the subject Markup (escaped), whose replace
  // escapes its plain arguments.
  Value subject = a[0].is_markup() || (a[1].is_markup() && !v.is_markup()) ? escape(in, v) : v;
  r.positional = {a[0], a[1], count};
  if (subject.is_markup()) r.positional = {escape(in, a[0]), escape(in, a[1]), count};
  return str_method(in, subject, replace, r);
}

// Jinja 3.1 indent: the first line and blank lines stay as they are unless asked.
Value f_indent(Interp& in, const Value& v, const Args& args) {
  auto a = bind_args(args, "indent", SLAP_PARAMS({"width", Value(4)}, {"first", Value(false)}, {"blank", Value(false)}), 0);
  if (v.is_undefined()) raise_undefined_hint(v);  // Jinja2 appends "\n" to the value itself
  std::string pad = a[0].is_string() ? a[0].as_string() : std::string(static_cast<std::size_t>(std::max<std::int64_t>(0, int_arg(a[0]))), ' ');
  Value text(in.to_str(v) + "\n");
  Args none;
  Value split = find_str_method("splitlines")(in, text, none);
  auto lines = split.items();
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i].as_string();
    if (i) out += "\n";
    if (i && (in.truth(a[2]) || !line.empty())) out += pad;
    out += line;
  }
  if (in.truth(a[1])) out = pad + out;
  return like(v, std::move(out));
}

Value f_int(Interp&, const Value& v, const Args& args) {
  auto a = bind_args(args, "int", SLAP_PARAMS({"default", Value(0)}, {"base", Value(10)}), 0);
  if (v.is_undefined()) raise_undefined_hint(v);
  try {
    return v.is_string() ? to_int(v, static_cast<int>(int_arg(a[1]))) : to_int(v);
  } catch (const Error& e) {
    if (e.cls != "TypeError" && e.cls != "ValueError") throw;
  }
  try {
    return to_int(to_float(v));
  } catch (const Error& e) {
    if (e.cls != "TypeError" && e.cls != "ValueError") throw;
  }
  return a[0];
}

Value f_float(Interp&, const Value& v, const Args& args) {
  auto a = bind_args(args, "float", SLAP_PARAMS({"default", Value(0.0)}), 0);
  if (v.is_undefined()) raise_undefined_hint(v);
  try {
    return to_float(v);
  } catch (const Error& e) {
    if (e.cls != "TypeError" && e.cls != "ValueError") throw;
  }
  return a[0];
}

Value f_abs(Interp&, const Value& v, const Args& args) {
  no_args(args, "abs");
  return py_abs(v);
}

Value f_round(Interp&, const Value& v, const Args& args) {
  auto a = bind_args(args, "round", SLAP_PARAMS({"precision", Value(0)}, {"method", Value("common")}), 0);
  std::string method = a[1].str();
  if (method != "common" && method != "ceil" && method != "floor")
    raise("FilterArgumentError", "method must be common, ceil or floor");
  if (!v.is_number() && !big_int(v)) type_error("type " + v.type_name() + " doesn't define __round__ method");
  std::int64_t p = int_arg(a[0]);
  if (method == "common") return py_round(v, p);
  double scale = std::pow(10.0, static_cast<double>(p));
  double x = to_float(v).as_float() * scale;
  return Value((method == "ceil" ? std::ceil(x) : std::floor(x)) / scale);
}

Value f_escape(Interp& in, const Value& v, const Args& args) {
  no_args(args, "escape");
  return escape(in, v);
}

Value f_forceescape(Interp& in, const Value& v, const Args& args) {
  no_args(args, "forceescape");
  return Value::markup(html_escape(in.to_str(v)));
}

Value f_safe(Interp& in, const Value& v, const Args& args) {
  no_args(args, "safe");
  return v.is_markup() ? v : Value::markup(in.to_str(v));
}

Value f_tojson(Interp& in, const Value& v, const Args& args) {
  auto a = bind_args(args, "tojson", SLAP_PARAMS({"indent", Value()}), 0);
  in.use(v);
  JsonOptions o;
  o.sort_keys = true;
  if (!a[0].is_none()) o.indent = a[0].is_string() ? a[0].as_string() : std::string(static_cast<std::size_t>(int_arg(a[0])), ' ');
  o.has_indent = !a[0].is_none();
  std::string text = python_json_dumps(v, o);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      case '\'': out += "\\u0027"; break;
      default: out += c;
    }
  }
  return Value::markup(std::move(out));
}

Value f_urlencode(Interp& in, const Value& v, const Args& args) {
  no_args(args, "urlencode");
  if (v.is_string() || v.is_number() || v.is_none()) return Value(url_quote(v.str(), "/"));
  std::vector<Value> pairs;
  if (v.is_dict()) {
    for (const auto& e : v.as_dict()) pairs.push_back(Value::pair(e.key, e.value));
  } else {
    pairs = in.iterate(v);
  }
  std::string out;
  for (const auto& p : pairs) {
    auto kv = in.iterate(p);
    if (kv.size() != 2) value_error("too many values to unpack (expected 2)");
    if (!out.empty()) out += "&";
    out += str::replace_all(url_quote(in.to_str(kv[0]), ""), "%20", "+") + "=" +
           str::replace_all(url_quote(in.to_str(kv[1]), ""), "%20", "+");
  }
  return Value(std::move(out));
}

Value f_format(Interp& in, const Value& v, const Args& args) {
  if (!args.positional.empty() && !args.keywords.empty())
    raise("FilterArgumentError", "can't handle positional and keyword arguments at the same time");
  Value fmt_args;
  if (!args.keywords.empty()) {
    Dict d;
    for (const auto& [k, val] : args.keywords) d.set(Value(k), val);
    fmt_args = Value::dict(std::move(d));
  } else {
    fmt_args = Value::tuple(args.positional);
  }
  if (v.is_markup()) return binary(BinaryOp::mod, v, fmt_args);
  return Value(percent_format(in.to_str(v), fmt_args));
}

Value f_wordcount(Interp& in, const Value& v, const Args& args) {
  no_args(args, "wordcount");
  std::string s = in.to_str(v);
  std::int64_t n = 0;
  bool in_word = false;
  for (char c : s) {
    bool word = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80);
    if (word && !in_word) ++n;
    in_word = word;
  }
  return Value(n);
}

Value f_truncate(Interp& in, const Value& v, const Args& args) {
  auto a = bind_args(args, "truncate",
                     SLAP_PARAMS({"length", Value(255)}, {"killwords", Value(false)}, {"end", Value("...")}, {"leeway", Value(5)}), 0);
  std::string s = in.to_str(v);
  std::int64_t length = int_arg(a[0]), leeway = int_arg(a[3]);
  std::string end = a[2].str();
  auto end_length = static_cast<std::int64_t>(code_point_count(end));
  if (length < end_length)
    raise("AssertionError", "expected length >= " + std::to_string(end_length) + ", got " + std::to_string(length));
  if (leeway < 0) raise("AssertionError", "expected leeway >= 0, got " + std::to_string(leeway));
  auto n = static_cast<std::int64_t>(code_point_count(s));
  if (n <= length + leeway) return like(v, std::move(s));
  Value head = slice(Value(s), 0, length - end_length, std::nullopt);
  if (v.is_markup()) end = escape(in, Value(end)).as_string();  // Markup + str escapes the str
  if (in.truth(a[1])) return like(v, head.as_string() + end);
  std::string h = head.as_string();
  std::size_t sp = h.rfind(' ');
  return like(v, (sp == std::string::npos ? h : h.substr(0, sp)) + end);
}

Value f_attr(Interp& in, const Value& v, const Args& args) {
  Value name = bind_args(args, "attr", SLAP_PARAMS({"name", Value()}), 1)[0];
  if (v.is_dict() && !find_method(v, name.str())) return Value::undefined(object_type_repr(v) + " has no attribute " + name.repr());
  return in.getattr(v, name.str());
}

Value f_filesizeformat(Interp&, const Value& v, const Args& args) {
  auto a = bind_args(args, "filesizeformat", SLAP_PARAMS({"binary", Value(false)}), 0);
  double bytes = to_float(v).as_float();
  bool binary_units = a[0].truthy();
  double base = binary_units ? 1024 : 1000;
  static const char* const dec[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  static const char* const bin[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  if (bytes == 1) return Value("1 Byte");
  if (bytes < base) return Value(std::to_string(static_cast<std::int64_t>(bytes)) + " Bytes");
  double unit = base;
  int i = 0;
  for (; i < 8; ++i) {
    unit = std::pow(base, i + 2);
    if (bytes < unit) break;
  }
  if (i == 8) i = 7;
  return Value(format_value(Value(base * bytes / unit), ".1f") + " " + (binary_units ? bin[i] : dec[i]));
}

Value f_pprint(Interp&, const Value& v, const Args& args) {
  no_args(args, "pprint");
  return Value(pformat(v));
}

const FilterFn scalar_filters[] = {
    {"default", f_default}, {"d", f_default}, {"string", f_string}, {"lower", f_lower}, {"upper", f_upper},
    {"capitalize", f_capitalize}, {"center", f_center}, {"title", f_title}, {"trim", f_trim},
    {"replace", f_replace}, {"indent", f_indent}, {"int", f_int}, {"float", f_float}, {"abs", f_abs},
    {"round", f_round}, {"escape", f_escape}, {"e", f_escape}, {"forceescape", f_forceescape}, {"safe", f_safe},
    {"tojson", f_tojson}, {"urlencode", f_urlencode}, {"format", f_format}, {"wordcount", f_wordcount},
    {"truncate", f_truncate}, {"attr", f_attr}, {"filesizeformat", f_filesizeformat}, {"pprint", f_pprint},
};

}  // namespace

namespace {

const std::unordered_map<std::string_view, const FilterFn*>& filter_table() {
  static const std::unordered_map<std::string_view, const FilterFn*> table = [] {
    std::unordered_map<std::string_view, const FilterFn*> t;
    for (const auto& f : scalar_filters) t.emplace(f.name, &f);
    for (std::size_t i = 0; i < sequence_filter_count; ++i) t.emplace(sequence_filters[i].name, &sequence_filters[i]);
    for (std::size_t i = 0; i < text_filter_count; ++i) t.emplace(text_filters[i].name, &text_filters[i]);
    return t;
  }();
  return table;
}

}  // namespace

const FilterFn* find_filter(std::string_view name) {
  const auto& table = filter_table();
  auto it = table.find(name);
  return it == table.end() ? nullptr : it->second;
}

std::vector<std::string_view> filter_names() {
  std::vector<std::string_view> names;
  for (const auto& entry : filter_table()) names.push_back(entry.first);
  std::sort(names.begin(), names.end());
  return names;
}

Value call_filter(Interp& in, const Value& name, const Value& subject, const Args& args) {
  const FilterFn* f = name.is_string() ? find_filter(name.as_string()) : nullptr;
  if (!f) raise("TemplateRuntimeError", "No filter named " + name.repr() + ".");
  return f->fn(in, subject, args);
}

}  // namespace slap::tmpl
