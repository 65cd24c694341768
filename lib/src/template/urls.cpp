#include "urls.hpp"

#include <algorithm>
#include <cstdio>

#include "errors.hpp"
#include "interp.hpp"
#include "methods.hpp"
#include "slap/strings.hpp"
#include "text.hpp"

namespace slap::tmpl {

std::string url_quote(std::string_view s, std::string_view safe) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    bool keep = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || c == '_' || c == '.' ||
                c == '-' || c == '~' || (b < 0x80 && safe.find(c) != std::string_view::npos);
    if (keep) {
      out += c;
    } else {
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 15];
    }
  }
  return out;
}

namespace {

// Python's urlsplit/urlparse result: a named tuple.
class UrlParts final : public InternalObject {
 public:
  UrlParts(bool with_params, std::vector<std::string> parts) : params_(with_params), parts_(std::move(parts)) {}
  std::string type_name() const override { return params_ ? "ParseResult" : "SplitResult"; }
  std::string repr() const override {
    static const char* const names[] = {"scheme", "netloc", "path", "params", "query", "fragment"};
    std::string out = type_name() + "(";
    for (std::size_t i = 0, k = 0; i < 6; ++i) {
      if (!params_ && i == 3) continue;
      if (k) out += ", ";
      out += std::string(names[i]) + "=" + string_repr(parts_[k++]);
    }
    return out + ")";
  }
  std::optional<std::vector<Value>> iterate() const override {
    std::vector<Value> out(parts_.begin(), parts_.end());
    return out;
  }
  std::optional<std::size_t> length() const override { return parts_.size(); }
  std::optional<Value> attr(std::string_view name) const override;

 private:
  const std::string& part(std::string_view name) const {
    static const char* const names[] = {"scheme", "netloc", "path", "params", "query", "fragment"};
    std::size_t k = 0;
    for (const char* n : names) {
      if (!params_ && std::string_view(n) == "params") continue;
      if (name == n) return parts_[k];
      ++k;
    }
    return parts_[0];
  }
  std::string geturl() const;

  bool params_;
  std::vector<std::string> parts_;
};

bool uses_params(const std::string& scheme) {
  static const char* const schemes[] = {"", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp",
                                        "rtspu", "sip", "sips", "mms", "sftp", "tel"};
  return std::find(std::begin(schemes), std::end(schemes), scheme) != std::end(schemes);
}

std::optional<Value> UrlParts::attr(std::string_view name) const {
  static const char* const fields[] = {"scheme", "netloc", "path", "params", "query", "fragment"};
  for (const char* f : fields)
    if (name == f && (params_ || name != "params")) return Value(part(name));
  const std::string& netloc = part("netloc");
  std::size_t at = netloc.rfind('@');
  std::string userinfo = at == std::string::npos ? "" : netloc.substr(0, at);
  std::string hostport = at == std::string::npos ? netloc : netloc.substr(at + 1);
  if (name == "username" || name == "password") {
    if (at == std::string::npos) return Value();
    std::size_t colon = userinfo.find(':');
    if (name == "username") return Value(userinfo.substr(0, colon));
    return colon == std::string::npos ? Value() : Value(userinfo.substr(colon + 1));
  }
  std::string host = hostport, port;
  if (!hostport.empty() && hostport[0] == '[') {
    std::size_t close = hostport.find(']');
    host = hostport.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    if (close != std::string::npos && close + 1 < hostport.size() && hostport[close + 1] == ':') port = hostport.substr(close + 2);
  } else if (std::size_t colon = hostport.rfind(':'); colon != std::string::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  }
  if (name == "hostname") return host.empty() ? Value() : Value(str::to_lower(host));
  if (name == "port") {
    if (port.empty()) return Value();
    if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 || std::stoi(port) > 65535)
      value_error("Port could not be cast to integer value as " + string_repr(port));
    return Value(static_cast<std::int64_t>(std::stoi(port)));
  }
  if (name == "geturl") {
    std::string url = geturl();
    return builtin("geturl", [url](Interp&, Args&) { return Value(url); });
  }
  return std::nullopt;
}

