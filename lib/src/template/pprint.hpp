// pprint.pformat(value, depth=depth or None, compact=compact): repr() wrapped at 80
// columns, dict keys sorted.
#pragma once

#include <string>

#include "slap/template.hpp"

namespace slap::tmpl {

std::string pformat(const Value& v, int depth = 0, bool compact = false);

}  // namespace slap::tmpl
