// JSON as Python's json module writes and reads it (json.dumps defaults: ", " and ": "
// separators, ensure_ascii, NaN/Infinity allowed).
#pragma once

#include <string>
#include <string_view>

#include "slap/template.hpp"

namespace slap::tmpl {

struct JsonOptions {
  bool sort_keys = false;
  bool has_indent = false;  // indent=None when false
  std::string indent;       // one level of indentation
  bool custom_separators = false;
  std::string item_separator = ", ";
  std::string key_separator = ": ";
  bool ensure_ascii = true;
};

// Throws TypeError for values JSON cannot hold, as json.dumps does.
std::string python_json_dumps(const Value& v, const JsonOptions& options);
// Throws ValueError on malformed text.
Value python_json_loads(std::string_view text);

}  // namespace slap::tmpl
