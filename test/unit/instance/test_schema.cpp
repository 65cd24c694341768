#include <doctest/doctest.h>

#include "slap/schema.hpp"
#include "test_support.hpp"

using namespace slap;

TEST_CASE("with_defaults fills what the parameters leave out, through properties, allOf and $ref") {
  std::string dir = test::temp_dir("schema-defaults");
  test::write(dir + "/common.json", R"({"type": "object", "properties": {"level": {"default": "info"}}})");
  test::write(dir + "/request.json", R"({
    "type": "object",
    "allOf": [{"$ref": "common.json"}],
    "definitions": {"port": {"type": "integer", "default": 8080}},
    "properties": {
      "port": {"$ref": "#/definitions/port"},
      "name": {"type": "string"},
      "tls": {"type": "object", "properties": {"enabled": {"default": false}, "cert": {"default": ""}}}
    }
  })");
  auto filled = schema::with_defaults(R"({"name": "x", "tls": {"cert": "c.pem"}})", dir + "/request.json");
  REQUIRE(filled);
  CHECK(*filled == R"({"level":"info","name":"x","port":8080,"tls":{"cert":"c.pem","enabled":false}})");
  // Given values win, and an absent object gets no invented defaults below it.
  auto kept = schema::with_defaults(R"({"port": 1, "level": "debug"})", dir + "/request.json");
  REQUIRE(kept);
  CHECK(*kept == R"({"level":"debug","port":1})");
}

TEST_CASE("validate names the JSON path and the rule; an invalid schema is reported as such") {
  std::string dir = test::temp_dir("schema-validate");
  test::write(dir + "/request.json", R"({"type": "object", "properties": {"port": {"type": "integer", "minimum": 1024}}})");
  Status bad = schema::validate(R"({"port": 80})", dir + "/request.json");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::input);
  CHECK(bad.error().message == "parameter /port is invalid: Expected number greater than or equal to 1024 (schema " +
                                   dir + "/request.json)");
  test::write(dir + "/broken.json", R"({"type": "object", "properties": {"port": {"minimum": "x"}}})");
  Status broken = schema::validate("{}", dir + "/broken.json");
  REQUIRE_FALSE(broken);
  CHECK(broken.error().message.starts_with("not a valid JSON Schema: "));
}
