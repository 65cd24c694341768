// The `re` module on std::regex (ECMAScript). Python-only syntax is translated where it
// is cheap: (?P<name>...) groups, (?P=name) is not supported, \A and \Z become ^ and $.
#include <regex>

#include "errors.hpp"
#include "interp.hpp"
#include "methods.hpp"

namespace slap::tmpl {

namespace {

constexpr std::int64_t flag_ignorecase = 2, flag_multiline = 8, flag_dotall = 16;

struct Compiled {
  std::string pattern;
  std::regex re;
  std::vector<std::string> names;  // group index - 1 -> name ("" when unnamed)
};

std::shared_ptr<const Compiled> compile(const std::string& pattern, std::int64_t flags) {
  auto c = std::make_shared<Compiled>();
  c->pattern = pattern;
  std::string translated;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char ch = pattern[i];
    if (ch == '\\' && i + 1 < pattern.size()) {
      char n = pattern[i + 1];
      translated += n == 'A' ? std::string("^") : n == 'Z' ? std::string("$") : pattern.substr(i, 2);
      ++i;
      continue;
    }
    if (ch == '(' && pattern.compare(i, 4, "(?P<") == 0) {
      std::size_t close = pattern.find('>', i);
      c->names.push_back(pattern.substr(i + 4, close - i - 4));
      translated += '(';
      i = close;
      continue;
    }
    if (ch == '(' && (i + 1 >= pattern.size() || pattern[i + 1] != '?')) c->names.emplace_back();
    if (ch == '.' && (flags & flag_dotall)) {
      translated += "[\\s\\S]";
      continue;
    }
    translated += ch;
  }
  auto opts = std::regex::ECMAScript;
  if (flags & flag_ignorecase) opts |= std::regex::icase;
  if (flags & flag_multiline) opts |= std::regex::multiline;
  try {
    c->re = std::regex(translated, opts);
  } catch (const std::regex_error& e) {
    raise("re.error", std::string("bad regular expression ") + pattern + ": " + e.what());
  }
  return c;
}

class MatchObject final : public InternalObject {
 public:
  MatchObject(std::shared_ptr<const Compiled> c, std::string subject, std::vector<std::pair<std::ptrdiff_t, std::ptrdiff_t>> spans)
      : c_(std::move(c)), subject_(std::move(subject)), spans_(std::move(spans)) {}
  std::string type_name() const override { return "re.Match"; }
  std::string repr() const override { return "<re.Match object; span=(" + std::to_string(spans_[0].first) + ", " + std::to_string(spans_[0].second) + ")>"; }
  bool truthy() const override { return true; }

  Value group(const Value& which) const {
    std::size_t i = 0;
    if (which.is_string()) {
      auto it = std::find(c_->names.begin(), c_->names.end(), which.as_string());
      if (it == c_->names.end()) raise("IndexError", "no such group");
      i = static_cast<std::size_t>(it - c_->names.begin()) + 1;
    } else {
      i = static_cast<std::size_t>(int_arg(which));
    }
    if (i >= spans_.size()) raise("IndexError", "no such group");
    if (spans_[i].first < 0) return Value();
    return Value(subject_.substr(static_cast<std::size_t>(spans_[i].first), static_cast<std::size_t>(spans_[i].second - spans_[i].first)));
  }

  std::optional<Value> attr(std::string_view name) const override {
    auto self = std::static_pointer_cast<const MatchObject>(self_.lock());
    if (name == "string") return Value(subject_);
    if (name == "group")
      return builtin("group", [self](Interp&, Args& a) {
        if (a.positional.size() <= 1) return self->group(a.positional.empty() ? Value(0) : a.positional[0]);
        std::vector<Value> out;
        for (const auto& g : a.positional) out.push_back(self->group(g));
        return Value::tuple(std::move(out));
      });
    if (name == "groups")
      return builtin("groups", [self](Interp&, Args&) {
        std::vector<Value> out;
        for (std::size_t i = 1; i < self->spans_.size(); ++i) out.push_back(self->group(Value(static_cast<std::int64_t>(i))));
        return Value::tuple(std::move(out));
      });
    if (name == "groupdict")
      return builtin("groupdict", [self](Interp&, Args&) {
        Dict d;
        for (const auto& n : self->c_->names)
          if (!n.empty()) d.set(Value(n), self->group(Value(n)));
        return Value::dict(std::move(d));
      });
    if (name == "start" || name == "end" || name == "span") {
      std::string which(name);
      return builtin(which, [self, which](Interp&, Args& a) {
        auto i = static_cast<std::size_t>(a.positional.empty() ? 0 : int_arg(a.positional[0]));
        if (i >= self->spans_.size()) raise("IndexError", "no such group");
        auto [s, e] = self->spans_[i];
        if (which == "start") return Value(static_cast<std::int64_t>(s));
        if (which == "end") return Value(static_cast<std::int64_t>(e));
        return Value::tuple({Value(static_cast<std::int64_t>(s)), Value(static_cast<std::int64_t>(e))});
      });
    }
    return std::nullopt;
  }
  std::weak_ptr<const Object> self_;