bool uses_netloc(const std::string& scheme) {
  static const char* const schemes[] = {"", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file",
                                        "mms", "https", "shttp", "snews", "prospero", "rtsp", "rtspu", "rsync",
                                        "svn", "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss"};
  return std::find(std::begin(schemes), std::end(schemes), scheme) != std::end(schemes);
}

// urlunparse / urlunsplit.
std::string UrlParts::geturl() const {
  std::string scheme = part("scheme"), netloc = part("netloc"), url = part("path");
  if (params_ && !part("params").empty()) url += ";" + part("params");
  if (!netloc.empty() || (!scheme.empty() && uses_netloc(scheme) && url.rfind("//", 0) != 0)) {
    if (!url.empty() && url[0] != '/') url = "/" + url;
    url = "//" + netloc + url;
  }
  if (!scheme.empty()) url = scheme + ":" + url;
  if (!part("query").empty()) url += "?" + part("query");
  if (!part("fragment").empty()) url += "#" + part("fragment");
  return url;
}

std::vector<std::string> split_url(std::string url, bool with_params) {
  std::string scheme, netloc, query, fragment, params;
  std::size_t colon = url.find(':');
  if (colon != std::string::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(url[0])) &&
      url.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") >= colon) {
    scheme = str::to_lower(url.substr(0, colon));
    url = url.substr(colon + 1);
  }
  if (url.rfind("//", 0) == 0) {
    std::size_t end = url.find_first_of("/?#", 2);
    netloc = url.substr(2, end == std::string::npos ? std::string::npos : end - 2);
    url = end == std::string::npos ? "" : url.substr(end);
  }
  if (std::size_t h = url.find('#'); h != std::string::npos) {
    fragment = url.substr(h + 1);
    url = url.substr(0, h);
  }
  if (std::size_t q = url.find('?'); q != std::string::npos) {
    query = url.substr(q + 1);
    url = url.substr(0, q);
  }
  if (!with_params) return {scheme, netloc, url, query, fragment};
  if (uses_params(scheme) && url.find(';') != std::string::npos) {
    std::size_t slash = url.rfind('/');
    std::size_t semi = url.find(';', slash == std::string::npos ? 0 : slash);
    if (semi != std::string::npos) {
      params = url.substr(semi + 1);
      url = url.substr(0, semi);
    }
  }
  return {scheme, netloc, url, params, query, fragment};
}

const std::string& str_arg(const Value& v, const char* fn) {
  if (!v.is_string()) type_error(std::string(fn) + "() argument must be str, not " + v.type_name());
  return v.as_string();
}

Value f_urlparse(Interp&, Args& args) {
  auto a = bind_args(args, "urlparse", SLAP_PARAMS({"url", Value()}, {"scheme", Value("")}, {"allow_fragments", Value(true)}), 1);
  return Value::object(std::make_shared<UrlParts>(true, split_url(str_arg(a[0], "urlparse"), true)));
}

Value f_urlsplit(Interp&, Args& args) {
  auto a = bind_args(args, "urlsplit", SLAP_PARAMS({"url", Value()}, {"scheme", Value("")}, {"allow_fragments", Value(true)}), 1);
  return Value::object(std::make_shared<UrlParts>(false, split_url(str_arg(a[0], "urlsplit"), false)));
}

Value f_quote(Interp& in, Args& args) {
  auto a = bind_args(args, "quote", SLAP_PARAMS({"string", Value()}, {"safe", Value("/")}), 1);
  return Value(url_quote(in.to_str(a[0]), a[1].str()));
}

Value f_quote_plus(Interp& in, Args& args) {
  auto a = bind_args(args, "quote_plus", SLAP_PARAMS({"string", Value()}, {"safe", Value("")}), 1);
  return Value(str::replace_all(url_quote(in.to_str(a[0]), a[1].str() + " "), " ", "+"));
}

