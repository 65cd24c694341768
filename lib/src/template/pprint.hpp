// pprint.pformat(value): repr() wrapped at 80 columns, dict keys sorted.
#pragma once

#include <string>

#include "slap/template.hpp"

namespace slap::tmpl {

std::string pformat(const Value& v);

}  // namespace slap::tmpl
