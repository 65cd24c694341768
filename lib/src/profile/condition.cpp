#include "profile/condition.hpp"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include <variant>
#include <vector>

#include "slap/strings.hpp"

namespace slap::profile {

namespace {

struct Module {
  std::string name;
};
struct Function {
  std::string name;  // "platform.machine", "str.split", ...
  std::string self;  // bound string for methods
};
struct Value;
using Tuple = std::vector<Value>;
using Dict = std::map<std::string, std::string>;
struct Value {
  std::variant<bool, long, std::string, Tuple, Module, Function, Dict> v;
};

bool truthy(const Value& x) {
  return std::visit(
      [](const auto& a) -> bool {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, bool>) return a;
        else if constexpr (std::is_same_v<T, long>) return a != 0;
        else if constexpr (std::is_same_v<T, std::string>) return !a.empty();
        else if constexpr (std::is_same_v<T, Tuple> || std::is_same_v<T, Dict>) return !a.empty();
        else return true;
      },
      x.v);
}

std::string machine() {
  struct utsname u {};
  if (::uname(&u) != 0) return "x86_64";
  return u.machine;
}

std::string release() {
  struct utsname u {};
  if (::uname(&u) != 0) return "0.0";
  return u.release;
}

class Evaluator {
 public:
  Evaluator(std::string_view text, const Location& where) : s_(text), where_(where) {}

  Result<bool> run() {
    auto v = SLAP_TRY(expr());
    skip();
    // buildout evaluates "[EXPR]" and takes element 0: "a, b" means a.
    if (peek(",")) {
      pos_ = s_.size();
    }
    skip();
    if (pos_ != s_.size()) return error(fmt::format("unexpected '{}'", s_.substr(pos_)));
    return truthy(v);
  }

