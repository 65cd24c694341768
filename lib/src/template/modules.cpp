// Native stand-ins for the Python modules SlapOS templates import through the recipe's
// `import` context lines (spec/templates.md §2.10): json, os/os.path, hashlib, six,
// itertools, functools, operator, base64, urllib; `re` is in regex.cpp.
#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>

#include "builtins.hpp"
#include "errors.hpp"
#include "filters.hpp"
#include "interp.hpp"
#include "json.hpp"
#include "methods.hpp"
#include "ops.hpp"
#include "slap/paths.hpp"
#include "urls.hpp"

namespace slap::tmpl {

Value re_module();  // regex.cpp

namespace {

using Fn = std::function<Value(Interp&, Args&)>;

Value make_module(const char* name, std::initializer_list<std::pair<const char*, Fn>> fns, Dict extra = {}) {
  Dict attrs = std::move(extra);
  for (const auto& [n, f] : fns) attrs.set(Value(n), builtin(n, f));
  return module(name, std::move(attrs));
}

// ----- json -----

Value json_dumps(Interp&, Args& args) {
  auto a = bind_args(args, "dumps",
                     SLAP_PARAMS({"obj", Value()}, {"skipkeys", Value(false)}, {"ensure_ascii", Value(true)},
                      {"check_circular", Value(true)}, {"allow_nan", Value(true)}, {"cls", Value()},
                      {"indent", Value()}, {"separators", Value()}, {"default", Value()}, {"sort_keys", Value(false)}),
                     1);
  JsonOptions o;
  o.ensure_ascii = a[2].truthy();
  o.sort_keys = a[9].truthy();
  if (!a[6].is_none()) {
    o.has_indent = true;
    o.indent = a[6].is_string() ? a[6].as_string() : std::string(static_cast<std::size_t>(std::max<std::int64_t>(0, int_arg(a[6]))), ' ');
  }
  if (!a[7].is_none()) {
    const auto& seps = a[7].items();
    if (seps.size() != 2) value_error("separators must be a (item_separator, key_separator) pair");
    o.custom_separators = true;
    o.item_separator = seps[0].str();
    o.key_separator = seps[1].str();
  }
  return Value(python_json_dumps(a[0], o));
}

Value json_loads(Interp& in, Args& args) {
  return python_json_loads(in.to_str(bind_args(args, "loads", SLAP_PARAMS({"s", Value()}), 1)[0]));
}

// ----- os.path -----

std::string path_arg(const Args& args, std::size_t i, const char* fn) {
  if (i >= args.positional.size() || !args.positional[i].is_string())
    type_error(std::string(fn) + "() argument must be str");
  return args.positional[i].as_string();
}

Value os_path_join(Interp&, Args& args) {
  std::string out = path_arg(args, 0, "join");
  for (std::size_t i = 1; i < args.positional.size(); ++i) out = path::join(out, path_arg(args, i, "join"));
  return Value(out);
}

Value os_path_basename(Interp&, Args& args) { return Value(path::basename(path_arg(args, 0, "basename"))); }
Value os_path_dirname(Interp&, Args& args) { return Value(path::dirname(path_arg(args, 0, "dirname"))); }

Value os_path_splitext(Interp&, Args& args) {
  std::string p = path_arg(args, 0, "splitext");
  std::size_t slash = p.rfind('/');
  std::size_t base = slash == std::string::npos ? 0 : slash + 1;
  std::size_t dot = p.rfind('.');
  std::size_t first = p.find_first_not_of('.', base);
  if (dot == std::string::npos || dot < base || first == std::string::npos || dot < first)
    return Value::tuple({Value(p), Value("")});
  return Value::tuple({Value(p.substr(0, dot)), Value(p.substr(dot))});
}

template <bool (*Check)(const std::filesystem::path&, std::error_code&)>
Value fs_check(Interp&, Args& args) {
  std::error_code ec;
  return Value(Check(path_arg(args, 0, "path"), ec));
}

bool exists_fn(const std::filesystem::path& p, std::error_code& ec) { return std::filesystem::exists(p, ec); }
bool isfile_fn(const std::filesystem::path& p, std::error_code& ec) { return std::filesystem::is_regular_file(p, ec); }
bool isdir_fn(const std::filesystem::path& p, std::error_code& ec) { return std::filesystem::is_directory(p, ec); }
bool islink_fn(const std::filesystem::path& p, std::error_code& ec) { return std::filesystem::is_symlink(p, ec); }

Value os_path_module() {
  Dict extra;
  extra.set(Value("sep"), Value("/"));
  extra.set(Value("pathsep"), Value(":"));
  return make_module("posixpath",
                     {{"join", os_path_join}, {"basename", os_path_basename}, {"dirname", os_path_dirname},
                      {"splitext", os_path_splitext}, {"exists", fs_check<exists_fn>}, {"isfile", fs_check<isfile_fn>},
                      {"isdir", fs_check<isdir_fn>}, {"islink", fs_check<islink_fn>}},
                     std::move(extra));
}

// ----- hashlib -----

class HashObject final : public InternalObject {
 public:
  HashObject(std::string name, const EVP_MD* md, std::string data) : name_(std::move(name)), md_(md), data_(std::move(data)) {}
  std::string type_name() const override { return "HASH"; }
  std::string repr() const override { return "<" + name_ + " HASH object>"; }
  std::optional<Value> attr(std::string_view name) const override {
    auto self = self_.lock();
    if (name == "name") return Value(name_);
    if (name == "hexdigest")
      return builtin("hexdigest", [self](Interp&, Args& args) { no_args(args, "hexdigest"); return Value(self->hex()); });
    if (name == "update")
      return builtin("update", [self](Interp& in, Args& args) {
        self->data_ += in.to_str(bind_args(args, "update", SLAP_PARAMS({"data", Value()}), 1)[0]);
        return Value();
      });
    return std::nullopt;
  }
  std::string hex() const {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data_.data(), data_.size(), digest, &n, md_, nullptr);
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < n; ++i) {
      out += digits[digest[i] >> 4];
      out += digits[digest[i] & 15];
    }
    return out;
  }
  std::weak_ptr<HashObject> self_;

