// slapos.cookbook:mkdirectory (and slapos.recipe.build:mkdirectory): every option except
// `recipe` and `mode` is a directory to create. Directories are never removed on
// uninstall: they may hold data.
#include <algorithm>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"

namespace slap::recipes {

namespace {
class MakeDirectories final : public Recipe {
 public:
  std::vector<std::string> paths;
  unsigned dir_mode = 0777;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    for (const auto& p : paths) {
      log_line(ic, "mkdir -p " + p);
      SLAP_CHECK(fs::make_dirs(p, dir_mode));
    }
    return std::vector<std::string>{};
  }
  Result<std::vector<std::string>> update(const InstallContext& ic) override { return install(ic); }
};
}  // namespace

Result<std::unique_ptr<Recipe>> make_mkdirectory(profile::Resolver&, profile::Options& options, const Env&) {
  auto r = std::make_unique<MakeDirectories>();
  r->dir_mode = SLAP_TRY(mode(options, "mode")).value_or(0777);
  for (const auto& [k, v] : SLAP_TRY(options.values())) {
    if (k == "recipe" || k == "mode" || k.starts_with("<") || v.empty()) continue;
    r->paths.push_back(v);
  }
  std::sort(r->paths.begin(), r->paths.end());
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
