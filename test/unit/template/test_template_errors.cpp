#include <doctest/doctest.h>

#include "render_helpers.hpp"

using namespace slap;
using slap::test::render_error;

TEST_CASE("template errors: Python exceptions keep their class and text") {
  Error e = render_error("line\n{{ 'a' + 1 }}");
  CHECK(e.kind == ErrorKind::input);
  CHECK(e.cls == "TypeError");
  CHECK(e.describe() == "t.in:2:4: TypeError: can only concatenate str (not \"int\") to str");
  CHECK(render_error("{{ 1 / 0 }}").message == "ZeroDivisionError: division by zero");
  CHECK(render_error("{{ 1 < 'a' }}").message == "TypeError: '<' not supported between instances of 'int' and 'str'");
  CHECK(render_error("{{ '%s %s' % ('a',) }}").message == "TypeError: not enough arguments for format string");
  CHECK(render_error("{{ {}.pop('k') }}").message == "KeyError: 'k'");
  CHECK(render_error("{{ [].pop() }}").message == "IndexError: pop from empty list");
  CHECK(render_error("{% set a, b = [1] %}").message == "ValueError: not enough values to unpack (expected 2, got 1)");
  CHECK(render_error("{{ {[1]: 2} }}").message == "TypeError: unhashable type: 'list'");
  CHECK(render_error("{{ 'a'.split(1) }}").message == "TypeError: separator must be str, not int");
  CHECK(render_error("{{ len(1) }}").message == "TypeError: object of type 'int' has no len()");
  CHECK(render_error("{{ int('x') }}").message == "ValueError: invalid literal for int() with base 10: 'x'");
  CHECK(render_error("{{ 10.0 ** 400 }}").message == "OverflowError: (34, 'Numerical result out of range')");
  CHECK(render_error("{{ 'x' * 2**64 }}").message == "OverflowError: cannot fit 'int' into an index-sized integer");
}

TEST_CASE("template errors: undefined values") {
  CHECK(render_error("{{ x + 1 }}").message == "UndefinedError: 'x' is undefined");
  CHECK(render_error("{{ f() }}").message == "UndefinedError: 'f' is undefined");
  CHECK(render_error("{{ x|int }}").message == "UndefinedError: 'x' is undefined");
  Error e = render_error("{{ 'a'.b.c }}");
  CHECK(e.cls == "UndefinedError");
  CHECK(e.describe() == "t.in:1:9: UndefinedError: 'str object' has no attribute 'b'");
}

TEST_CASE("template errors: macro calls") {
  CHECK(render_error("{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}").message ==
        "TypeError: macro 'm' takes not more than 1 argument(s)");
  CHECK(render_error("{% macro m(a) %}{% endmacro %}{{ m(b=1) }}").message == "TypeError: macro 'm' takes no keyword argument 'b'");
  CHECK(render_error("{% macro m(a) %}{% endmacro %}{{ m(1, a=1) }}").message ==
        "TypeError: macro 'm' got multiple values for argument 'a'");
  CHECK(render_error("{% macro r() %}{{ r() }}{% endmacro %}{{ r() }}").message == "RecursionError: maximum recursion depth exceeded");
}

TEST_CASE("template errors: the location is the innermost template") {
  tmpl::Environment env;
  env.loader = [](std::string_view name) -> Result<std::string> {
    if (name == "lib") return std::string("{% macro bad() %}\n{{ none.x.y }}{% endmacro %}");
    return fail(ErrorKind::input, "no " + std::string(name));
  };
  Error e = render_error(env, "{% import 'lib' as l %}\n\n{{ l.bad() }}");
  CHECK(e.describe() == "lib:2:10: UndefinedError: 'None' has no attribute 'x'");
  CHECK(render_error(env, "{% import 'nope' as l %}").describe() == "t.in:1:4: no nope");
}
