// Filters and tests by name (Jinja2's DEFAULT_FILTERS / DEFAULT_TESTS plus what SlapOS
// templates use). The parser resolves names once; an unknown name fails at parse time or,
// inside `if` and conditional expressions, when it runs, as in Jinja2 3.
#pragma once

#include <string_view>
#include <vector>

#include "slap/template.hpp"

namespace slap::tmpl {

class Interp;

struct FilterFn {
  std::string_view name;
  Value (*fn)(Interp& in, const Value& subject, const Args& args);
};

struct TestFn {
  std::string_view name;
  bool (*fn)(Interp& in, const Value& subject, const Args& args);
};

const FilterFn* find_filter(std::string_view name);
const TestFn* find_test(std::string_view name);
// Every filter's and every test's name, sorted (what {% debug %} lists).
std::vector<std::string_view> filter_names();
std::vector<std::string_view> test_names();

}  // namespace slap::tmpl
