#include "promise/plugin_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "slap/strings.hpp"
#include "slap/template.hpp"

namespace slap::promise {

using nlohmann::json;

namespace {

constexpr std::string_view plugin_package = "slapos.promise.plugin.";

// Statements of the recipe's template that do not matter to slap (it runs no Python).
constexpr std::array<std::string_view, 6> boilerplate = {
    "import sys",
    "import json",
    "for module in list(sys.modules):",
    "for module in sys.modules.keys():",
    "if 'slapos' in module or 'pkg_resources' in module:",
    "del sys.modules[module]",
};

std::string module_name(std::string_view dotted) {
  if (dotted.starts_with(plugin_package)) dotted.remove_prefix(plugin_package.size());
  return std::string(dotted);
}

// "FILE" position `pos` of `text` as a Location (1-based line and column).
Location locate(std::string_view text, std::size_t pos, const std::string& file) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {file, line, column};
}

Error error_at(std::string_view text, std::size_t pos, const std::string& file, std::string message) {
  return Error(ErrorKind::input, std::move(message), locate(text, pos, file));
}

// JSON config values as the Python code would see them through getConfig(): text.
Result<std::map<std::string, std::string>> config_strings(const json& dict, const Location& where) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : dict.items()) {
    if (value.is_null()) continue;  // None: the option is not set
    if (value.is_string()) out[key] = value.get<std::string>();
    else if (value.is_boolean()) out[key] = value.get<bool>() ? "true" : "false";
    else if (value.is_number()) out[key] = value.dump();
    else return fail(ErrorKind::input, fmt::format("config value '{}' must be a string, number or boolean", key), where);
  }
  return out;
}

// "from A import B [as RunPromise]": true when it is the promise import.
Result<bool> parse_import(std::string_view statement, PluginSpec& spec, const Location& where) {
  auto words = str::split_ws(statement);
  bool shaped = (words.size() == 4 || (words.size() == 6 && words[4] == "as")) && words[0] == "from" &&
                words[2] == "import";
  if (!shaped || words.back() != "RunPromise") return false;
  if (words[3] != "RunPromise")
    return fail(ErrorKind::input,
                fmt::format("imports class {} of {}: slap implements only the RunPromise class of promise modules",
                            words[3], words[1]),
                where);
  spec.module = module_name(words[1]);
  return true;
}

}  // namespace

// The value assigned by the statement whose `=` is at `pos`, evaluated by the template
// engine's Python mode with no builtins and only the json module in sight (the recipe
// writes `json.loads('...')` or a pprint'ed literal): nothing can run, nothing is read.
// `pos` is left at the end of the statement.
Result<json> assigned_value(std::string_view text, std::size_t& pos, const std::string& file) {
  static const tmpl::Environment env;
  static const tmpl::Dict names = [] {
    tmpl::Dict d;
    d.set(tmpl::Value("json"), *env.import_module("json"));
    return d;
  }();
  ++pos;  // the '='
  tmpl::Value value = SLAP_TRY(env.eval_python(text, pos, {&names, false, true, Location{file, 1, 1}}));
  if (pos < text.size() && text[pos] == ';')
    return fail(error_at(text, pos, file, "unexpected text after the value (one statement per line)"));
  auto dumped = value.to_json();
  if (!dumped) return fail(error_at(text, pos, file, "the value is not plain data: " + dumped.error().message));
  return json::parse(*dumped);
}

Result<PluginSpec> parse_generated_plugin(std::string_view text, const std::string& file) {
  PluginSpec spec;
  bool imported = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = std::min(text.find('\n', pos), text.size());
    std::string_view line = str::strip(text.substr(pos, eol - pos));
    std::string_view assigned;
    if (line.starts_with("sys.path[0:0] =")) assigned = "sys.path";
    else if (line.starts_with("extra_config_dict =")) assigned = "extra_config_dict";
    if (!assigned.empty()) {
      std::size_t end = text.find('=', pos);
      json value = SLAP_TRY(assigned_value(text, end, file));
      if (assigned == "extra_config_dict") {
        if (!value.is_object()) return fail(error_at(text, pos, file, "extra_config_dict is not a dict"));
        spec.config = SLAP_TRY(config_strings(value, locate(text, pos, file)));
      }
      pos = std::min(text.find('\n', end), text.size()) + 1;
      continue;
    }
    bool ignorable = line.empty() || line.starts_with('#') ||
                     std::find(boilerplate.begin(), boilerplate.end(), line) != boilerplate.end();
    if (!ignorable) {
      bool is_import = SLAP_TRY(parse_import(line, spec, locate(text, pos, file)));
      if (!is_import)
        return fail(error_at(text, pos, file,
                             fmt::format("unexpected Python statement '{}' (slap reads only the files "
                                         "slapos.cookbook:promise.plugin generates with a 'module' option)",
                                         line)));
      imported = true;
    }
    pos = eol + 1;
  }
  if (!imported)
    return fail(ErrorKind::input, "no 'from slapos.promise.plugin.<module> import RunPromise' line", Location{file});
  return spec;
}

Result<PluginSpec> parse_descriptor(std::string_view text, const std::string& file) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    auto colon = what.find(": ");
    return fail(error_at(text, e.byte > 0 ? e.byte - 1 : 0, file,
                         "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2))));
  }
  Location where{file};
  if (!doc.is_object()) return fail(ErrorKind::input, "a promise descriptor must be a JSON object", where);
  for (const auto& [key, value] : doc.items())
    if (key != "module" && key != "config")
      return fail(ErrorKind::input, fmt::format("unknown key '{}' (a descriptor has \"module\" and \"config\")", key), where);
  if (!doc.contains("module") || !doc["module"].is_string() || doc["module"].get<std::string>().empty())
    return fail(ErrorKind::input, "\"module\" must be a non-empty string", where);
  PluginSpec spec;
  spec.module = module_name(doc["module"].get<std::string>());
  if (doc.contains("config")) {
    if (!doc["config"].is_object()) return fail(ErrorKind::input, "\"config\" must be an object", where);
    spec.config = SLAP_TRY(config_strings(doc["config"], where));
  }
  return spec;
}

Result<PluginSpec> parse_plugin(std::string_view text, const std::string& file) {
  return str::lstrip(text).starts_with('{') ? parse_descriptor(text, file) : parse_generated_plugin(text, file);
}

}  // namespace slap::promise