 private:
  std::string name_;
  const EVP_MD* md_;
  mutable std::string data_;
};

Fn hash_constructor(const char* name, const EVP_MD* (*md)()) {
  return [name, md](Interp& in, Args& args) {
    auto a = bind_args(args, name, SLAP_PARAMS({"data", Value("")}), 0);
    auto h = std::make_shared<HashObject>(name, md(), in.to_str(a[0]));
    h->self_ = h;
    return Value::object(h);
  };
}

Value hashlib_module() {
  return make_module("hashlib", {{"md5", hash_constructor("md5", EVP_md5)},
                                 {"sha1", hash_constructor("sha1", EVP_sha1)},
                                 {"sha224", hash_constructor("sha224", EVP_sha224)},
                                 {"sha256", hash_constructor("sha256", EVP_sha256)},
                                 {"sha384", hash_constructor("sha384", EVP_sha384)},
                                 {"sha512", hash_constructor("sha512", EVP_sha512)}});
}

// ----- six -----

Value dict_view(Interp& in, Args& args, const char* fn, const char* method) {
  Value d = bind_args(args, fn, SLAP_PARAMS({"d", Value()}), 1)[0];
  Args none;
  return make_iterator("dict_iterator", in.iterate(in.call(in.getattr(d, method), none)));
}

Value identity(Interp& in, Args& args) { return Value(in.to_str(bind_args(args, "ensure_str", SLAP_PARAMS({"s", Value()}), 1)[0])); }