 private:
  std::unexpected<Error> error(std::string what) {
    return fail(Error(ErrorKind::input,
                      fmt::format("unsupported section condition '{}': {}", s_, what), where_)
                    .with_class("UserError"));
  }
  void skip() {
    while (pos_ < s_.size() && str::is_space(s_[pos_])) ++pos_;
  }
  bool peek(std::string_view tok) {
    skip();
    return s_.substr(pos_).starts_with(tok);
  }
  bool word(std::string_view w) {
    skip();
    if (!s_.substr(pos_).starts_with(w)) return false;
    std::size_t end = pos_ + w.size();
    if (end < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[end])) || s_[end] == '_'))
      return false;
    pos_ = end;
    return true;
  }

  struct Nested {
    int& depth;
    explicit Nested(int& d) : depth(++d) {}
    ~Nested() { --depth; }
  };

  // `or` / `and` short-circuit as in Python: the skipped operand is parsed, not evaluated.
  Result<Value> expr() {
    // Nesting is bounded so that hostile input cannot exhaust the stack; Python itself
    // refuses 200 nested parentheses.
    if (depth_ >= 100) return error("expression nested too deeply");
    Nested nested{depth_};
    auto left = SLAP_TRY(and_expr());
    while (word("or")) {
      bool skip = truthy(left);
      skip_ += skip;
      auto right = and_expr();
      skip_ -= skip;
      if (!right) return right;
      if (!skip) left = *right;
    }
    return left;
  }
  Result<Value> and_expr() {
    auto left = SLAP_TRY(not_expr());
    while (word("and")) {
      bool skip = !truthy(left);
      skip_ += skip;
      auto right = not_expr();
      skip_ -= skip;
      if (!right) return right;
      if (!skip) left = *right;
    }
    return left;
  }
  Result<Value> not_expr() {
    if (word("not")) {
      if (depth_ >= 100) return error("expression nested too deeply");
      Nested nested{depth_};
      auto v = SLAP_TRY(not_expr());
      return Value{!truthy(v)};
    }
    return comparison();
  }

  Result<Value> comparison() {
    auto left = SLAP_TRY(primary());
    bool result = true;
    bool any = false;
    while (true) {
      skip();
      std::string op;
      for (std::string_view cand : {"==", "!=", "<=", ">=", "<", ">"})
        if (peek(cand)) {
          op = cand;
          pos_ += cand.size();
          break;
        }
      if (op.empty()) {
        if (word("in")) op = "in";
        else if (word("not")) {
          if (!word("in")) return error("expected 'in' after 'not'");
          op = "not in";
        } else break;
      }
      auto right = SLAP_TRY(primary());
      bool r = skip_ ? false : SLAP_TRY(compare(left, op, right));
      result = result && r;
      any = true;
      left = right;
    }
    if (any) return Value{result};
    return left;
  }

  Result<int> order(const Value& a, const Value& b) {
    auto num = [](const Value& x, long& out) {
      if (auto* p = std::get_if<long>(&x.v)) { out = *p; return true; }
      if (auto* p = std::get_if<bool>(&x.v)) { out = *p; return true; }
      return false;
    };
    long x, y;
    if (num(a, x) && num(b, y)) return x < y ? -1 : (x > y ? 1 : 0);
    auto* sa = std::get_if<std::string>(&a.v);
    auto* sb = std::get_if<std::string>(&b.v);
    if (sa && sb) return *sa < *sb ? -1 : (*sa > *sb ? 1 : 0);
    auto* ta = std::get_if<Tuple>(&a.v);
    auto* tb = std::get_if<Tuple>(&b.v);
    if (ta && tb) {
      for (std::size_t i = 0; i < ta->size() && i < tb->size(); ++i) {
        int c = SLAP_TRY(order((*ta)[i], (*tb)[i]));
        if (c) return c;
      }
      return ta->size() < tb->size() ? -1 : (ta->size() > tb->size() ? 1 : 0);
    }
    return error("cannot compare these values");
  }

  Result<bool> equal(const Value& a, const Value& b) {
    auto r = order(a, b);
    if (!r) return false;
    return *r == 0;
  }

  Result<bool> compare(const Value& a, const std::string& op, const Value& b) {
    if (op == "==") return equal(a, b);
    if (op == "!=") return !SLAP_TRY(equal(a, b));
    if (op == "in" || op == "not in") {
      bool found = false;
      if (auto* t = std::get_if<Tuple>(&b.v)) {
        for (auto& e : *t)
          if (SLAP_TRY(equal(a, e))) found = true;
      } else if (auto* s = std::get_if<std::string>(&b.v)) {
        auto* needle = std::get_if<std::string>(&a.v);
        if (!needle) return error("'in <string>' needs a string on the left");
        found = s->find(*needle) != std::string::npos;
      } else {
        return error("'in' needs a tuple or a string");
      }
      return op == "in" ? found : !found;
    }
    int c = SLAP_TRY(order(a, b));
    if (op == "<") return c < 0;
    if (op == "<=") return c <= 0;
    if (op == ">") return c > 0;
    return c >= 0;
  }

  Result<Value> primary() {
    auto v = SLAP_TRY(atom());
    while (true) {
      if (peek(".")) {
        ++pos_;
        std::string name = identifier();
        v = skip_ ? Value{false} : SLAP_TRY(attribute(v, name));
      } else if (peek("(")) {
        ++pos_;
        Tuple args;
        while (!peek(")")) {
          args.push_back(SLAP_TRY(expr()));
          if (peek(",")) ++pos_;
          else if (!peek(")")) return error("expected ')'");
        }
        ++pos_;
        v = skip_ ? Value{false} : SLAP_TRY(call(v, args));
      } else if (peek("[")) {
        ++pos_;
        v = SLAP_TRY(subscript(v));
      } else {
        return v;
      }
    }
  }

  // x[i], x[a:b] on tuples/lists (negative indexes as in Python).
  Result<Value> subscript(const Value& v) {
    if (auto* dict = std::get_if<Dict>(&v.v)) {
      auto key = SLAP_TRY(expr());
      if (!peek("]")) return error("expected ']'");
      ++pos_;
      if (skip_) return Value{false};
      auto* k = std::get_if<std::string>(&key.v);
      auto it = k ? dict->find(*k) : dict->end();
      if (it == dict->end()) return error("key not found");
      return Value{it->second};
    }
    std::optional<long> lo, hi;
    bool slice = false;
    if (!peek(":")) lo = SLAP_TRY(integer(SLAP_TRY(expr())));
    if (peek(":")) {
      ++pos_;
      slice = true;
      if (!peek("]")) hi = SLAP_TRY(integer(SLAP_TRY(expr())));
    }
    if (!peek("]")) return error("expected ']'");
    ++pos_;
    if (skip_) return Value{false};
    auto* t = std::get_if<Tuple>(&v.v);
    if (!t) return error("only tuples and lists can be subscripted");
    long n = static_cast<long>(t->size());
    auto clamp = [n](long i) { return std::clamp(i < 0 ? i + n : i, 0L, n); };
    if (!slice) {
      long i = *lo < 0 ? *lo + n : *lo;
      if (i < 0 || i >= n) return error("index out of range");
      return (*t)[static_cast<std::size_t>(i)];
    }
    long a = lo ? clamp(*lo) : 0, b = hi ? clamp(*hi) : n;
    Tuple out;
    for (long i = a; i < b; ++i) out.push_back((*t)[static_cast<std::size_t>(i)]);
    return Value{out};
  }

  Result<long> integer(const Value& v) {
    if (auto* i = std::get_if<long>(&v.v)) return *i;
    if (skip_) return 0L;
    return error("an integer is required");
  }

  // Whether the display opening before pos_ is a comprehension: a `for` at its own level,
  // found by scanning (skipping strings and inner brackets) rather than by parsing the
  // first element twice, which nested displays would make exponential.
  bool comprehension_ahead() const {
    int level = 0;
    for (std::size_t i = pos_; i < s_.size(); ++i) {
      char c = s_[i];
      if (c == '\'' || c == '"') {
        for (++i; i < s_.size() && s_[i] != c; ++i)
          if (s_[i] == '\\') ++i;
      } else if (c == '(' || c == '[' || c == '{') {
        ++level;
      } else if (c == ')' || c == ']' || c == '}') {
        if (level-- == 0) return false;
      } else if (level == 0 && s_.compare(i, 3, "for") == 0 && (i == 0 || !ident_char(s_[i - 1])) &&
                 (i + 3 == s_.size() || !ident_char(s_[i + 3]))) {
        return true;
      }
    }
    return false;
  }
  static bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

  // [a, b] and [EXPR for NAME in ITERABLE]; lists behave as tuples here.
  Result<Value> list_display() {
    std::size_t start = pos_;
    if (peek("]")) {
      ++pos_;
      return Value{Tuple{}};
    }
    if (comprehension_ahead()) {
      ++skip_;
      auto first = expr();
      --skip_;
      if (!first) return first;
      if (!word("for")) return error("expected 'for'");
      std::string var = identifier();
      if (var.empty() || !word("in")) return error("expected 'for NAME in'");
      auto iterable = SLAP_TRY(expr());
      if (!peek("]")) return error("expected ']'");
      std::size_t end = ++pos_;
      if (skip_) return Value{Tuple{}};
      auto* items = std::get_if<Tuple>(&iterable.v);
      if (!items) return error("can only iterate over a list");
      Tuple out;
      for (const auto& item : *items) {
        locals_[var] = item;
        pos_ = start;
        out.push_back(SLAP_TRY(expr()));
      }
      locals_.erase(var);
      pos_ = end;
      return Value{out};
    }
    Tuple out;
    while (!peek("]")) {
      out.push_back(SLAP_TRY(expr()));
      if (peek(",")) ++pos_;
      else if (!peek("]")) return error("expected ']'");
    }
    ++pos_;
    return Value{out};
  }

  std::string identifier() {
    skip();
    std::size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_'))
      ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  Result<Value> atom() {
    skip();
    if (pos_ >= s_.size()) return error("unexpected end");
    char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      Tuple items;
      bool comma = false;
      while (!peek(")")) {
        items.push_back(SLAP_TRY(expr()));
        if (peek(",")) {
          ++pos_;
          comma = true;
        } else if (!peek(")")) {
          return error("expected ')'");
        }
      }
      ++pos_;
      if (items.size() == 1 && !comma) return items[0];
      return Value{items};
    }
    if (c == '[') {
      ++pos_;
      return list_display();
    }
    if (c == '"' || c == '\'') {
      std::size_t end = s_.find(c, pos_ + 1);
      if (end == std::string_view::npos) return error("unterminated string");
      std::string text(s_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end + 1;
      return Value{text};
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      long n = 0;
      std::size_t start = pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      auto [end, ec] = std::from_chars(s_.data() + start, s_.data() + pos_, n);
      if (ec != std::errc()) return error("integer literal too large");  // Python's are unbounded
      return Value{n};
    }
    std::string name = identifier();
    if (name.empty()) return error(fmt::format("unexpected '{}'", c));
    if (skip_) return Value{false};
    return name_value(name);
  }

  Result<Value> name_value(const std::string& name) {
    if (auto it = locals_.find(name); it != locals_.end()) return it->second;
    if (name == "int") return Value{Function{"int", {}}};
    if (name == "True") return Value{true};
    if (name == "False") return Value{false};
    if (name == "python3" || name == "cpython" || name == "linux" || name == "posix" ||
        name == "bits64" || name == "little_endian")
      return Value{true};
    if (name == "python2" || name == "pypy" || name == "jython" || name == "ironpython" ||
        name == "windows" || name == "cygwin" || name == "solaris" || name == "macosx" ||
        name == "bits32" || name == "big_endian")
      return Value{false};
    for (std::string_view v : {"24", "25", "26", "27", "30", "31", "32", "33", "34", "35", "36"})
      if (name == fmt::format("python{}", v)) return Value{false};
    if (name == "sys" || name == "os" || name == "platform" || name == "re") return Value{Module{name}};
    if (name == "open") return Value{Function{"open", {}}};
    return fail(Error(ErrorKind::input, fmt::format("name '{}' is not defined in section condition '{}'", name, s_), where_)
                    .with_class("NameError"));
  }

  Result<Value> attribute(const Value& v, const std::string& name) {
    if (auto* text = std::get_if<std::string>(&v.v); text && name == "split")
      return Value{Function{"str.split", *text}};
    auto* mod = std::get_if<Module>(&v.v);
    if (!mod) return error(fmt::format("no attribute '{}'", name));
    if (mod->name == "sys" && name == "version_info")
      return Value{Tuple{Value{3L}, Value{11L}, Value{2L}, Value{std::string("final")}, Value{0L}}};
    if (mod->name == "sys" && name == "platform") return Value{std::string("linux")};
    if (mod->name == "os" && name == "name") return Value{std::string("posix")};
    if (mod->name == "os" && name == "path") return Value{Module{"os.path"}};
    if (mod->name == "os" && (name == "R_OK" || name == "W_OK" || name == "X_OK" || name == "F_OK"))
      return Value{name == "R_OK" ? long{R_OK} : name == "W_OK" ? long{W_OK} : name == "X_OK" ? long{X_OK} : long{F_OK}};
    if ((mod->name == "os" && name == "access") ||
        (mod->name == "os.path" && (name == "isdir" || name == "isfile" || name == "exists")))
      return Value{Function{mod->name + "." + name, {}}};
    if (mod->name.starts_with("file:") && name == "read") return Value{Function{"read:" + mod->name.substr(5), {}}};
    if (mod->name == "platform" &&
        (name == "machine" || name == "system" || name == "python_version" || name == "release" ||
         name == "freedesktop_os_release"))
      return Value{Function{"platform." + name, {}}};
    return error(fmt::format("'{}.{}' is not supported", mod->name, name));
  }

  Result<Value> call(const Value& v, const Tuple& args) {
    auto* f = std::get_if<Function>(&v.v);
    if (!f) return error("not callable");
    auto arg_string = [&](std::size_t i) -> const std::string* {
      return i < args.size() ? std::get_if<std::string>(&args[i].v) : nullptr;
    };
    if (f->name == "platform.machine") return Value{machine()};
    if (f->name == "platform.system") return Value{std::string("Linux")};
    if (f->name == "platform.python_version") return Value{std::string("3.11.2")};
    if (f->name == "platform.release") return Value{release()};
    if (f->name == "platform.freedesktop_os_release") return os_release();
    if (f->name == "str.split") {
      const std::string* sep = arg_string(0);
      Tuple parts;
      for (auto& p : sep ? str::split(f->self, *sep) : str::split_ws(f->self)) parts.push_back(Value{p});
      return Value{parts};
    }
    if (f->name == "int") {
      const std::string* text = arg_string(0);
      long n = 0;
      if (text) {
        auto r = std::from_chars(text->data(), text->data() + text->size(), n);
        if (r.ec != std::errc() || r.ptr != text->data() + text->size())
          return error(fmt::format("invalid literal for int(): '{}'", *text));
        return Value{n};
      }
      if (!args.empty()) return Value{SLAP_TRY(integer(args[0]))};
      return Value{0L};
    }
    if (f->name.starts_with("read:")) return read_file(f->name.substr(5));
    const std::string* path = arg_string(0);
    if (!path) return error(fmt::format("{}() needs a string argument", f->name));
    struct stat st {};
    bool found = ::stat(path->c_str(), &st) == 0;
    if (f->name == "os.path.isdir") return Value{found && S_ISDIR(st.st_mode)};
    if (f->name == "os.path.isfile") return Value{found && S_ISREG(st.st_mode)};
    if (f->name == "os.path.exists") return Value{found};
    if (f->name == "os.access") {
      auto* mode = args.size() > 1 ? std::get_if<long>(&args[1].v) : nullptr;
      return Value{mode && ::access(path->c_str(), static_cast<int>(*mode)) == 0};
    }
    if (f->name == "open") return Value{Module{"file:" + *path}};
    return error(fmt::format("'{}()' is not supported", f->name));
  }

  // platform.freedesktop_os_release(): /etc/os-release as a dict.
  Result<Value> os_release() {
    std::ifstream in("/etc/os-release");
    if (!in) in.open("/usr/lib/os-release");
    if (!in) return fail(Error(ErrorKind::input, fmt::format("section condition '{}': no os-release file", s_), where_)
                             .with_class("OSError"));
    Dict d;
    std::string line;
    while (std::getline(in, line)) {
      auto eq = line.find('=');
      if (eq == std::string::npos || line.starts_with("#")) continue;
      std::string value = line.substr(eq + 1);
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
        value = value.substr(1, value.size() - 2);
      d[line.substr(0, eq)] = value;
    }
    return Value{d};
  }

  Result<Value> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(Error(ErrorKind::input, fmt::format("section condition '{}': cannot open {}", s_, path), where_)
                             .with_class("FileNotFoundError"));
    std::stringstream ss;
    ss << in.rdbuf();
    return Value{ss.str()};
  }

  std::string_view s_;
  Location where_;
  std::size_t pos_ = 0;
  int skip_ = 0;  // > 0 while parsing an operand that short-circuiting skips
  int depth_ = 0;  // expressions being parsed inside one another
  std::map<std::string, Value> locals_;  // comprehension variables
};

}  // namespace

std::string condition_text(std::string_view expression) {
  return str::replace_all(str::replace_all(expression, "\\x23", "#"), "\\x3b", ";");
}

Result<bool> eval_condition(std::string_view expression, const Location& where) {
  return Evaluator(condition_text(expression), where).run();
}

}  // namespace slap::profile
