// The host as Python describes it: the sys and platform modules, and os.name / os.access.
// Section conditions test them (`sys.version_info < (3, 10)`, `platform.machine() ==
// "x86_64"`). slap runs no Python here: it answers as the CPython of Debian 12 (3.11.2)
// would on this machine, which is what zc.buildout evaluated conditions with when the
// conformance results were recorded.
#include <sys/utsname.h>
#include <unistd.h>

#include <bit>
#include <climits>
#include <fstream>

#include "builtins.hpp"
#include "errors.hpp"
#include "object.hpp"
#include "slap/strings.hpp"

namespace slap::tmpl {

namespace {

constexpr int python_major = 3, python_minor = 11, python_micro = 2;

std::string python_version() {
  return std::to_string(python_major) + "." + std::to_string(python_minor) + "." + std::to_string(python_micro);
}

struct utsname host_uname() {
  struct utsname u {};
  if (::uname(&u) != 0) raise("OSError", "uname() failed");
  return u;
}

// platform.freedesktop_os_release(): /etc/os-release (or /usr/lib/os-release) as a dict.
Value os_release(Interp&, Args&) {
  std::ifstream in("/etc/os-release");
  if (!in) in.open("/usr/lib/os-release");
  if (!in) raise("OSError", "Unable to read files /etc/os-release, /usr/lib/os-release");
  Dict d;
  d.set(Value("NAME"), Value("Linux"));
  d.set(Value("ID"), Value("linux"));
  d.set(Value("PRETTY_NAME"), Value("Linux"));
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos || line.starts_with("#")) continue;
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    d.set(Value(line.substr(0, eq)), Value(value));
  }
  return Value::dict(std::move(d));
}

Value text_fn(const char* name, std::function<std::string()> fn) {
  return builtin(name, [fn = std::move(fn)](Interp&, Args&) { return Value(fn()); });
}

}  // namespace

Value sys_module() {
  Dict attrs;
  attrs.set(Value("version_info"),
            Value::named_tuple({Value(python_major), Value(python_minor), Value(python_micro), Value("final"), Value(0)},
                               {"major", "minor", "micro", "releaselevel", "serial"}));
  attrs.set(Value("version"), Value(python_version() + " (main) [GCC 12.2.0]"));
  attrs.set(Value("hexversion"), Value((python_major << 24) | (python_minor << 16) | (python_micro << 8) | 0xf0));
  attrs.set(Value("platform"), Value("linux"));
  attrs.set(Value("byteorder"), Value(std::endian::native == std::endian::little ? "little" : "big"));
  attrs.set(Value("maxsize"), Value(std::int64_t{INT64_MAX}));
  return module("sys", std::move(attrs));
}

Value platform_module() {
  Dict attrs;
  attrs.set(Value("machine"), text_fn("machine", [] { return std::string(host_uname().machine); }));
  attrs.set(Value("release"), text_fn("release", [] { return std::string(host_uname().release); }));
  attrs.set(Value("node"), text_fn("node", [] { return std::string(host_uname().nodename); }));
  attrs.set(Value("system"), text_fn("system", [] { return std::string("Linux"); }));
  attrs.set(Value("python_version"), text_fn("python_version", python_version));
  attrs.set(Value("python_implementation"), text_fn("python_implementation", [] { return std::string("CPython"); }));
  attrs.set(Value("python_version_tuple"), builtin("python_version_tuple", [](Interp&, Args&) {
              return Value::tuple({Value(std::to_string(python_major)), Value(std::to_string(python_minor)),
                                   Value(std::to_string(python_micro))});
            }));
  attrs.set(Value("freedesktop_os_release"), builtin("freedesktop_os_release", os_release));
  return module("platform", std::move(attrs));
}

void add_os_host(Dict& os_attrs) {
  os_attrs.set(Value("name"), Value("posix"));
  os_attrs.set(Value("F_OK"), Value(F_OK));
  os_attrs.set(Value("R_OK"), Value(R_OK));
  os_attrs.set(Value("W_OK"), Value(W_OK));
  os_attrs.set(Value("X_OK"), Value(X_OK));
  os_attrs.set(Value("access"), builtin("access", [](Interp&, Args& args) {
                 if (args.positional.size() != 2 || !args.positional[0].is_string() || !args.positional[1].is_int())
                   type_error("access() takes a path (str) and a mode (int)");
                 return Value(::access(args.positional[0].as_string().c_str(),
                                       static_cast<int>(args.positional[1].as_int())) == 0);
               }));
}

}  // namespace slap::tmpl