 private:
  std::shared_ptr<const Compiled> c_;
  std::string subject_;
  std::vector<std::pair<std::ptrdiff_t, std::ptrdiff_t>> spans_;
};

Value match_value(const std::shared_ptr<const Compiled>& c, const std::string& s, const std::smatch& m) {
  std::vector<std::pair<std::ptrdiff_t, std::ptrdiff_t>> spans;
  for (std::size_t i = 0; i < m.size(); ++i)
    spans.emplace_back(m[i].matched ? m.position(i) : -1, m[i].matched ? m.position(i) + m.length(i) : -1);
  auto o = std::make_shared<MatchObject>(c, s, std::move(spans));
  o->self_ = o;
  return Value::object(o);
}

enum class Mode { match, search, fullmatch };

Value do_match(const std::shared_ptr<const Compiled>& c, const std::string& s, Mode mode) {
  std::smatch m;
  bool ok = mode == Mode::fullmatch ? std::regex_match(s, m, c->re)
            : mode == Mode::match   ? std::regex_search(s, m, c->re, std::regex_constants::match_continuous)
                                    : std::regex_search(s, m, c->re);
  return ok ? match_value(c, s, m) : Value();
}

// Python replacement syntax (\1, \g<1>, \g<name>) -> ECMAScript ($1, $$ for a literal $).
std::string translate_repl(const Compiled& c, const std::string& repl) {
  std::string out;
  for (std::size_t i = 0; i < repl.size(); ++i) {
    char ch = repl[i];
    if (ch == '$') {
      out += "$$";
    } else if (ch == '\\' && i + 1 < repl.size()) {
      char n = repl[++i];
      if (std::isdigit(static_cast<unsigned char>(n))) {
        out += std::string("$") + n;
      } else if (n == 'g' && i + 1 < repl.size() && repl[i + 1] == '<') {
        std::size_t close = repl.find('>', i);
        std::string ref = repl.substr(i + 2, close - i - 2);
        auto it = std::find(c.names.begin(), c.names.end(), ref);
        out += "$" + (it != c.names.end() ? std::to_string(it - c.names.begin() + 1) : ref);
        i = close;
      } else if (n == 'n') {
        out += '\n';
      } else if (n == 't') {
        out += '\t';
      } else if (n == '\\') {
        out += '\\';
      } else {
        out += '\\';
        out += n;
      }
    } else {
      out += ch;
    }
  }
  return out;
}

Value do_sub(Interp& in, const std::shared_ptr<const Compiled>& c, const Value& repl, const std::string& s, std::int64_t count) {
  std::string out;
  auto begin = std::sregex_iterator(s.begin(), s.end(), c->re);
  std::size_t last = 0;
  std::int64_t done = 0;
  std::string fmt = repl.is_string() ? translate_repl(*c, repl.as_string()) : "";
  for (auto it = begin; it != std::sregex_iterator() && (count <= 0 || done < count); ++it, ++done) {
    const std::smatch& m = *it;
    out.append(s, last, static_cast<std::size_t>(m.position(0)) - last);
    if (repl.is_string()) {
      out += m.format(fmt);
    } else {
      Args a{{match_value(c, s, m)}, {}};
      out += in.to_str(in.call(repl, a));
    }
    last = static_cast<std::size_t>(m.position(0) + m.length(0));
  }
  out.append(s, last);
  return Value(out);
}

Value do_findall(const std::shared_ptr<const Compiled>& c, const std::string& s) {
  std::vector<Value> out;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), c->re); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    if (m.size() == 1) out.emplace_back(m.str(0));
    else if (m.size() == 2) out.emplace_back(m.str(1));
    else {
      std::vector<Value> groups;
      for (std::size_t i = 1; i < m.size(); ++i) groups.emplace_back(m.str(i));
      out.push_back(Value::tuple(std::move(groups)));
    }
  }
  return Value::list(std::move(out));
}

