// PEP 508 environment markers (`python_version >= "3.8" and extra == "test"`), evaluated
// against the variables of the interpreter the eggs are for, as `packaging` does:
// version comparison when both sides are versions, string comparison otherwise.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "slap/error.hpp"

namespace slap::recipes::egg {

// Variable name -> value; "extra" is the extra being resolved ("" for none).
using MarkerEnvironment = std::map<std::string, std::string>;

Result<bool> evaluate_marker(std::string_view marker, const MarkerEnvironment& env);

}  // namespace slap::recipes::egg
