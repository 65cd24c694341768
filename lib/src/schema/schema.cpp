// software.cfg.json and JSON Schema validation of instance parameters (valijson).
#define VALIJSON_USE_EXCEPTIONS 1
#include <fmt/format.h>

#include <regex>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <nlohmann/json.hpp>

#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/schema.hpp"
#include "slap/strings.hpp"

namespace slap::schema {

namespace {

using json = nlohmann::json;

Result<json> read_json(const std::string& file) {
  std::string text = SLAP_TRY(fs::read_file(file));
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    return fail(Error(ErrorKind::input, fmt::format("invalid JSON: {}", e.what()), {file, 0, 0}));
  }
}

// "/a/0/b" from valijson's context (["<root>", "[a]", "[0]", "[b]"]).
std::string json_path(const std::vector<std::string>& context) {
  std::string out;
  for (const auto& c : context) {
    if (c == "<root>") continue;
    std::string_view v = c;
    if (v.starts_with("[") && v.ends_with("]")) v = v.substr(1, v.size() - 2);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    out += "/" + std::string(v);
  }
  return out.empty() ? "/" : out;
}

}  // namespace

Result<SoftwareType> software_type(const std::string& dir, const std::string& type) {
  return software_type_of(path::join(dir, "software.cfg.json"), type);
}

Result<SoftwareType> software_type_of(const std::string& file, const std::string& type) {
  std::string dir = path::dirname(file);
  SoftwareType st;
  st.name = type;
  if (!fs::exists(file)) {
    if (type != "default" && type != "RootSoftwareInstance")
      return fail(Error(ErrorKind::input, fmt::format("software type '{}' requested, but {} does not exist", type, file)));
    st.name = "default";
    return st;
  }
  json doc = SLAP_TRY(read_json(file));
  const json& types = doc.contains("software-type") ? doc["software-type"] : json::object();
  std::string key = type == "RootSoftwareInstance" && !types.contains(type) ? "default" : type;
  if (!types.contains(key)) {
    std::vector<std::string> known;
    for (const auto& [k, v] : types.items()) known.push_back(k);
    return fail(Error(ErrorKind::input, fmt::format("unknown software type '{}'; {} declares: {}", type, file,
                                                    known.empty() ? "none" : str::join(known, ", "))));
  }
  const json& entry = types[key];
  st.name = entry.value("software-type", key);
  if (entry.contains("request") && entry["request"].is_string())
    st.request_schema = path::join(dir, entry["request"].get<std::string>());
  st.serialised = doc.value("serialisation", "") == "json-in-xml";
  return st;
}

namespace {

// valijson prints every bound as a double ("1024.000000"); users wrote 1024.
std::string tidy_numbers(std::string text) {
  static const std::regex trailing_zeros(R"((\d)\.0+\b)");
  return std::regex_replace(text, trailing_zeros, "$1");
}

}  // namespace

Status validate(const std::string& parameters_json, const std::string& schema_file) {
  json schema_doc = SLAP_TRY(read_json(schema_file));
  json params = json::parse(parameters_json);
  std::string base = path::dirname(schema_file);
  valijson::Schema schema;
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    auto fetch = [&](const std::string& uri) -> const json* {
      std::string file = path::is_abs(uri) ? uri : path::join(base, uri);
      auto text = fs::read_file(file);
      if (!text) throw std::runtime_error(fmt::format("cannot read {} referenced by $ref", file));
      return new json(json::parse(*text));
    };
    auto free_doc = [](const json* doc) { delete doc; };
    parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(schema_doc), schema, fetch, free_doc);
  } catch (const std::exception& e) {
    return fail(Error(ErrorKind::input, fmt::format("not a valid JSON Schema: {}", e.what()), {schema_file, 0, 0}));
  }
  valijson::Validator validator;
  valijson::ValidationResults results;
  if (validator.validate(schema, valijson::adapters::NlohmannJsonAdapter(params), &results)) return {};
  // The deepest error is the most precise one (the others are its enclosing "allOf"...).
  std::vector<valijson::ValidationResults::Error> errors;
  for (valijson::ValidationResults::Error e; results.popError(e);) errors.push_back(e);
  std::size_t best = 0;
  for (std::size_t i = 0; i < errors.size(); ++i)
    if (errors[i].context.size() > errors[best].context.size()) best = i;
  return fail(Error(ErrorKind::input,
                    fmt::format("parameter {} is invalid: {} (schema {})", json_path(errors[best].context),
                                tidy_numbers(errors[best].description), schema_file))
                  .about(json_path(errors[best].context)));
}

}  // namespace slap::schema

namespace slap::schema {

namespace {

// A schema node with its "$ref" followed: "#/a/b" within `root`, or a file relative to
// `dir` (what SlapOS schemas use). Unresolvable references are skipped (no defaults there).
struct SchemaNode {
  const json* node = nullptr;
  const json* root = nullptr;
  std::string dir;
};

SchemaNode follow(SchemaNode s, std::vector<std::unique_ptr<json>>& loaded, int depth = 0) {
  if (!s.node || !s.node->is_object() || !s.node->contains("$ref") || !(*s.node)["$ref"].is_string() || depth > 16)
    return s;
  std::string ref = (*s.node)["$ref"].get<std::string>();
  auto hash = ref.find('#');
  std::string file = ref.substr(0, hash), pointer = hash == std::string::npos ? "" : ref.substr(hash + 1);
  if (!file.empty()) {
    std::string full = path::is_abs(file) ? file : path::join(s.dir, file);
    auto doc = read_json(full);
    if (!doc) return {};
    loaded.push_back(std::make_unique<json>(std::move(*doc)));
    s = {loaded.back().get(), loaded.back().get(), path::dirname(full)};
  }
  if (!pointer.empty()) {
    try {
      s.node = &s.root->at(json::json_pointer(pointer));
    } catch (const std::exception&) {
      return {};
    }
  }
  return follow(s, loaded, depth + 1);
}

void fill_defaults(json& value, SchemaNode s, std::vector<std::unique_ptr<json>>& loaded) {
  s = follow(s, loaded);
  if (!s.node || !s.node->is_object() || !value.is_object()) return;
  if (s.node->contains("allOf") && (*s.node)["allOf"].is_array())
    for (const auto& part : (*s.node)["allOf"]) fill_defaults(value, {&part, s.root, s.dir}, loaded);
  if (!s.node->contains("properties") || !(*s.node)["properties"].is_object()) return;
  for (const auto& [key, sub] : (*s.node)["properties"].items()) {
    SchemaNode prop = follow({&sub, s.root, s.dir}, loaded);
    if (!prop.node || !prop.node->is_object()) continue;
    if (!value.contains(key)) {
      if (prop.node->contains("default")) value[key] = (*prop.node)["default"];
    } else {
      fill_defaults(value[key], prop, loaded);
    }
  }
}

}  // namespace

Result<std::string> with_defaults(const std::string& parameters_json, const std::string& schema_file) {
  json schema_doc = SLAP_TRY(read_json(schema_file));
  json params = json::parse(parameters_json);
  std::vector<std::unique_ptr<json>> loaded;
  fill_defaults(params, {&schema_doc, &schema_doc, path::dirname(schema_file)}, loaded);
  return params.dump();
}

}  // namespace slap::schema
