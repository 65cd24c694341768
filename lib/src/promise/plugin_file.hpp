// The two shapes of a plugin promise file in etc/plugin/ (see slap/promise.hpp): the Python
// file slapos.cookbook:promise.plugin generates, and slap's JSON descriptor.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "slap/error.hpp"

namespace slap::promise {

struct PluginSpec {
  std::string module;  // without the "slapos.promise.plugin." prefix
  std::map<std::string, std::string> config;
};

// A descriptor when the first non-blank character is '{', else a generated Python file.
Result<PluginSpec> parse_plugin(std::string_view text, const std::string& file);
Result<PluginSpec> parse_descriptor(std::string_view text, const std::string& file);
Result<PluginSpec> parse_generated_plugin(std::string_view text, const std::string& file);
// The value of the assignment whose `=` is at `pos` in a generated plugin file, as
// parse_generated_plugin reads it; `pos` is left at the end of the statement.
Result<nlohmann::json> assigned_value(std::string_view text, std::size_t& pos, const std::string& file);

}  // namespace slap::promise
