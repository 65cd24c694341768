// Lint of software.cfg.json: the files it names exist, and each is a valid JSON Schema
// (checked against the draft-07 meta-schema, then loaded by valijson), following every
// relative `$ref` to the files it names.
#define VALIJSON_USE_EXCEPTIONS 1
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "release/meta_schema.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/release.hpp"

namespace slap::release {

namespace {

using json = nlohmann::json;

std::string pointer_token(std::string key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

// Keywords whose values are data, not subschemas: a "$ref" key inside is not a reference.
bool holds_data(std::string_view keyword) {
  return keyword == "enum" || keyword == "const" || keyword == "default" || keyword == "examples";
}

std::pair<std::string, std::string> split_ref(const std::string& ref) {
  auto hash = ref.find('#');
  if (hash == std::string::npos) return {ref, ""};
  return {ref.substr(0, hash), ref.substr(hash + 1)};
}

class SchemaLinter {
 public:
  SchemaLinter() {
    meta_doc_ = json::parse(draft7_meta_schema);
    valijson::adapters::NlohmannJsonAdapter adapter(meta_doc_);
    valijson::SchemaParser(valijson::SchemaParser::kDraft7).populateSchema(adapter, meta_);
  }

  void software_json(const std::string& file);
  std::vector<LintProblem> problems;

 private:
  void problem(std::string rule, const std::string& file, std::string pointer, std::string message, std::uint32_t line = 0) {
    problems.push_back({std::move(rule), file, line, std::move(pointer), std::move(message)});
  }
  const json* load(const std::string& file);
  void check_schema(const std::string& file);
  void check_refs(const std::string& file, const json& root, const json& node, const std::string& pointer);
  void check_ref(const std::string& file, const json& root, const std::string& ref, const std::string& pointer);
  void meta_validate(const std::string& file, const json& doc);
  void load_as_schema(const std::string& file, const json& doc);

  json meta_doc_;
  valijson::Schema meta_;
  std::map<std::string, std::optional<json>> docs_;
  std::set<std::string> checked_;
};

const json* SchemaLinter::load(const std::string& file) {
  auto it = docs_.find(file);
  if (it != docs_.end()) return it->second ? &*it->second : nullptr;
  std::optional<json> doc;
  auto text = fs::read_file(file);
  if (!text) {
    problem("missing-file", file, "", text.error().message);
  } else {
    try {
      doc = json::parse(*text);
    } catch (const json::parse_error& e) {
      std::size_t end = std::min<std::size_t>(e.byte ? e.byte - 1 : 0, text->size());
      auto line = static_cast<std::uint32_t>(1 + std::count(text->begin(), text->begin() + static_cast<long>(end), '\n'));
      problem("schema", file, "", fmt::format("not valid JSON: {}", e.what()), line);
    }
  }
  it = docs_.emplace(file, std::move(doc)).first;
  return it->second ? &*it->second : nullptr;
}

void SchemaLinter::check_schema(const std::string& file) {
  if (!checked_.insert(file).second) return;
  const json* doc = load(file);
  if (!doc) return;
  std::size_t before = problems.size();
  meta_validate(file, *doc);
  check_refs(file, *doc, *doc, "");
  // Loading mostly repeats what the checks above found, without a JSON path.
  if (problems.size() == before) load_as_schema(file, *doc);
}

void SchemaLinter::check_refs(const std::string& file, const json& root, const json& node, const std::string& pointer) {
  if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) check_refs(file, root, node[i], fmt::format("{}/{}", pointer, i));
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.items()) {
    std::string here = pointer + "/" + pointer_token(key);
    if (key == "$ref" && value.is_string()) check_ref(file, root, value.get<std::string>(), here);
    else if (!holds_data(key)) check_refs(file, root, value, here);
  }
}

void SchemaLinter::check_ref(const std::string& file, const json& root, const std::string& ref, const std::string& pointer) {
  auto [document, fragment] = split_ref(ref);
  const json* target = &root;
  std::string target_file = file;
  if (!document.empty()) {
    if (path::is_url(document)) return;  // remote schemas are not part of the release
    target_file = path::normpath(path::join(path::dirname(file), document));
    if (!fs::exists(target_file)) {
      problem("missing-file", file, pointer, fmt::format("$ref '{}' names a file that does not exist: {}", ref, target_file));
      return;
    }
    check_schema(target_file);
    target = load(target_file);
    if (!target) return;
  }
  if (fragment.empty()) return;
  try {
    if (target->contains(json::json_pointer(fragment))) return;
  } catch (const json::exception&) {
  }
  problem("schema", file, pointer, fmt::format("$ref '{}': {} has no '#{}'", ref, target_file, fragment));
}

void SchemaLinter::meta_validate(const std::string& file, const json& doc) {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(doc);
  if (validator.validate(meta_, adapter, &results)) return;
  std::vector<valijson::ValidationResults::Error> errors;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) errors.push_back(e);
  // valijson reports each failure at every level up to the root, and an anyOf once per
  // branch: keep one message per innermost location.
  auto extends = [](const std::vector<std::string>& longer, const std::vector<std::string>& prefix) {
    return longer.size() > prefix.size() && std::equal(prefix.begin(), prefix.end(), longer.begin());
  };
  std::set<std::string> reported;
  for (const auto& error : errors) {
    if (error.description.starts_with("Failed to validate against child schema") ||
        std::any_of(errors.begin(), errors.end(), [&](const auto& other) { return extends(other.context, error.context); }))
      continue;
    std::string pointer;
    for (const auto& step : error.context)
      if (step.size() >= 2 && step.front() == '[' && step.back() == ']')
        pointer += "/" + pointer_token(step.substr(1, step.size() - 2));
    if (!reported.insert(pointer).second) continue;
    std::string value = doc.contains(json::json_pointer(pointer)) ? doc.at(json::json_pointer(pointer)).dump() : "";
    if (value.size() > 60) value = value.substr(0, 57) + "...";
    problem("schema", file, pointer, fmt::format("not a valid JSON Schema: {}: {}", value, error.description));
  }
}