Value shlex_quote(Interp& in, Args& args) {
  std::string s = in.to_str(bind_args(args, "quote", SLAP_PARAMS({"s", Value()}), 1)[0]);
  if (s.empty()) return Value("''");
  if (s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_") == std::string::npos)
    return Value(s);
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return Value(out + "'");
}

Value six_module(const Value& parse, const Dict& globals) {
  Dict urllib;
  urllib.set(Value("parse"), parse);
  Dict moves;
  moves.set(Value("urllib"), module("six.moves.urllib", std::move(urllib)));
  for (const char* name : {"range", "map", "zip", "filter"})
    if (const Value* v = globals.find(std::string_view(name))) moves.set(Value(name), *v);
  moves.set(Value("shlex_quote"), builtin("shlex_quote", shlex_quote));
  Dict extra;
  extra.set(Value("moves"), module("six.moves", std::move(moves)));
  extra.set(Value("PY2"), Value(false));
  extra.set(Value("PY3"), Value(true));
  extra.set(Value("text_type"), *globals.find(std::string_view("str")));
  extra.set(Value("string_types"), Value::tuple({*globals.find(std::string_view("str"))}));
  extra.set(Value("integer_types"), Value::tuple({*globals.find(std::string_view("int"))}));
  return make_module("six", {{"iteritems", [](Interp& in, Args& a) { return dict_view(in, a, "iteritems", "items"); }},
                             {"itervalues", [](Interp& in, Args& a) { return dict_view(in, a, "itervalues", "values"); }},
                             {"iterkeys", [](Interp& in, Args& a) { return dict_view(in, a, "iterkeys", "keys"); }},
                             {"ensure_str", identity}, {"ensure_text", identity}, {"ensure_binary", identity}},
                     std::move(extra));
}

// ----- itertools, functools, operator -----

class Counter final : public InternalObject {
 public:
  Counter(Value start, Value step) : next_(std::move(start)), step_(std::move(step)) {}
  std::string type_name() const override { return "count"; }
  std::string repr() const override { return "count(" + next_.repr() + ")"; }
  bool is_iterator() const override { return true; }
  std::optional<Value> next_item() const override {
    Value v = next_;
    next_ = binary(BinaryOp::add, next_, step_);
    return v;
  }

 private:
  mutable Value next_;
  Value step_;
};

Value it_count(Interp&, Args& args) {
  auto a = bind_args(args, "count", SLAP_PARAMS({"start", Value(0)}, {"step", Value(1)}), 0);
  return Value::object(std::make_shared<Counter>(a[0], a[1]));
}

Value it_chain(Interp& in, Args& args) {
  std::vector<Value> out;
  for (const auto& it : args.positional)
    for (auto& v : in.iterate(it)) out.push_back(std::move(v));
  return make_iterator("chain", std::move(out));
}

Value it_product(Interp& in, Args& args) {
  auto repeat = args.keyword("repeat");
  std::vector<std::vector<Value>> pools;
  for (const auto& it : args.positional) pools.push_back(in.iterate(it));
  std::int64_t times = repeat ? int_arg(*repeat) : 1;
  std::vector<std::vector<Value>> all;
  for (std::int64_t r = 0; r < times; ++r) all.insert(all.end(), pools.begin(), pools.end());
  std::vector<std::vector<Value>> rows{{}};
  for (const auto& pool : all) {
    std::vector<std::vector<Value>> next;
    for (const auto& row : rows)
      for (const auto& v : pool) {
        next.push_back(row);
        next.back().push_back(v);
      }
    rows = std::move(next);
  }
  std::vector<Value> out;
  for (auto& row : rows) out.push_back(Value::tuple(std::move(row)));
  return make_iterator("product", std::move(out));
}

Value it_islice(Interp& in, Args& args) {
  if (args.positional.size() < 2) type_error("islice expected at least 2 arguments");
  const InternalObject* src = args.positional[0].is_object() && args.positional[0].as_object()->internal()
                                  ? static_cast<const InternalObject*>(args.positional[0].as_object().get())
                                  : nullptr;
  std::int64_t stop = args.positional.back().is_none() ? -1 : int_arg(args.positional.back());
  std::int64_t start = args.positional.size() > 2 ? int_arg(args.positional[1]) : 0;
  std::vector<Value> out;
  if (src && src->is_iterator()) {
    for (std::int64_t i = 0; stop < 0 || i < stop; ++i) {
      auto v = src->next_item();
      if (!v) break;
      if (i >= start) out.push_back(std::move(*v));
    }
  } else {
    auto items = in.iterate(args.positional[0]);
    for (std::int64_t i = start; i < static_cast<std::int64_t>(items.size()) && (stop < 0 || i < stop); ++i)
      out.push_back(items[static_cast<std::size_t>(i)]);
  }
  return make_iterator("islice", std::move(out));
}

Value ft_partial(Interp&, Args& args) {
  if (args.positional.empty()) type_error("partial expected at least 1 argument");
  Args bound = args;
  Value fn = bound.positional.front();
  bound.positional.erase(bound.positional.begin());
  return builtin("partial", [fn, bound](Interp& in, Args& more) {
    Args all = bound;
    all.positional.insert(all.positional.end(), more.positional.begin(), more.positional.end());
    for (auto& kw : more.keywords) all.keywords.push_back(kw);
    return in.call(fn, all);
  });
}

Value op_itemgetter(Interp&, Args& args) {
  std::vector<Value> keys = args.positional;
  if (keys.empty()) type_error("itemgetter expected 1 argument, got 0");
  return builtin("itemgetter", [keys](Interp& in, Args& a) {
    if (a.positional.size() != 1) type_error("itemgetter expected 1 argument");
    std::vector<Value> out;
    for (const auto& k : keys) {
      Value v = in.getitem(a.positional[0], k);
      if (v.is_undefined()) raise("KeyError", k.repr());
      out.push_back(std::move(v));
    }
    return keys.size() == 1 ? out[0] : Value::tuple(std::move(out));
  });
}

Value op_attrgetter(Interp&, Args& args) {
  std::vector<AttributeGetter> getters(args.positional.begin(), args.positional.end());
  return builtin("attrgetter", [getters](Interp& in, Args& a) {
    if (a.positional.size() != 1) type_error("attrgetter expected 1 argument");
    std::vector<Value> out;
    for (const auto& get : getters) out.push_back(get(in, a.positional[0]));
    return getters.size() == 1 ? out[0] : Value::tuple(std::move(out));
  });
}

// ----- base64 -----

Value b64encode(Interp& in, Args& args) {
  std::string s = in.to_str(bind_args(args, "b64encode", SLAP_PARAMS({"s", Value()}), 1)[0]);
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  out.resize(static_cast<std::size_t>(n));
  return Value(out);
}

Value os_getuid(Interp&, Args& args) {
  no_args(args, "getuid");
  return Value(static_cast<std::int64_t>(::getuid()));
}

}  // namespace

