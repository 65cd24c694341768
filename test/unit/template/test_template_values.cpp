#include <doctest/doctest.h>

#include <cmath>

#include "render_helpers.hpp"
#include "template/text.hpp"

using namespace slap;
using namespace slap::tmpl;

TEST_CASE("template values: repr and str as Python prints them") {
  CHECK(Value("it's").repr() == "\"it's\"");
  CHECK(Value("say \"hi\"").repr() == "'say \"hi\"'");
  CHECK(Value("both ' and \"").repr() == "'both \\' and \"'");
  CHECK(Value("tab\tnl\n\\ \x01 \xc3\xa9").repr() == "'tab\\tnl\\n\\\\ \\x01 \xc3\xa9'");
  CHECK(Value::list({Value(1), Value("a"), Value(), Value(true), Value(2.0)}).repr() == "[1, 'a', None, True, 2.0]");
  CHECK(Value::tuple({Value(1)}).repr() == "(1,)");
  CHECK(Value::tuple({}).repr() == "()");
  CHECK(Value::set().repr() == "set()");
  CHECK(Value::dict({{Value("k"), Value::list()}, {Value(1), Value::dict()}}).repr() == "{'k': [], 1: {}}");
  CHECK(Value::undefined("x").str().empty());
  CHECK(Value().str() == "None");
  CHECK(Value(false).str() == "False");
  CHECK(Value("plain").str() == "plain");
  Value self = Value::list();
  self.list_items().push_back(self);
  CHECK(self.repr() == "[[...]]");
  self.list_items().clear();
}

TEST_CASE("template values: float repr") {
  CHECK(float_repr(1.0) == "1.0");
  CHECK(float_repr(0.1 + 0.2) == "0.30000000000000004");
  CHECK(float_repr(1e16) == "1e+16");
  CHECK(float_repr(1e15) == "1000000000000000.0");
  CHECK(float_repr(0.0001) == "0.0001");
  CHECK(float_repr(0.00001) == "1e-05");
  CHECK(float_repr(-0.0) == "-0.0");
  CHECK(float_repr(1.5e-7) == "1.5e-07");
  CHECK(float_repr(123456789.123) == "123456789.123");
  CHECK(float_repr(INFINITY) == "inf");
  CHECK(float_repr(NAN) == "nan");
}

TEST_CASE("template values: equality, hashing and truthiness follow Python") {
  CHECK(Value(1) == Value(1.0));
  CHECK(Value(true) == Value(1));
  CHECK(Value(1).hash() == Value(1.0).hash());
  CHECK(Value(1).hash() == Value(true).hash());
  CHECK_FALSE(Value::list({Value(1)}) == Value::tuple({Value(1)}));
  CHECK(Value::dict({{Value("a"), Value(1)}, {Value("b"), Value(2)}}) ==
        Value::dict({{Value("b"), Value(2)}, {Value("a"), Value(1)}}));
  CHECK_FALSE(Value("") .truthy());
  CHECK_FALSE(Value(0.0).truthy());
  CHECK_FALSE(Value::list().truthy());
  CHECK(Value(" ").truthy());
  CHECK_FALSE(Value::undefined("u").truthy());
}

TEST_CASE("template values: Dict keeps insertion order and finds keys of any hashable type") {
  Dict d;
  for (int i = 0; i < 20; ++i) d.set(Value("k" + std::to_string(i)), Value(i));  // past the linear-scan size
  d.set(Value(1), Value("int key"));
  d.set(Value("k3"), Value("replaced"));
  CHECK(d.size() == 21);
  CHECK(d.entries()[3].value == Value("replaced"));
  CHECK(d.find(std::string_view("k19"))->as_int() == 19);
  CHECK(d.find(Value(1.0))->as_string() == "int key");
  CHECK(d.find(Value(true))->as_string() == "int key");
  CHECK(d.erase(Value("k0")));
  CHECK_FALSE(d.erase(Value("k0")));
  CHECK(d.entries().front().key == Value("k1"));
  CHECK(d.find(std::string_view("k19"))->as_int() == 19);
  CHECK(d.find(std::string_view("nope")) == nullptr);
}

TEST_CASE("template values: JSON in and out") {
  auto v = Value::from_json(R"({"b": [1, 2.5, null, true], "a": {"x": "\u00e9"}})");
  REQUIRE(v);
  CHECK(v->repr() == "{'b': [1, 2.5, None, True], 'a': {'x': '\xc3\xa9'}}");
  CHECK(*v->to_json() == "{\"b\": [1, 2.5, null, true], \"a\": {\"x\": \"\\u00e9\"}}");
  CHECK(*v->to_json(true) == "{\"a\": {\"x\": \"\\u00e9\"}, \"b\": [1, 2.5, null, true]}");
  CHECK(Value::tuple({Value(1)}).to_json().value() == "[1]");
  auto bad = Value::set({Value(1)}).to_json();
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "TypeError: Object of type set is not JSON serializable");
  auto broken = Value::from_json("{\"a\": ");
  REQUIRE_FALSE(broken);
  CHECK(broken.error().kind == ErrorKind::input);
  CHECK(broken.error().message.starts_with("ValueError: invalid JSON: "));
}

TEST_CASE("template values: string dicts model buildout sections") {
  Value section = Value::string_dict({{"directory", "/srv/part"}, {"parts", "a b"}});
  Dict ctx;
  ctx.set(Value("buildout"), section);
  Environment env;
  CHECK(*env.render("{{ buildout.directory }}|{{ buildout['parts'].split() }}", "t", ctx) == "/srv/part|['a', 'b']");
  CHECK(Value::string_list({"x", "y"}).repr() == "['x', 'y']");
}

TEST_CASE("template values: Markup is a str flagged safe") {
  Value m = Value::markup("<b>");
  CHECK(m.is_string());
  CHECK(m.is_markup());
  CHECK_FALSE(Value("<b>").is_markup());
  CHECK(m == Value("<b>"));
  CHECK(m.hash() == Value("<b>").hash());
  CHECK(m.type_name() == "Markup");
  CHECK(m.repr() == "Markup('<b>')");
  CHECK(m.str() == "<b>");
  Value groups = Value::named_tuple({Value("a"), Value::list()}, {"grouper", "list"});
  CHECK(groups.is_tuple());
  CHECK(groups.repr() == "('a', [])");
  CHECK(groups.tuple_fields().size() == 2);
}
