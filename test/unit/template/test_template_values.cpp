#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

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

TEST_CASE("template values: JSON objects keep order; a repeated key its first place and last value; big ints stay exact") {
  auto v = Value::from_json(R"({"z": 1, "a": 2, "z": 3, "n": 123456789012345678901234567890, "u": 18446744073709551615})");
  REQUIRE(v);
  CHECK(v->repr() == "{'z': 3, 'a': 2, 'n': 123456789012345678901234567890, 'u': 18446744073709551615}");
}

TEST_CASE("template values: nesting deep enough to overflow a stack fails as Python does, or is harmless") {
  // JSON deeper than Python's recursion limit: RecursionError, not a crash.
  std::string deep = std::string(200000, '[') + std::string(200000, ']');
  auto loaded = Value::from_json(deep);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error().message ==
        "RecursionError: maximum recursion depth exceeded while decoding a JSON array from a unicode string");
  auto shallow = Value::from_json(std::string(900, '[') + std::string(900, ']'));
  REQUIRE(shallow);

  // A list nested a million deep is built and dropped without recursion.
  Value chain = Value::list();
  for (int i = 0; i < 1000000; ++i) chain = Value::list({std::move(chain)});
  CHECK(chain.items().size() == 1);
  chain = Value();
  CHECK(chain.is_none());

  // Walking it is a RecursionError.
  auto error_of = [](auto&& walk) -> std::string {
    try {
      walk();
    } catch (const Error& e) {
      return e.message;
    }
    return "no error";
  };
  Value nested = Value::list();
  for (int i = 0; i < 5000; ++i) nested = Value::tuple({nested});
  CHECK(error_of([&] { (void)nested.repr(); }) ==
        "RecursionError: maximum recursion depth exceeded while getting the repr of an object");
  CHECK(error_of([&] { (void)nested.hash(); }) == "RecursionError: maximum recursion depth exceeded while calling a Python object");
  Value twin = Value::list();
  for (int i = 0; i < 5000; ++i) twin = Value::tuple({twin});
  CHECK(error_of([&] { (void)(nested == twin); }) == "RecursionError: maximum recursion depth exceeded in comparison");
  auto json = nested.to_json();
  REQUIRE_FALSE(json);
  CHECK(json.error().message == "RecursionError: maximum recursion depth exceeded while encoding a JSON object");
}

TEST_CASE("template values: a list that contains itself") {
  CHECK(test::render("{% set l = [] %}{{ l.append(l) }}{{ l }} {{ l == [l] }}") == "None[[...]] True");
  CHECK(test::render_error("{% set l = [] %}{{ l.append(l) }}{{ l | tojson }}").message ==
        "ValueError: Circular reference detected");
  CHECK(test::render_error("{% set l = [] %}{{ l.append(l) }}{{ (l,) in {} }}").message ==
        "TypeError: unhashable type: 'list'");
  std::string printed = test::render("{% set l = [] %}{{ l.append(l) }}{{ [l, {'a': [l]}] | pprint }}");
  CHECK(printed.starts_with("None[[<Recursion on list with id="));
  CHECK(printed.find(">],\n {'a': [[<Recursion on list with id=") != std::string::npos);
  CHECK(test::render("{% set ns = namespace(l=[]) %}{% for i in range(100000) %}{% set ns.l = [ns.l] %}{% endfor %}"
                     "{{ ns.l | length }}") == "1");
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

TEST_CASE("template values: '%.Nf' and '{:.Nf}' round as C's printf does, ties and near-ties included") {
  // Python rounds the exact binary value, as glibc's printf does: printf is the reference.
  std::vector<double> xs = {0.0, -0.0, 0.5, 1.5, 2.5, 0.125, 0.375, 2.675, 1.005, 1.015, 0.045, 123.455,
                            -0.001, -2.5, 999999.9999995, 2147.4836475, 214748.3645, 1e-7, 5e-7, 4.9999999e-7,
                            2147483647.5, 2147483648.4, 1e15 + 0.5, 12345.678901234};
  std::uint64_t state = 88172645463325252ull;  // xorshift: the same numbers on every run
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int i = 0; i < 400; ++i) {
    double unit = static_cast<double>(next() >> 11) / 9007199254740992.0;
    double magnitude = std::pow(10.0, static_cast<double>(next() % 12) - 3);
    xs.push_back((next() & 1 ? -1 : 1) * unit * magnitude);
    xs.push_back(static_cast<double>(next() % 100000) / 8.0 + (next() % 3 == 0 ? 1e-9 : 0.0));  // ties
    xs.push_back(static_cast<double>(next() % 1000000) / 1000.0 + 0.0005);  // near-ties at 3 digits
  }
  std::string json = "{\"xs\": [";
  for (std::size_t i = 0; i < xs.size(); ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17e", xs[i]);  // a float in JSON, -0.0 included
    json += (i ? ", " : "") + std::string(buf);
  }
  json += "]}";
  for (int precision = 0; precision <= 7; ++precision) {
    std::string expected;
    for (double x : xs) {
      char buf[512];
      std::snprintf(buf, sizeof buf, "%.*f", precision, x);
      expected += std::string(buf) + " " + buf + "\n";
    }
    std::string p = std::to_string(precision);
    CHECK(slap::test::render("{% for x in xs %}{{ '%." + p + "f' % x }} {{ '{:." + p + "f}'.format(x) }}\n{% endfor %}",
                             json) == expected);
  }
}
