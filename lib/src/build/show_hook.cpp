// The resolution `slap show` prints: buildout's stand-in location for every recipe, and the
// shared directory a shared part is built in, computed as the build computes it.
#include "recipes/common.hpp"
#include "slap/build.hpp"
#include "slap/strings.hpp"

namespace slap::build {

namespace {

class ShowHook final : public profile::RecipeHook {
 public:
  explicit ShowHook(std::vector<std::string> configured) : configured_(std::move(configured)) {}

  Status init(profile::Resolver& resolver, profile::Options& section) override {
    auto recipe = SLAP_TRY(section.get("recipe"));
    if (recipe && recipes::shares_parts(str::strip(*recipe))) {
      recipes::Env env;
      env.shared_dirs = SLAP_TRY(recipes::shared_dirs(resolver, configured_));
      auto place = SLAP_TRY(recipes::shared_place(resolver, section, env));
      if (place.shared()) {
        section.set("location", place.location);
        return {};
      }
    }
    return stand_in_.init(resolver, section);
  }

 private:
  std::vector<std::string> configured_;
  profile::LocationDefaultHook stand_in_;
};

}  // namespace

std::unique_ptr<profile::RecipeHook> show_hook(std::vector<std::string> shared_dirs) {
  return std::make_unique<ShowHook>(std::move(shared_dirs));
}

}  // namespace slap::build