// References to other files are checked by check_refs; valijson sees the document alone.
void strip_external_refs(json& node) {
  if (node.is_array()) {
    for (auto& item : node) strip_external_refs(item);
    return;
  }
  if (!node.is_object()) return;
  node.erase("$id");
  if (auto it = node.find("$ref"); it != node.end() && it->is_string() && !split_ref(it->get<std::string>()).first.empty())
    node.erase(it);
  for (auto& [key, value] : node.items())
    if (!holds_data(key)) strip_external_refs(value);
}

void SchemaLinter::load_as_schema(const std::string& file, const json& doc) {
  json alone = doc;
  strip_external_refs(alone);
  try {
    valijson::Schema schema;
    valijson::adapters::NlohmannJsonAdapter adapter(alone);
    valijson::SchemaParser(valijson::SchemaParser::kDraft7).populateSchema(adapter, schema);
  } catch (const std::exception& e) {
    problem("schema", file, "", fmt::format("valijson cannot load it as a schema: {}", e.what()));
  }
}

void SchemaLinter::software_json(const std::string& file) {
  const json* doc = load(file);
  if (!doc) return;
  const auto types = doc->find("software-type");
  if (!doc->is_object() || types == doc->end() || !types->is_object()) {
    problem("schema", file, "/software-type", "software.cfg.json has no \"software-type\" object");
    return;
  }
  for (const auto& [name, type] : types->items()) {
    for (const char* key : {"request", "response"}) {
      std::string pointer = fmt::format("/software-type/{}/{}", pointer_token(name), key);
      auto it = type.find(key);
      if (it == type.end() || !it->is_string() || it->get<std::string>().empty()) {
        problem("schema", file, pointer, fmt::format("software type '{}' has no \"{}\" schema file", name, key));
        continue;
      }
      std::string schema = path::normpath(path::join(path::dirname(file), it->get<std::string>()));
      if (!fs::exists(schema))
        problem("missing-file", file, pointer, fmt::format("'{}' does not exist: {}", it->get<std::string>(), schema));
      else
        check_schema(schema);
    }
  }
}

}  // namespace

std::vector<LintProblem> lint_software_json(const std::string& software_json) {
  SchemaLinter linter;
  linter.software_json(software_json);
  return std::move(linter.problems);
}

}  // namespace slap::release
