// Python mode: Environment::eval_python, the one evaluator of Python expressions (section
// conditions, plugin file values). Expected values are what CPython 3.11 prints for the
// same expression.
#include <doctest/doctest.h>

#include "slap/template.hpp"

using namespace slap;
using namespace slap::tmpl;

namespace {

const Environment& env() {
  static const Environment e;
  return e;
}

Result<Value> py(std::string_view text, const Dict* names = nullptr, bool builtins = true) {
  std::size_t pos = 0;
  return env().eval_python(text, pos, {names, builtins, false, Location{"t.py", 1, 1}});
}

// repr() of the value, or "Class: message" of the error.
std::string run(std::string_view text) {
  auto v = py(text);
  if (!v) return v.error().cls + " @" + std::to_string(v.error().where.line) + ":" + v.error().message;
  return v->repr();
}

}  // namespace

TEST_CASE("python mode: literals as Python reads them") {
  CHECK(run(R"('\x41\u00e9\101\t\\' "\"q\"")") == "'A\xC3\xA9" "A\\t\\\\\"q\"'");
  CHECK(run(R"(r'a\nb')") == R"('a\\nb')");
  CHECK(run(R"(u'x' b'y' rb'\z')") == R"('xy\\z')");
  CHECK(run("'''one\ntwo'''") == "'one\\ntwo'");
  CHECK(run("('x',)") == "('x',)");
  CHECK(run("('x')") == "'x'");
  CHECK(run("()") == "()");
  CHECK(run("[1, -2.5, None, False, 0x1f, 0o17, 0b11, 1_000, .5, 1e3]") ==
        "[1, -2.5, None, False, 31, 15, 3, 1000, 0.5, 1000.0]");
  CHECK(run("{'a': (1, [2, {3}])}") == "{'a': (1, [2, {3}])}");
  CHECK(run("{\n  'a': 1,  # a comment\n  'b': 2,\n}") == "{'a': 1, 'b': 2}");
  CHECK(run("1, 2") == "(1, 2)");
  CHECK(run("True, None") == "(True, None)");
}

TEST_CASE("python mode: operators with Python's precedence") {
  CHECK(run("2 + 2 == 4") == "True");
  CHECK(run("-2 ** 2") == "-4");
  CHECK(run("2 ** -1") == "0.5");
  CHECK(run("7 // 2, -7 // 2, -7 % 3, 7 / 2") == "(3, -4, 2, 3.5)");
  CHECK(run("1 | 2 ^ 3 & 5, 1 << 4, -17 >> 2, ~5") == "(3, 16, -5, -6)");
  CHECK(run("True & False, True | False") == "(False, True)");
  CHECK(run("{1, 2} | {3}, {1, 2} & {2}, {1, 2} ^ {2, 3}") == "({1, 2, 3}, {2}, {1, 3})");
  CHECK(run("{'a': 1} | {'b': 2}") == "{'a': 1, 'b': 2}");
  CHECK(run("1 < 2 < 3, 1 < 3 < 2") == "(True, False)");
  CHECK(run("None is None, [] is not None, 1 if 0 else 2") == "(True, True, 2)");
  CHECK(run("'a' in 'cat' and not 'b' in 'cat'") == "True");
  CHECK(run("0 or '' or 'x'") == "'x'");
}

TEST_CASE("python mode: builtins, lambdas, comprehensions") {
  CHECK(run("len('abc'), str(3), int('12'), any([0, 1]), all([])") == "(3, '3', 12, True, True)");
  CHECK(run("list(map(lambda x: x * 2, [1, 2]))") == "[2, 4]");
  CHECK(run("(lambda a, b=10: a + b)(1), (lambda a, b=10: a + b)(1, b=2)") == "(11, 3)");
  CHECK(run("[x * y for x in range(3) if x for y in (1, 10)]") == "[1, 10, 2, 20]");
  CHECK(run("{k: v for k, v in [('a', 1), ('b', 2)]}") == "{'a': 1, 'b': 2}");
  CHECK(run("{x % 2 for x in range(5)}") == "{0, 1}");
  CHECK(run("any(x > 2 for x in [1, 3])") == "True");
  CHECK(run("sorted((x for x in 'cab'), reverse=True)") == "['c', 'b', 'a']");
  CHECK(run("[int(q) for q in '5.10.1'.split('.')[:2]] >= [5, 4]") == "True");
  CHECK(run("x = 1") == "SyntaxError @1:SyntaxError: invalid syntax: unexpected '='");
}

TEST_CASE("python mode: the host as sys, platform and os describe it") {
  Dict names;
  for (const char* m : {"sys", "os", "platform"}) names.set(Value(m), *env().import_module(m));
  auto check = [&](std::string_view text) {
    auto v = py(text, &names);
    REQUIRE_MESSAGE(v, text);
    return v->truthy();
  };
  CHECK(check("sys.version_info >= (3, 8) and sys.version_info[0] == 3 and sys.version_info.major == 3"));
  CHECK(check("sys.version.startswith('3.') and sys.platform == 'linux' and os.name == 'posix'"));
  CHECK(check("platform.system() == 'Linux' and len(platform.machine()) > 0"));
  CHECK(check("os.path.isdir('/') and os.access('/', os.R_OK) and not os.path.exists('/no/such/path')"));
  CHECK(check("platform.python_version_tuple()[0] == '3'"));
  CHECK(check("'ID' in platform.freedesktop_os_release()"));
  CHECK(check("len(open('/proc/self/stat').read()) > 0"));
}

TEST_CASE("python mode: errors carry Python's class and the place") {
  CHECK(run("undefined_name") == "NameError @1:NameError: name 'undefined_name' is not defined");
  CHECK(run("1 +") == "SyntaxError @1:SyntaxError: invalid syntax: unexpected end of expression");
  CHECK(run("(1,\n 2") == "SyntaxError @1:SyntaxError: '(' was never closed");
  CHECK(run("'abc") == "SyntaxError @1:SyntaxError: unterminated string literal");
  CHECK(run("1 if 2") == "SyntaxError @1:SyntaxError: expected 'else' after 'if' expression");
  CHECK(run("1 / 0") == "ZeroDivisionError @1:ZeroDivisionError: division by zero");
  CHECK(run("'a' | 1") == "TypeError @1:TypeError: unsupported operand type(s) for |: 'str' and 'int'");
  CHECK(run("1 << -1") == "ValueError @1:ValueError: negative shift count");
  CHECK(run("'x' * 10 ** 12").starts_with("MemoryError @1:"));
  CHECK(run("[0] * 10 ** 8").starts_with("MemoryError @1:"));
  CHECK(run("'x'.ljust(10 ** 9)").starts_with("MemoryError @1:"));
  CHECK(run("len('ab' * 3), len([0] * 1000)") == "(6, 1000)");
  CHECK(run("9444444444444 * (), '' * 10 ** 15, [] * 10 ** 15") == "((), '', [])");  // once a fuzzing timeout
  CHECK(run("open('/no/such/file')").starts_with("FileNotFoundError @1:"));
  CHECK(run("(lambda a: a)()") == "TypeError @1:TypeError: <lambda>() missing 1 required positional argument: 'a'");
  CHECK(run("'a'.nothing + 1").starts_with("AttributeError @1:AttributeError: "));
  CHECK(run("{'a': 1}['b']") == "KeyError @1:KeyError: 'b'");
  CHECK(run("[1][3]") == "IndexError @1:IndexError: list index out of range");
  CHECK(run("None[0]") == "TypeError @1:TypeError: 'NoneType' object is not subscriptable");
  CHECK(run("x..1").starts_with("SyntaxError @1:"));  // once an endless loop in the lexer
  CHECK(run("x.1").starts_with("SyntaxError @1:"));
  CHECK(run("f'{x}'") == "SyntaxError @1:SyntaxError: f-strings are not supported");
}

TEST_CASE("python mode: statements, names without builtins") {
  Dict names;
  names.set(Value("json"), *env().import_module("json"));
  const std::string text = "a = {'x': 1,\n  'y': json.loads('[2]')}  # c\nb = len('x')\n";
  std::size_t pos = text.find('=') + 1;
  auto v = env().eval_python(text, pos, {&names, false, true, Location{"p.py", 1, 1}});
  REQUIRE(v);
  CHECK(v->repr() == "{'x': 1, 'y': [2]}");
  CHECK(text[pos] == '\n');
  CHECK(text.substr(pos + 1, 1) == "b");
  pos = text.rfind('=') + 1;
  auto no_len = env().eval_python(text, pos, {&names, false, true, Location{"p.py", 1, 1}});
  REQUIRE_FALSE(no_len);
  CHECK(no_len.error().describe() == "p.py:3:5: NameError: name 'len' is not defined");
}

TEST_CASE("python mode: ints do not overflow") {
  CHECK(run("1 << 70") == "1180591620717411303424");
  CHECK(run("-3 << 64") == "-55340232221128654848");
  CHECK(run("2 ** 64 - 1 == 18446744073709551615") == "True");
  CHECK(run("12345678901234567890123 // 10 ** 10") == "1234567890123");
  CHECK(run("(1 << 70) >> 68") == "4");
  CHECK(run("-(1 << 70) >> 100") == "-1");
  CHECK(run("(-(1 << 70) - 1) >> 69") == "-3");
  CHECK(run("1 << (1 << 70)") == "OverflowError @1:OverflowError: the result of << would have more than 2**20 bits");
  CHECK(run("6666 << 66666666").starts_with("OverflowError @1:"));
  CHECK(run("(1 << 1000000) * (1 << 1000000)").starts_with("OverflowError @1:"));
  CHECK(run("(1 << 100000) >> 99999") == "2");
}
