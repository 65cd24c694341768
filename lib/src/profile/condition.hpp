// Conditional section headers `[name:EXPR]`, evaluated as zc.buildout does: `[EXPR]` as a
// Python expression over its default globals (sys, os, platform, re, python3, linux,
// bits64, ...), element 0 decides. The template engine's Python mode evaluates it: the
// arithmetic, builtins, lambdas, comprehensions and host queries buildout's doctests use.
#pragma once

#include <string>
#include <string_view>

#include "slap/error.hpp"

namespace slap::profile {

Result<bool> eval_condition(std::string_view expression, const Location& where);

// The expression as Python reads it: buildout's escapes \x23 ('#') and \x3b (';') decoded.
std::string condition_text(std::string_view expression);

}  // namespace slap::profile