std::map<std::string, Value, std::less<>> native_modules() {
  Dict globals;
  install_builtins(globals);
  install_sequence_builtins(globals);
  std::map<std::string, Value, std::less<>> m;
  Value parse = urllib_parse_module();
  Value path = os_path_module();
  m["json"] = make_module("json", {{"dumps", json_dumps}, {"loads", json_loads}});
  m["os.path"] = path;
  Dict os_attrs;
  os_attrs.set(Value("path"), path);
  os_attrs.set(Value("sep"), Value("/"));
  os_attrs.set(Value("pathsep"), Value(":"));
  os_attrs.set(Value("linesep"), Value("\n"));
  os_attrs.set(Value("curdir"), Value("."));
  os_attrs.set(Value("pardir"), Value(".."));
  add_os_host(os_attrs);
  m["os"] = make_module("os", {{"getuid", os_getuid}, {"geteuid", os_getuid}}, std::move(os_attrs));
  m["hashlib"] = hashlib_module();
  m["urllib.parse"] = parse;
  m["six.moves.urllib.parse"] = parse;
  Dict urllib;
  urllib.set(Value("parse"), parse);
  // Python 2 spellings (urllib.quote_plus) that some templates still use.
  for (const char* f : {"quote", "quote_plus", "unquote", "unquote_plus", "urlencode"})
    urllib.set(Value(f), *parse.as_object()->attr(f));
  m["urllib"] = module("urllib", std::move(urllib));
  m["six"] = six_module(parse, globals);
  m["six.moves"] = *m["six"].as_object()->attr("moves");
  m["itertools"] = make_module("itertools", {{"count", it_count}, {"chain", it_chain}, {"product", it_product},
                                             {"islice", it_islice}});
  m["functools"] = make_module("functools", {{"partial", ft_partial}});
  m["operator"] = make_module("operator", {{"itemgetter", op_itemgetter}, {"attrgetter", op_attrgetter}});
  m["base64"] = make_module("base64", {{"b64encode", b64encode}});
  m["re"] = re_module();
  m["sys"] = sys_module();
  m["platform"] = platform_module();
  return m;
}

}  // namespace slap::tmpl
