// Section conditions in Python: zc.buildout evaluates `[name:EXPR]` with eval() in the
// namespace its _default_globals() builds; this runs the same in the profile's python3,
// one short process per condition the built-in evaluator refused.
#include <fmt/format.h>

#include "slap/python.hpp"
#include "slap/strings.hpp"

namespace slap::python {

namespace {

// argv[1] is the expression. Prints True or False; an exception prints "Class\nmessage"
// on stderr and exits 3.
constexpr const char* evaluate = R"PY(
import os, platform, re, struct, sys
g = {"sys": sys, "os": os, "platform": platform, "re": re}
major = tuple(map(str, platform.python_version_tuple()))
g.update(python2=major[0] == "2", python3=major[0] == "3")
for v in ("24", "25", "26", "27", "30", "31", "32", "33", "34", "35", "36"):
    g["python" + v] = "".join(major[:2]) == v
version = sys.version.lower()
pypy, jython, ironpython = "pypy" in version, "java" in version, "iron" in version
g.update(cpython=not any((pypy, jython, ironpython)), pypy=pypy, jython=jython, ironpython=ironpython)
plat = str(sys.platform).lower()
g.update(linux="linux" in plat, windows="win32" in plat, cygwin="cygwin" in plat, solaris="sunos" in plat,
         macosx="darwin" in plat, posix="posix" in os.name.lower())
bits = struct.calcsize("P") * 8
g.update(bits32=bits == 32, bits64=bits == 64, little_endian=sys.byteorder == "little",
         big_endian=sys.byteorder == "big")
try:
    print(bool(eval(sys.argv[1], g)))
except BaseException as e:
    sys.stderr.write("%s\n%s" % (type(e).__name__, e))
    sys.exit(3)
)PY";

}  // namespace

Result<bool> eval_section_condition(const std::string& interpreter, const process::Environment& env,
                                    std::string_view expression, const Location& where) {
  process::Spec spec{.argv = {interpreter, "-c", evaluate, std::string(expression)}, .env = env};
  auto run = process::run(spec);
  if (!run)
    return fail(std::move(run.error()).add_context(fmt::format("evaluating section condition '{}'", expression)));
  std::string out(str::strip(run->out));
  if (run->ok() && (out == "True" || out == "False")) return out == "True";
  if (run->end == process::Outcome::End::exited && run->status == 3) {
    auto newline = run->err.find('\n');
    std::string cls = run->err.substr(0, newline);
    std::string message = newline == std::string::npos ? "" : run->err.substr(newline + 1);
    return fail(Error(ErrorKind::input, fmt::format("{}: {} in section condition '{}'", cls, message, expression), where)
                    .with_class(cls));
  }
  return fail(Error(ErrorKind::input, fmt::format("{} {} evaluating section condition '{}': {}", interpreter,
                                                  run->describe(), expression, str::strip(run->err)),
                    where));
}

}  // namespace slap::python