Value do_split(const std::shared_ptr<const Compiled>& c, const std::string& s, std::int64_t maxsplit) {
  std::vector<Value> out;
  std::size_t last = 0;
  std::int64_t done = 0;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), c->re);
       it != std::sregex_iterator() && (maxsplit <= 0 || done < maxsplit); ++it, ++done) {
    const std::smatch& m = *it;
    out.emplace_back(s.substr(last, static_cast<std::size_t>(m.position(0)) - last));
    for (std::size_t i = 1; i < m.size(); ++i) out.push_back(m[i].matched ? Value(m.str(i)) : Value());
    last = static_cast<std::size_t>(m.position(0) + m.length(0));
  }
  out.emplace_back(s.substr(last));
  return Value::list(std::move(out));
}

const std::string& text_arg(const Value& v) {
  if (!v.is_string()) type_error("expected string or bytes-like object, got '" + v.type_name() + "'");
  return v.as_string();
}

// The functions shared by the module (pattern as first argument) and compiled patterns.
Value call_re(Interp& in, const std::string& fn, const std::shared_ptr<const Compiled>& c, std::vector<Value> a) {
  auto need = [&](std::size_t n) {
    if (a.size() < n) type_error(fn + "() missing required argument");
  };
  if (fn == "match" || fn == "search" || fn == "fullmatch") {
    need(1);
    return do_match(c, text_arg(a[0]), fn == "match" ? Mode::match : fn == "search" ? Mode::search : Mode::fullmatch);
  }
  if (fn == "sub") {
    need(2);
    return do_sub(in, c, a[0], text_arg(a[1]), a.size() > 2 ? int_arg(a[2]) : 0);
  }
  if (fn == "findall") {
    need(1);
    return do_findall(c, text_arg(a[0]));
  }
  need(1);
  return do_split(c, text_arg(a[0]), a.size() > 1 ? int_arg(a[1]) : 0);
}

class Pattern final : public InternalObject {
 public:
  explicit Pattern(std::shared_ptr<const Compiled> c) : c_(std::move(c)) {}
  std::string type_name() const override { return "re.Pattern"; }
  std::string repr() const override { return "re.compile(" + Value(c_->pattern).repr() + ")"; }
  std::optional<Value> attr(std::string_view name) const override {
    if (name == "pattern") return Value(c_->pattern);
    for (const char* fn : {"match", "search", "fullmatch", "sub", "findall", "split"}) {
      if (name != fn) continue;
      auto c = c_;
      std::string f(fn);
      return builtin(f, [c, f](Interp& in, Args& a) { return call_re(in, f, c, a.positional); });
    }
    return std::nullopt;
  }

 private:
  std::shared_ptr<const Compiled> c_;
};

Value module_fn(Interp& in, Args& a, const std::string& fn) {
  std::size_t n_args = fn == "sub" ? 3 : 2;
  if (a.positional.empty()) type_error(fn + "() missing required argument 'pattern'");
  std::int64_t flags = 0;
  if (const Value* f = a.keyword("flags")) flags = int_arg(*f);
  else if (a.positional.size() > n_args + (fn == "sub" || fn == "split" ? 1 : 0)) flags = int_arg(a.positional.back());
  auto c = compile(text_arg(a.positional[0]), flags);
  std::vector<Value> rest(a.positional.begin() + 1, a.positional.end());
  if (const Value* count = a.keyword(fn == "split" ? "maxsplit" : "count")) rest.push_back(*count);
  return call_re(in, fn, c, rest);
}

}  // namespace

Value re_module() {
  Dict attrs;
  for (const char* fn : {"match", "search", "fullmatch", "sub", "findall", "split"}) {
    std::string f(fn);
    attrs.set(Value(f), builtin(f, [f](Interp& in, Args& a) { return module_fn(in, a, f); }));
  }
  attrs.set(Value("compile"), builtin("compile", [](Interp&, Args& a) {
              auto p = bind_args(a, "compile", SLAP_PARAMS({"pattern", Value()}, {"flags", Value(0)}), 1);
              return Value::object(std::make_shared<Pattern>(compile(text_arg(p[0]), int_arg(p[1]))));
            }));
  attrs.set(Value("escape"), builtin("escape", [](Interp&, Args& a) {
              std::string s = text_arg(bind_args(a, "escape", SLAP_PARAMS({"pattern", Value()}), 1)[0]), out;
              for (char ch : s) {
                if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && !(ch & 0x80)) out += '\\';
                out += ch;
              }
              return Value(out);
            }));
  for (auto [name, v] : {std::pair{"I", flag_ignorecase}, {"IGNORECASE", flag_ignorecase}, {"M", flag_multiline},
                         {"MULTILINE", flag_multiline}, {"S", flag_dotall}, {"DOTALL", flag_dotall}})
    attrs.set(Value(name), Value(v));
  return module("re", std::move(attrs));
}

}  // namespace slap::tmpl
