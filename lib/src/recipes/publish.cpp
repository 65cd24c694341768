// slapos.cookbook:publish (.serialised): connection parameters of the instance. slap
// writes them to DIRECTORY/.slap/connection/SECTION.json, where `slap instantiate` and
// `slap node` read them back; with `-slave-reference`, for that shared instance, to
// DIRECTORY/.slap/connection-shared/SECTION.json as {"reference": ..., "parameters": ...}.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"
#include "slap/typed.hpp"

namespace slap::recipes {

namespace {

using json = nlohmann::json;

class Publish final : public Recipe {
 public:
  std::string file;
  json published;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    log_line(ic, "publish to " + file);
    SLAP_CHECK(fs::make_dirs(path::dirname(file)));
    SLAP_CHECK(fs::write_atomic(file, published.dump(1) + "\n", 0644, false));
    return std::vector<std::string>{file};
  }
  Result<std::vector<std::string>> update(const InstallContext& ic) override { return install(ic); }
};

json value_of(const std::string& v, bool keep_types) {
  if (auto text = typed::json_text(v); text && keep_types) return json::parse(*text, nullptr, false);
  return typed::textual(v);
}

// The section's keys (or its `-publish` list), then those of its `-extends` sections.
Status collect(profile::Resolver& resolver, profile::Options& options, json& out, bool keep_types,
               std::set<std::string>& seen) {
  if (!seen.insert(options.name()).second) return {};
  auto values = SLAP_TRY(options.values());
  std::vector<std::string> keys;
  if (auto it = values.find("-publish"); it != values.end()) keys = str::split_ws(it->second);
  else
    for (const auto& [k, v] : values)
      if (k != "recipe" && !k.starts_with("-")) keys.push_back(k);
  for (const auto& k : keys) {
    auto it = values.find(k);
    if (it == values.end()) return fail(option_error(options, "-publish", fmt::format("no option '{}' to publish", k)));
    out[k] = value_of(it->second, keep_types);
  }
  if (auto it = values.find("-extends"); it != values.end())
    for (const auto& name : str::split_ws(it->second))
      SLAP_CHECK(collect(resolver, *SLAP_TRY(resolver.section(name)), out, keep_types, seen));
  return {};
}

Result<std::unique_ptr<Recipe>> make(profile::Resolver& resolver, profile::Options& options, bool serialised) {
  auto r = std::make_unique<Publish>();
  json params = json::object();
  std::set<std::string> seen;
  SLAP_CHECK(collect(resolver, options, params, serialised, seen));
  r->published = serialised ? json{{"_", params.dump()}} : params;
  auto* buildout = SLAP_TRY(resolver.section("buildout"));
  std::string directory = SLAP_TRY(buildout->at("directory"));
  std::string shared = std::string(str::strip(SLAP_TRY(optional(options, "-slave-reference"))));
  if (shared.empty()) {
    r->file = path::join(directory, ".slap/connection/" + options.name() + ".json");
  } else {
    r->file = path::join(directory, ".slap/connection-shared/" + options.name() + ".json");
    r->published = json{{"reference", shared}, {"parameters", std::move(r->published)}};
  }
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace

Result<std::unique_ptr<Recipe>> make_publish(profile::Resolver& resolver, profile::Options& options, const Env&) {
  return make(resolver, options, false);
}

Result<std::unique_ptr<Recipe>> make_publish_serialised(profile::Resolver& resolver, profile::Options& options,
                                                        const Env&) {
  return make(resolver, options, true);
}

}  // namespace slap::recipes
