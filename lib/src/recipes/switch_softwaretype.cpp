// slapos.cookbook:switch-softwaretype: the instance's software type picks the profile to
// deploy. Options map a type to SECTION:OPTION, the path of a rendered profile
// (`default = instance-default:output`); that profile is built as a nested buildout in the
// same directory, its parts recorded in .installed-SECTION.cfg, with the same [buildout]
// settings, the same [slap-connection] and the [slap-configuration] already computed
// (its recipe becomes switch-softwaretype.noop: no second reading of the parameters).
// `override` (a typed dict, type -> profile) extends the chosen profile with another.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/strings.hpp"
#include "slap/typed.hpp"

namespace slap::recipes {

namespace {

using json = nlohmann::json;

class Switch final : public Recipe {
 public:
  NestedBuild nested;
  const Env* env = nullptr;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    if (!env->nested_build) return fail(ErrorKind::internal, "switch-softwaretype: no nested build available");
    log_line(ic, "building " + nested.profile);
    SLAP_CHECK(env->nested_build(nested, ic));
    return std::vector<std::string>{};
  }
  Result<std::vector<std::string>> update(const InstallContext& ic) override { return install(ic); }
};

Error user_error(profile::Options& options, const std::string& option, std::string message) {
  return option_error(options, option, std::move(message)).with_class("UserError");
}

// The profile for the type: SECTION:OPTION resolved, RootSoftwareInstance falling back to
// default as upstream.
Result<std::string> chosen_profile(profile::Resolver& resolver, profile::Options& options, std::string& type) {
  std::string target = SLAP_TRY(optional(options, type));
  if (target.empty() && type == "RootSoftwareInstance") {
    type = "default";
    target = SLAP_TRY(optional(options, type));
    if (target.empty())
      return fail(Error(ErrorKind::input, "The software type 'RootSoftwareInstance' isn't mapped. We even tried "
                                          "'default' but it isn't mapped either.").with_class("MissingOption"));
  }
  if (target.empty())
    return fail(options.located(Error(ErrorKind::input, fmt::format("This software type ({}) isn't mapped. 'default' "
                                                                    "is the default software type.", type))
                                    .with_class("MissingOption"),
                                "recipe"));
  auto parts = str::split(std::string(str::strip(target)), ":");
  if (parts.size() != 2)
    return fail(user_error(options, type,
                           fmt::format("The software types in the section [{}] must be separated by a colon such as: "
                                       "'section:key', where key is usually 'rendered'. Don't use: ${{section:key}}",
                                       options.name())));
  auto* section = SLAP_TRY(resolver.section(parts[0]));
  resolver.add_reference(options.name(), parts[0]);
  return section->at(parts[1]);
}

}  // namespace

Result<std::unique_ptr<Recipe>> make_switch_softwaretype(profile::Resolver& resolver, profile::Options& options,
                                                         const Env& env) {
  auto configuration = resolver.section("slap-configuration");
  std::optional<std::string> type;
  if (configuration) type = SLAP_TRY((*configuration)->get("slap-software-type"));
  if (!type)
    return fail(user_error(options, "recipe",
                           "The section to retrieve slap partition parameters (with slapos.cookbook:slapconfiguration "
                           "recipe or a derived one) must be named [slap-configuration]."));
  resolver.add_reference(options.name(), "slap-configuration");
  std::string software_type = *type;
  auto r = std::make_unique<Switch>();
  r->env = &env;
  r->nested.profile = SLAP_TRY(chosen_profile(resolver, options, software_type));
  auto& o = r->nested.overrides;
  o.push_back({"buildout", "installed", ".installed-" + options.name() + ".cfg"});
  if (auto override_value = SLAP_TRY(options.get("override"))) {
    json overrides = json::parse(typed::textual(*override_value), nullptr, false);
    if (overrides.is_object() && overrides.contains(software_type) && overrides[software_type].is_string()) {
      o.push_back({"buildout", "extends", r->nested.profile});
      r->nested.profile = overrides[software_type].get<std::string>();
    }
  }
  auto* buildout = SLAP_TRY(resolver.section("buildout"));
  for (const char* key : {"offline", "verbosity", "newest", "directory", "eggs-directory", "develop-eggs-directory"})
    if (auto v = SLAP_TRY(buildout->get(key))) o.push_back({"buildout", key, *v});
  if (auto connection = resolver.section("slap-connection"))
    for (const auto& [k, v] : SLAP_TRY((*connection)->values())) o.push_back({"slap-connection", k, v});
  for (const auto& [k, v] : SLAP_TRY((*configuration)->values()))
    if (k != "recipe") o.push_back({"slap-configuration", k, v});
  o.push_back({"slap-configuration", "recipe", "slapos.cookbook:switch-softwaretype.noop"});
  return std::unique_ptr<Recipe>(std::move(r));
}

// The [slap-configuration] of a nested build: its values came with the build.
Result<std::unique_ptr<Recipe>> make_switch_softwaretype_noop(profile::Resolver&, profile::Options&, const Env&) {
  class Noop final : public Recipe {
   public:
    Result<std::vector<std::string>> install(const InstallContext&) override { return std::vector<std::string>{}; }
  };
  return std::unique_ptr<Recipe>(std::make_unique<Noop>());
}

}  // namespace slap::recipes
