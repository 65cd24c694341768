#include "markup.hpp"

#include "interp.hpp"
#include "pyformat.hpp"
#include "text.hpp"

namespace slap::tmpl {

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Value escape(Interp& in, const Value& v) {
  if (v.is_markup()) return v;
  return Value::markup(html_escape(in.to_str(v)));
}

namespace {

// Without an interpreter: operands of operators are already defined values.
Value escape_plain(const Value& v) {
  if (v.is_markup()) return v;
  return Value::markup(html_escape(v.str()));
}

// What markupsafe's _MarkupEscapeHelper does to a `%` argument: numbers stay numbers
// (for %d), anything else formats as its escaped text.
Value escape_format_arg(const Value& v) {
  if (v.is_number() || v.is_none()) return v;
  return escape_plain(v);
}

}  // namespace

std::optional<Value> markup_binary(BinaryOp op, const Value& a, const Value& b) {
  switch (op) {
    case BinaryOp::add:
      if ((a.is_markup() && b.is_string()) || (b.is_markup() && a.is_string()))
        return Value::markup(escape_plain(a).as_string() + escape_plain(b).as_string());
      return std::nullopt;
    case BinaryOp::mod: {
      if (!a.is_markup()) return std::nullopt;
      Value args;
      if (a.is_markup() && b.is_tuple()) {
        std::vector<Value> items;
        for (const auto& item : b.items()) items.push_back(escape_format_arg(item));
        args = Value::tuple(std::move(items));
      } else if (b.is_dict()) {
        Dict d;
        for (const auto& e : b.as_dict()) d.set(e.key, escape_format_arg(e.value));
        args = Value::dict(std::move(d));
      } else {
        args = escape_format_arg(b);
      }
      return Value::markup(percent_format(a.as_string(), args));
    }
    default: return std::nullopt;
  }
}

Value markup_join(Interp& in, const std::vector<Value>& parts, const Value& sep) {
  bool any_markup = sep.is_markup();
  for (const auto& p : parts) any_markup = any_markup || p.is_markup();
  std::string out;
  std::string sep_text = any_markup ? escape(in, sep).as_string() : in.to_str(sep);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep_text;
    if (any_markup) out += escape(in, parts[i]).as_string();
    else in.append_text(out, parts[i]);
  }
  return any_markup ? Value::markup(std::move(out)) : Value(std::move(out));
}

bool markup_wraps_method(std::string_view name) {
  static const std::string_view wrapped[] = {
      "capitalize", "title",  "lower",  "upper", "replace",    "ljust", "rjust", "lstrip", "rstrip",
      "center",     "strip",  "translate", "expandtabs", "swapcase", "zfill", "format", "join", "casefold",
      "removeprefix", "removesuffix", "format_map"};
  for (auto w : wrapped)
    if (w == name) return true;
  return false;
}

void escape_arguments(Interp& in, std::string_view method, Args& args) {
  auto escape_text = [&](Value& v) {
    if (v.is_string()) v = escape(in, v);
  };
  if (method == "join") {
    if (!args.positional.empty()) {
      std::vector<Value> items;
      for (auto& item : in.iterate(args.positional[0])) items.push_back(escape(in, item));
      args.positional[0] = Value::list(std::move(items));
    }
    return;
  }
  if (method == "format" || method == "format_map") {
    for (auto& v : args.positional) v = v.is_number() ? v : escape(in, v);
    for (auto& [k, v] : args.keywords) v = v.is_number() ? v : escape(in, v);
    return;
  }
  for (auto& v : args.positional) escape_text(v);
  for (auto& [k, v] : args.keywords) escape_text(v);
}

}  // namespace slap::tmpl
