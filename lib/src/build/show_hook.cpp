// The resolution `slap show` prints: buildout's stand-in location for every recipe (what
// the conformance oracle uses), except for a shared part, whose own recipe sets its
// options as in the build.
#include "slap/build.hpp"
#include "slap/recipe.hpp"
#include "slap/strings.hpp"

namespace slap::build {

namespace {

class ShowHook final : public profile::RecipeHook {
 public:
  explicit ShowHook(const Options& options) : configured_(options.shared_dirs), environment_(options.environment) {}

  Status init(profile::Resolver& resolver, profile::Options& section) override {
    auto recipe = SLAP_TRY(section.get("recipe"));
    if (recipe && recipes::shares_parts(str::strip(*recipe))) {
      recipes::Env env;
      env.shared_dirs = SLAP_TRY(recipes::shared_dirs(resolver, configured_));
      env.environment = environment_;
      env.buildout_dir = SLAP_TRY(SLAP_TRY(resolver.section("buildout"))->at("directory"));
      // A shared part: its recipe sets what the build sees (location, @@LOCATION@@ in
      // every option, prefix...). Creating it reads options only.
      if (SLAP_TRY(recipes::shared_place(resolver, section, env)).shared()) {
        recipes::Factory factory = recipes::find(str::strip(*recipe));
        SLAP_TRY(factory(resolver, section, env));
        return {};
      }
    }
    return stand_in_.init(resolver, section);
  }

 private:
  std::vector<std::string> configured_;
  process::Environment environment_;
  profile::LocationDefaultHook stand_in_;
};

}  // namespace

std::unique_ptr<profile::RecipeHook> show_hook(const Options& options) {
  return std::make_unique<ShowHook>(options);
}

}  // namespace slap::build
