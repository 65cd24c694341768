#include "supervisor/xmlrpc.hpp"

#include <fmt/format.h>

#include <cmath>

namespace slap::supervisor::xmlrpc {

namespace {

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

void encode(const Value& v, std::string& out) {
  out += "<value>";
  if (v.is_string()) {
    out += "<string>" + escape(v.get<std::string>()) + "</string>";
  } else if (v.is_boolean()) {
    out += v.get<bool>() ? "<boolean>1</boolean>" : "<boolean>0</boolean>";
  } else if (v.is_number_integer()) {
    out += fmt::format("<int>{}</int>", v.get<long long>());
  } else if (v.is_number()) {
    out += fmt::format("<double>{}</double>", v.get<double>());
  } else if (v.is_array()) {
    out += "<array><data>";
    for (const auto& item : v) encode(item, out);
    out += "</data></array>";
  } else if (v.is_object()) {
    out += "<struct>";
    for (const auto& [k, item] : v.items()) {
      out += "<member><name>" + escape(k) + "</name>";
      encode(item, out);
      out += "</member>";
    }
    out += "</struct>";
  } else {
    out += "<nil/>";
  }
  out += "</value>";
}

// A cursor over the response: elements, their text, nothing else of XML.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  Error error(std::string_view what) const {
    return Error(ErrorKind::io, fmt::format("supervisord answered malformed XML-RPC at byte {}: {}", pos_, what));
  }

  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
  }

  // Skips the XML declaration and comments.
  void skip_prolog() {
    for (;;) {
      skip_space();
      std::string_view close = s_.substr(pos_).starts_with("<?") ? "?>" : s_.substr(pos_).starts_with("<!--") ? "-->" : "";
      if (close.empty()) return;
      std::size_t end = s_.find(close, pos_ + 2);
      pos_ = end == std::string_view::npos ? s_.size() : end + close.size();
    }
  }

  // The name of the next element's start tag (without consuming it); "" when the next
  // thing is text or an end tag.
  std::string peek_start() {
    skip_space();
    if (pos_ >= s_.size() || s_[pos_] != '<' || pos_ + 1 >= s_.size() || s_[pos_ + 1] == '/') return {};
    std::size_t end = s_.find_first_of(" />", pos_ + 1);
    if (end == std::string_view::npos) return {};
    return std::string(s_.substr(pos_ + 1, end - pos_ - 1));
  }

  // Consumes <name> (true) or <name/> (false: the element is empty and closed).
  Result<bool> open(std::string_view name) {
    skip_space();
    std::string tag = "<" + std::string(name);
    if (!s_.substr(pos_).starts_with(tag)) return fail(error(fmt::format("expected <{}>", name)));
    std::size_t close = s_.find('>', pos_);
    if (close == std::string_view::npos) return fail(error("unterminated tag"));
    bool empty = s_[close - 1] == '/';
    pos_ = close + 1;
    return !empty;
  }

  Status close(std::string_view name) {
    skip_space();
    std::string tag = "</" + std::string(name) + ">";
    if (!s_.substr(pos_).starts_with(tag)) return fail(error(fmt::format("expected {}", tag)));
    pos_ += tag.size();
    return {};
  }

  // Character data up to the next tag, entities decoded (whitespace kept).
  Result<std::string> text() {
    std::size_t end = s_.find('<', pos_);
    if (end == std::string_view::npos) return fail(error("text runs to the end"));
    std::string_view raw = s_.substr(pos_, end - pos_);
    pos_ = end;
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        out += raw[i];
        continue;
      }
      std::size_t semi = raw.find(';', i);
      if (semi == std::string_view::npos) return fail(error("unterminated entity"));
      std::string_view name = raw.substr(i + 1, semi - i - 1);
      if (name == "lt") out += '<';
      else if (name == "gt") out += '>';
      else if (name == "amp") out += '&';
      else if (name == "quot") out += '"';
      else if (name == "apos") out += '\'';
      else if (name.starts_with("#")) {
        try {
          append_utf8(out, name.starts_with("#x") ? std::stoul(std::string(name.substr(2)), nullptr, 16)
                                                  : std::stoul(std::string(name.substr(1))));
        } catch (const std::exception&) {
          return fail(error(fmt::format("bad character reference &{};", name)));
        }
      } else {
        return fail(error(fmt::format("unknown entity &{};", name)));
      }
      i = semi;
    }
    return out;
  }

  Result<Value> value() {
    // Arrays and structs nest through here: bounded, so that an answer cannot exhaust the
    // stack (supervisord's are two or three deep).
    if (depth_ >= 256) return fail(error("values nested more than 256 deep"));
    ++depth_;
    auto v = value_here();
    --depth_;
    return v;
  }

 private:
  int depth_ = 0;

  Result<Value> value_here() {
    if (!SLAP_TRY(open("value"))) return Value("");
    std::string type = peek_start();
    if (type.empty()) {  // untyped: a string
      std::string t = SLAP_TRY(text());
      SLAP_CHECK(close("value"));
      return Value(t);
    }
    Value v = SLAP_TRY(typed(type));
    SLAP_CHECK(close("value"));
    return v;
  }

  static void append_utf8(std::string& out, unsigned long c) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }

  Result<Value> typed(const std::string& type) {
    if (type == "array") {
      Value out = Value::array();
      if (!SLAP_TRY(open("array"))) return out;
      if (SLAP_TRY(open("data"))) {
        while (peek_start() == "value") out.push_back(SLAP_TRY(value()));
        SLAP_CHECK(close("data"));
      }
      SLAP_CHECK(close("array"));
      return out;
    }
    if (type == "struct") {
      Value out = Value::object();
      if (!SLAP_TRY(open("struct"))) return out;
      while (peek_start() == "member") {
        SLAP_TRY(open("member"));
        SLAP_TRY(open("name"));
        std::string name = SLAP_TRY(text());
        SLAP_CHECK(close("name"));
        out[name] = SLAP_TRY(value());
        SLAP_CHECK(close("member"));
      }
      SLAP_CHECK(close("struct"));
      return out;
    }
    if (type == "nil") {
      SLAP_TRY(open("nil"));
      return Value(nullptr);
    }
    std::string t;
    if (SLAP_TRY(open(type))) {
      t = SLAP_TRY(text());
      SLAP_CHECK(close(type));
    }
    try {
      if (type == "int" || type == "i4" || type == "i8") return Value(std::stoll(t));
      if (type == "boolean") return Value(t == "1");
      if (type == "double") return Value(std::stod(t));
    } catch (const std::exception&) {
      return fail(error(fmt::format("bad <{}> value '{}'", type, t)));
    }
    if (type == "string" || type == "dateTime.iso8601" || type == "base64") return Value(t);
    return fail(error(fmt::format("unknown value type <{}>", type)));
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string call(std::string_view method, const std::vector<Value>& params) {
  std::string out = "<?xml version=\"1.0\"?>\n<methodCall><methodName>" + escape(method) + "</methodName><params>";
  for (const auto& p : params) {
    out += "<param>";
    encode(p, out);
    out += "</param>";
  }
  return out + "</params></methodCall>\n";
}

Result<Response> parse_response(std::string_view xml) {
  Reader r(xml);
  r.skip_prolog();
  SLAP_TRY(r.open("methodResponse"));
  Response out;
  if (r.peek_start() == "fault") {
    SLAP_TRY(r.open("fault"));
    out.value = SLAP_TRY(r.value());
    out.fault = true;
    SLAP_CHECK(r.close("fault"));
  } else {
    SLAP_TRY(r.open("params"));
    SLAP_TRY(r.open("param"));
    out.value = SLAP_TRY(r.value());
    SLAP_CHECK(r.close("param"));
    SLAP_CHECK(r.close("params"));
  }
  SLAP_CHECK(r.close("methodResponse"));
  return out;
}

}  // namespace slap::supervisor::xmlrpc
