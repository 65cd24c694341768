// Where a template's initial autoescaping comes from: Environment(autoescape=True/False or
// select_autoescape(...)).
#pragma once

#include <optional>
#include <string_view>

#include "slap/template.hpp"

namespace slap::tmpl {

// nullopt: the template was made from a string (no name).
bool initial_autoescape(const Options& options, std::optional<std::string_view> template_name);

}  // namespace slap::tmpl
