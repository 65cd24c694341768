// slapos.cookbook:slapconfiguration (.serialised, .jsonschema): the instance's parameters
// and identity. Upstream asks the master; slap reads the instance file `slap instantiate`
// writes, named by `url = ${slap-connection:server-url}` ("slap-local:PATH").
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"
#include "slap/schema.hpp"
#include "slap/typed.hpp"

namespace slap::recipes {

namespace {

using json = nlohmann::json;

constexpr std::string_view local_scheme = "slap-local:";

// Nothing to install: the values are set while the section initialises.
class Configuration final : public Recipe {
 public:
  Result<std::vector<std::string>> install(const InstallContext&) override { return std::vector<std::string>{}; }
};

void set_value(profile::Options& options, const std::string& name, const json& v) {
  options.set(name, v.is_string() ? v.get<std::string>() : typed::encode_json(v.dump()));
}

bool option_name(const std::string& key) {
  return !key.empty() && key.find_first_of(" \t\n{}[]=:$") == std::string::npos;
}

Result<json> read_instance(profile::Options& options) {
  std::string url = SLAP_TRY(options.at("url"));
  if (!url.starts_with(local_scheme))
    return fail(option_error(options, "url",
                             fmt::format("'{}' is a SlapOS master; slap only reads instances set up by "
                                         "`slap instantiate` (slap-local:FILE)", url)));
  std::string file = url.substr(local_scheme.size());
  std::string text = SLAP_TRY(fs::read_file(file));
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    return fail(Error(ErrorKind::input, fmt::format("{}: invalid instance file: {}", file, e.what())));
  }
}

enum class Variant { plain, serialised, jsonschema };

// .jsonschema: validates the parameters against the request schema that `jsonschema`
// (a software.cfg.json) gives for the software type, and fills the schema's defaults.
// Modes none|main|shared|all as upstream; slap has no shared instances, so shared = none.
Status apply_schema(profile::Options& options, const std::string& software_type, json& params) {
  auto in_main = [&](const char* option, const char* fallback) -> Result<bool> {
    std::string mode = SLAP_TRY(optional(options, option));
    if (mode.empty()) mode = fallback;
    if (mode != "none" && mode != "main" && mode != "shared" && mode != "all")
      return fail(option_error(options, option, fmt::format("'{}': expected none, main, shared or all", mode)));
    return mode == "main" || mode == "all";
  };
  bool validate = SLAP_TRY(in_main("validate-parameters", "all"));
  bool defaults = SLAP_TRY(in_main("set-default", "none"));
  std::string file = SLAP_TRY(options.at("jsonschema"));
  auto st = schema::software_type_of(file, software_type);
  if (!st) return fail(options.located(std::move(st.error()), "jsonschema"));
  if (st->serialised && params.is_object() && params.contains("_") && params["_"].is_string())
    params = json::parse(params["_"].get<std::string>(), nullptr, false);
  if (st->request_schema.empty()) return {};
  if (validate) {
    Status ok = schema::validate(params.dump(), st->request_schema);
    if (!ok) return fail(options.located(std::move(ok.error()), "validate-parameters"));
  }
  if (defaults) params = json::parse(SLAP_TRY(schema::with_defaults(params.dump(), st->request_schema)));
  return {};
}

Result<std::unique_ptr<Recipe>> configure(profile::Options& options, Variant variant) {
  json inst = SLAP_TRY(read_instance(options));
  json params = inst.value("parameters", json::object());
  if (variant == Variant::jsonschema) SLAP_CHECK(apply_schema(options, inst.value("software-type", "default"), params));
  if (variant == Variant::serialised && params.is_object() && params.contains("_") && params["_"].is_string()) {
    try {
      params = json::parse(params["_"].get<std::string>());
    } catch (const json::parse_error& e) {
      return fail(option_error(options, "url", fmt::format("parameter '_' is not JSON: {}", e.what())));
    }
  }
  set_value(options, "configuration", params);
  if (params.is_object())
    for (const auto& [k, v] : params.items())
      if (option_name(k)) set_value(options, "configuration." + k, v);
  const std::pair<const char*, const char*> fields[] = {
      {"slap-software-type", "software-type"}, {"slap-computer-id", "computer-id"},
      {"slap-computer-partition-id", "partition-id"}, {"slap-software-release-url", "software-release-url"},
      {"instance-state", "state"}, {"instance-title", "instance-title"},
      {"root-instance-title", "root-instance-title"}, {"root-instance-short-title", "root-instance-title"},
      {"instance-guid", "instance-guid"}, {"timestamp", "timestamp"}};
  for (auto [option, key] : fields) options.set(option, inst.value(key, ""));
  for (const char* family : {"ipv4", "ipv6"}) {
    json addresses = inst.value(family, json::array());
    set_value(options, family, addresses);
    std::vector<std::string> sorted;
    for (const auto& a : addresses) sorted.push_back(a.get<std::string>());
    std::sort(sorted.begin(), sorted.end());
    // "random" upstream, but the smallest address in practice: stable across runs.
    options.set(std::string(family) + "-random", sorted.empty() ? "" : sorted.front());
  }
  set_value(options, "slave-instance-list", inst.value("slave-instance-list", json::array()));
  if (variant == Variant::jsonschema) {
    set_value(options, "valid-shared-instance-list", inst.value("slave-instance-list", json::array()));
    set_value(options, "invalid-shared-instance-list", json::array());
  }
  set_value(options, "storage-dict", json::object());
  return std::unique_ptr<Recipe>(std::make_unique<Configuration>());
}

}  // namespace

Result<std::unique_ptr<Recipe>> make_slapconfiguration(profile::Resolver&, profile::Options& options, const Env&) {
  return configure(options, Variant::plain);
}

Result<std::unique_ptr<Recipe>> make_slapconfiguration_serialised(profile::Resolver&, profile::Options& options, const Env&) {
  return configure(options, Variant::serialised);
}

Result<std::unique_ptr<Recipe>> make_slapconfiguration_jsonschema(profile::Resolver&, profile::Options& options, const Env&) {
  return configure(options, Variant::jsonschema);
}

}  // namespace slap::recipes
