// Conditional section headers `[name:EXPR]`: a small evaluator for the Python expressions
// buildout accepts there (python3, linux, bits64, sys.version_info >= (3, 8),
// platform.machine() == "x86_64", not/and/or, ...). It emulates CPython 3.11 on this
// machine, as the conformance oracle ran. Anything else is an error, never a guess.
#pragma once

#include <string>
#include <string_view>

#include "slap/error.hpp"

namespace slap::profile {

Result<bool> eval_condition(std::string_view expression, const Location& where);

// The expression as Python reads it: buildout's escapes \x23 ('#') and \x3b (';') decoded.
std::string condition_text(std::string_view expression);

}  // namespace slap::profile
