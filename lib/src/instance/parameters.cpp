// Instance parameters from JSON, YAML or TOML files and command-line assignments.
#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <toml++/toml.h>

#include "slap/fs.hpp"
#include "slap/instance.hpp"
#include "slap/strings.hpp"

namespace slap::instance {

namespace {

using json = nlohmann::json;

Error parameter_error(std::string message, Location where = {}) {
  return Error(ErrorKind::input, std::move(message), std::move(where));
}

// Parameters go through code that walks them recursively (the schema validator, dump()),
// so nesting is bounded, as Python's json bounds it by its recursion limit.
constexpr int max_nesting = 512;

// How deep `j` nests (a scalar: 0), walked without recursion (nlohmann parses and frees
// without recursion too).
int nesting(const json& j) {
  int deepest = 0;
  std::vector<std::pair<const json*, int>> todo{{&j, 0}};
  while (!todo.empty()) {
    auto [node, depth] = todo.back();
    todo.pop_back();
    if (!node->is_structured()) continue;
    deepest = std::max(deepest, depth + 1);
    for (const auto& child : *node) todo.emplace_back(&child, depth + 1);
  }
  return deepest;
}

// `params` read from `format` text, or the error for nesting past max_nesting.
Result<json> bounded(json params, std::string_view format, Location where) {
  if (nesting(params) > max_nesting)
    return fail(parameter_error(fmt::format("{} nested more than {} levels deep", format, max_nesting), std::move(where)));
  return params;
}

json from_yaml(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = from_yaml(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(from_yaml(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      // Plain scalars keep YAML's core types; quoted ones stay strings.
      const std::string& s = node.Scalar();
      if (node.Tag() == "!") return s;
      if (s == "true" || s == "True") return true;
      if (s == "false" || s == "False") return false;
      if (s == "null" || s == "~") return nullptr;
      try {
        std::size_t used = 0;
        long long i = std::stoll(s, &used);
        if (used == s.size()) return i;
        double d = std::stod(s, &used);
        if (used == s.size()) return d;
      } catch (...) {
      }
      return s;
    }
    default: return nullptr;
  }
}

json from_toml(const toml::node& node) {
  if (auto* t = node.as_table()) {
    json out = json::object();
    for (auto&& [k, v] : *t) out[std::string(k.str())] = from_toml(v);
    return out;
  }
  if (auto* a = node.as_array()) {
    json out = json::array();
    for (auto&& v : *a) out.push_back(from_toml(v));
    return out;
  }
  if (auto v = node.value<std::string>(); v && node.is_string()) return *v;
  if (auto v = node.value<int64_t>(); v && node.is_integer()) return *v;
  if (auto v = node.value<double>(); v && node.is_floating_point()) return *v;
  if (auto v = node.value<bool>(); v && node.is_boolean()) return *v;
  if (node.is_date() || node.is_time() || node.is_date_time()) {
    std::ostringstream text;
    if (auto* d = node.as_date()) text << *d;
    else if (auto* t = node.as_time()) text << *t;
    else if (auto* dt = node.as_date_time()) text << *dt;
    return text.str();
  }
  return nullptr;
}

Result<json> read_file_parameters(const std::string& file) {
  std::string text = SLAP_TRY(fs::read_file(file));
  if (file.ends_with(".yaml") || file.ends_with(".yml")) {
    try {
      return bounded(from_yaml(YAML::Load(text)), "YAML", {file, 0, 0});
    } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's own limit; its message says "bad file"
      return fail(parameter_error(fmt::format("YAML nested more than {} levels deep", max_nesting),
                                  {file, e.mark.line + 1, e.mark.column + 1}));
    } catch (const YAML::Exception& e) {
      return fail(parameter_error(e.msg, {file, e.mark.line + 1, e.mark.column + 1}));
    }
  }
  if (file.ends_with(".toml")) {
    try {
      return bounded(from_toml(toml::parse(text, file)), "TOML", {file, 0, 0});
    } catch (const toml::parse_error& e) {
      return fail(parameter_error(std::string(e.description()),
                                  {file, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column)}));
    }
  }
  if (!file.ends_with(".json"))
    return fail(parameter_error(fmt::format("parameters file {} must end in .json, .yaml, .yml or .toml", file)));
  try {
    return bounded(json::parse(text), "JSON", {file, 0, 0});
  } catch (const json::parse_error& e) {
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(std::min(e.byte, text.size())), '\n'));
    return fail(parameter_error(fmt::format("invalid JSON: {}", e.what()), {file, line, 0}));
  }
}

}  // namespace

Result<std::string> load_parameters(const std::string& file, const std::vector<std::string>& assignments) {
  json params = json::object();
  if (!file.empty()) params = SLAP_TRY(read_file_parameters(file));
  if (!params.is_object())
    return fail(parameter_error("instance parameters must be an object (a mapping of names to values)", {file, 0, 0}));
  for (const auto& a : assignments) {
    auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail(Error(ErrorKind::usage, fmt::format("'{}' is not key=value or key:=json", a)));
    if (a[eq - 1] == ':') {
      try {
        json value = json::parse(a.substr(eq + 1));
        if (nesting(value) > max_nesting)
          return fail(Error(ErrorKind::usage, fmt::format("'{}': JSON nested more than {} levels deep", a.substr(0, eq - 1), max_nesting)));
        params[a.substr(0, eq - 1)] = std::move(value);
      } catch (const json::parse_error& e) {
        return fail(Error(ErrorKind::usage, fmt::format("'{}': the value after := must be JSON ({})", a, e.what())));
      }
    } else {
      params[a.substr(0, eq)] = a.substr(eq + 1);
    }
  }
  return params.dump();
}

}  // namespace slap::instance
