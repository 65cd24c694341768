#include <doctest/doctest.h>

#include "render_helpers.hpp"

using namespace slap;
using namespace slap::tmpl;
using slap::test::render;

TEST_CASE("template api: globals, native functions and modules") {
  Environment env;
  env.set_global("site", Value("example.org"));
  env.set_global("twice", function("twice", [](Args& a) -> Result<Value> {
                   if (a.positional.size() != 1 || !a.positional[0].is_int())
                     return fail(ErrorKind::input, "twice() takes one int");
                   return Value(a.positional[0].as_int() * 2);
                 }));
  Dict attrs;
  attrs.set(Value("VERSION"), Value("1.2"));
  env.add_module("mylib", module("mylib", std::move(attrs)));
  Dict ctx;
  ctx.set(Value("lib"), *env.import_module("mylib"));
  ctx.set(Value("json"), *env.import_module("json"));
  CHECK(*env.render("{{ site }} {{ twice(21) }} {{ lib.VERSION }} {{ json.dumps({'a': [1]}) }}", "t", ctx) ==
        "example.org 42 1.2 {\"a\": [1]}");
  auto failed = env.render("{{ twice('x') }}", "t", ctx);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().describe() == "t:1:9: twice() takes one int");
  auto missing = env.import_module("subprocess");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "module subprocess not available in slap templates");
  CHECK(env.import_module("six.moves.urllib.parse").has_value());
  CHECK(env.has_filter("tojson"));
  CHECK_FALSE(env.has_filter("nope"));
  CHECK(env.has_test("defined"));
}

TEST_CASE("template api: python builtins and native modules") {
  Environment env;
  Dict ctx;
  for (const char* m : {"os", "hashlib", "itertools", "functools", "operator", "re", "urllib"})
    ctx.set(Value(m), *env.import_module(m));
  CHECK(*env.render("{{ os.path.join('/a', 'b') }} {{ os.path.basename('/x/y.cfg') }} {{ hashlib.md5('a'.encode()).hexdigest() }}",
                    "t", ctx) == "/a/b y.cfg 0cc175b9c0f1b6a831c399e269772661");
  CHECK(*env.render("{% set p = functools.partial(next, itertools.count(5)) %}{{ p() }}{{ p() }} {{ urllib.quote_plus('a b') }}",
                    "t", ctx) == "56 a+b");
  CHECK(*env.render("{{ re.sub('(\\\\d+)', '<\\\\1>', 'a1b22') }} {{ sorted([{'k': 2}, {'k': 1}], key=operator.itemgetter('k')) }}",
                    "t", ctx) == "a<1>b<22> [{'k': 1}, {'k': 2}]");
  CHECK(render("{% for k, v in six.iteritems({'a': 1}) %}{{ k }}{{ v }}{% endfor %} {{ isinstance([], list) }}") == "a1 True");
}

TEST_CASE("template api: a parsed template renders many times") {
  Environment env;
  auto t = env.parse("{{ n * 2 }}", "twice.in");
  REQUIRE(t);
  CHECK(t->name() == "twice.in");
  for (int i = 0; i < 3; ++i) {
    Dict ctx;
    ctx.set(Value("n"), Value(i));
    CHECK(*env.render(*t, ctx) == std::to_string(i * 2));
  }
}

TEST_CASE("template api: select_autoescape decides by template name") {
  auto defaults = AutoescapeSelector::parse("select_autoescape");
  REQUIRE(defaults);
  CHECK(defaults->decide(std::nullopt));
  CHECK(defaults->decide("page.HTML"));
  CHECK(defaults->decide("feed.xml"));
  CHECK_FALSE(defaults->decide("page.html.txt"));
  auto sel = AutoescapeSelector::parse(
      "select_autoescape(['.TXT', 'cfg'], disabled_extensions=('html',), default_for_string=False, default=1)");
  REQUIRE(sel);
  CHECK(sel->enabled_extensions == std::vector<std::string>{".TXT", "cfg"});
  CHECK_FALSE(sel->decide(std::nullopt));
  CHECK(sel->decide("a.txt"));
  CHECK_FALSE(sel->decide("a.html"));
  CHECK(sel->decide("a.in"));
  auto chars = AutoescapeSelector::parse("select_autoescape('ab')");  // a str is its characters
  REQUIRE(chars);
  CHECK(chars->enabled_extensions == std::vector<std::string>{"a", "b"});
  auto bad = AutoescapeSelector::parse("select_autoescape(html=True)");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message ==
        "autoescape=select_autoescape(html=True): select_autoescape() got an unexpected keyword argument 'html'");
  CHECK_FALSE(AutoescapeSelector::parse("select_autoescape(('html',), default=True"));
  CHECK_FALSE(AutoescapeSelector::parse("select_autoescape(default=True, ['html'])"));

  Environment env;
  env.options.select_autoescape = *defaults;
  env.loader = [](std::string_view name) -> Result<std::string> { return std::string(name) + ":{{ '<' }}"; };
  CHECK(*env.render("{{ '<' }} {% include 'a.html' %} {% include 'a.txt' %}", "top.txt", {}) ==
        "&lt; a.html:&lt; a.txt:<");
}