Value f_unquote(Interp&, Args& args) {
  return Value(str::percent_decode(str_arg(bind_args(args, "unquote", SLAP_PARAMS({"string", Value()}), 1)[0], "unquote")));
}

Value f_unquote_plus(Interp&, Args& args) {
  std::string s = str_arg(bind_args(args, "unquote_plus", SLAP_PARAMS({"string", Value()}), 1)[0], "unquote_plus");
  std::replace(s.begin(), s.end(), '+', ' ');
  return Value(str::percent_decode(s));
}

Value f_urlencode(Interp& in, Args& args) {
  auto a = bind_args(args, "urlencode", SLAP_PARAMS({"query", Value()}, {"doseq", Value(false)}), 1);
  std::vector<Value> pairs;
  if (a[0].is_dict()) {
    for (const auto& e : a[0].as_dict()) pairs.push_back(Value::pair(e.key, e.value));
  } else {
    pairs = in.iterate(a[0]);
  }
  auto plus = [&](const Value& v) { return str::replace_all(url_quote(in.to_str(v), " "), " ", "+"); };
  std::string out;
  for (const auto& p : pairs) {
    auto kv = in.iterate(p);
    if (kv.size() != 2) type_error("not a valid non-string sequence or mapping object");
    std::vector<Value> values{kv[1]};
    if (in.truth(a[1]) && (kv[1].is_list() || kv[1].is_tuple())) values = kv[1].items_copy();
    for (const auto& v : values) {
      if (!out.empty()) out += "&";
      out += plus(kv[0]) + "=" + plus(v);
    }
  }
  return Value(std::move(out));
}

std::vector<Value> parse_pairs(const std::string& qs, bool keep_blank) {
  std::vector<Value> out;
  for (const auto& field : str::split(qs, "&")) {
    if (field.empty()) continue;
    std::size_t eq = field.find('=');
    std::string k = field.substr(0, eq), v = eq == std::string::npos ? "" : field.substr(eq + 1);
    if (v.empty() && !keep_blank) continue;
    std::replace(k.begin(), k.end(), '+', ' ');
    std::replace(v.begin(), v.end(), '+', ' ');
    out.push_back(Value::tuple({Value(str::percent_decode(k)), Value(str::percent_decode(v))}));
  }
  return out;
}

Value f_parse_qsl(Interp& in, Args& args) {
  auto a = bind_args(args, "parse_qsl", SLAP_PARAMS({"qs", Value()}, {"keep_blank_values", Value(false)}), 1);
  return Value::list(parse_pairs(str_arg(a[0], "parse_qsl"), in.truth(a[1])));
}

Value f_parse_qs(Interp& in, Args& args) {
  auto a = bind_args(args, "parse_qs", SLAP_PARAMS({"qs", Value()}, {"keep_blank_values", Value(false)}), 1);
  Dict d;
  for (const auto& p : parse_pairs(str_arg(a[0], "parse_qs"), in.truth(a[1]))) {
    Value* list = d.find(p.items()[0]);
    if (!list) {
      d.set(p.items()[0], Value::list());
      list = d.find(p.items()[0]);
    }
    list->list_items().push_back(p.items()[1]);
  }
  return Value::dict(std::move(d));
}

}  // namespace

Value urllib_parse_module() {
  Dict m;
  auto add = [&](const char* name, BuiltinFn fn) { m.set(Value(name), builtin(name, fn)); };
  add("urlparse", f_urlparse);
  add("urlsplit", f_urlsplit);
  add("quote", f_quote);
  add("quote_plus", f_quote_plus);
  add("unquote", f_unquote);
  add("unquote_plus", f_unquote_plus);
  add("urlencode", f_urlencode);
  add("parse_qs", f_parse_qs);
  add("parse_qsl", f_parse_qsl);
  return module("urllib.parse", std::move(m));
}

}  // namespace slap::tmpl
