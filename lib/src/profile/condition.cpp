#include "profile/condition.hpp"

#include <utility>

#include "slap/strings.hpp"
#include "slap/template.hpp"

namespace slap::profile {

namespace {

// What zc.buildout evaluates section conditions with: its _default_globals() (the sys,
// os, platform and re modules, and flags computed from them, written here as the very
// expressions buildout computes them with), over the template engine's Python mode.
class ConditionEngine {
 public:
  ConditionEngine() {
    for (const char* name : {"sys", "os", "platform", "re"}) globals_.set(tmpl::Value(name), *env_.import_module(name));
    const std::pair<const char*, const char*> flags[] = {
        {"python2", "platform.python_version_tuple()[0] == '2'"},
        {"python3", "platform.python_version_tuple()[0] == '3'"},
        {"pypy", "'pypy' in sys.version.lower()"},
        {"jython", "'java' in sys.version.lower()"},
        {"ironpython", "'iron' in sys.version.lower()"},
        {"cpython", "not any(('pypy' in sys.version.lower(), 'java' in sys.version.lower(), "
                    "'iron' in sys.version.lower()))"},
        {"linux", "'linux' in str(sys.platform).lower()"},
        {"windows", "'win32' in str(sys.platform).lower()"},
        {"cygwin", "'cygwin' in str(sys.platform).lower()"},
        {"solaris", "'sunos' in str(sys.platform).lower()"},
        {"macosx", "'darwin' in str(sys.platform).lower()"},
        {"posix", "'posix' in os.name.lower()"},
        {"little_endian", "sys.byteorder == 'little'"},
        {"big_endian", "sys.byteorder == 'big'"},
    };
    for (const auto& [name, expression] : flags) globals_.set(tmpl::Value(name), evaluate(expression));
    for (const char* v : {"24", "25", "26", "27", "30", "31", "32", "33", "34", "35", "36"})
      globals_.set(tmpl::Value(std::string("python") + v),
                   evaluate(std::string("''.join(platform.python_version_tuple()[:2]) == '") + v + "'"));
    // buildout asks struct.calcsize('P'): the pointer size of the interpreter.
    globals_.set(tmpl::Value("bits32"), tmpl::Value(sizeof(void*) == 4));
    globals_.set(tmpl::Value("bits64"), tmpl::Value(sizeof(void*) == 8));
  }

  Result<tmpl::Value> eval(std::string_view text, const Location& where) const {
    std::size_t pos = 0;
    return env_.eval_python(text, pos, {&globals_, true, false, where});
  }

 private:
  tmpl::Value evaluate(std::string_view expression) {
    auto v = eval(expression, Location{"<buildout globals>"});
    return v ? *v : tmpl::Value(false);  // cannot fail: the expressions above are fixed
  }

  tmpl::Environment env_;
  tmpl::Dict globals_;
};

}  // namespace

std::string condition_text(std::string_view expression) {
  // As upstream, including its missing backslash before x3b.
  return str::replace_all(str::replace_all(expression, "\\x23", "#"), "x3b", ";");
}

Result<bool> eval_condition(std::string_view expression, const Location& where) {
  static const ConditionEngine engine;
  // buildout rebuilds "[EXPR]" and takes element 0: "a, b" means a.
  auto value = engine.eval("[" + condition_text(expression) + "]", where);
  if (!value) {
    Error e = std::move(value.error());
    if (e.where.line == where.line && e.where.column > where.column) --e.where.column;  // the '[' added
    e.message = "section condition '" + std::string(expression) + "': " + e.message;
    return fail(std::move(e));
  }
  // Element 0 of what it evaluated to: a list, unless the expression closed the '[' itself
  // (`] + x #...`), as Python would then subscript whatever came out.
  auto refuse = [&](const char* cls, const std::string& what) {
    return fail(Error(ErrorKind::input, "section condition '" + std::string(expression) + "': " + cls + ": " + what, where)
                    .with_class(cls));
  };
  if (value->is_string()) {
    if (value->as_string().empty()) return refuse("IndexError", "string index out of range");
    return true;  // a one-character string
  }
  if (!value->is_list() && !value->is_tuple())
    return refuse("TypeError", "'" + value->type_name() + "' object is not subscriptable");
  const auto& items = value->items();
  if (items.empty()) return refuse("IndexError", std::string(value->is_list() ? "list" : "tuple") + " index out of range");
  return items[0].truthy();
}

}  // namespace slap::profile
