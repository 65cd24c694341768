// Shortcuts for template unit tests: render a source string, or get the error it fails with.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "slap/template.hpp"

namespace slap::test {

inline tmpl::Dict context_from_json(const std::string& json) {
  auto v = tmpl::Value::from_json(json);
  REQUIRE(v);
  return v->as_dict();
}

inline std::string render(const tmpl::Environment& env, const std::string& source, const std::string& json = "{}") {
  auto r = env.render(source, "t.in", context_from_json(json));
  if (!r) FAIL_CHECK(r.error().describe());
  return r ? *r : std::string();
}

inline std::string render(const std::string& source, const std::string& json = "{}") {
  tmpl::Environment env;
  return render(env, source, json);
}

inline Error render_error(const tmpl::Environment& env, const std::string& source, const std::string& json = "{}") {
  auto r = env.render(source, "t.in", context_from_json(json));
  REQUIRE_FALSE(r);
  return r.error();
}

inline Error render_error(const std::string& source, const std::string& json = "{}") {
  tmpl::Environment env;
  return render_error(env, source, json);
}

}  // namespace slap::test
