// slapos.recipe.build:gitclone: a git checkout at a branch or a pinned revision.
#include <fmt/format.h>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"

namespace slap::recipes {

namespace {
class GitClone final : public Recipe {
 public:
  Env env;
  std::string git, repository, branch, revision, location;
  bool develop = false, submodules = true;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    SLAP_CHECK(fs::remove_all(location));
    std::vector<std::string> clone{git, "clone", "--quiet"};
    if (submodules) clone.push_back("--recursive");
    if (!branch.empty() && revision.empty()) clone.insert(clone.end(), {"--branch", branch});
    clone.insert(clone.end(), {repository, location});
    auto cloned = run_logged(clone, env.buildout_dir, env.environment, ic);
    if (!cloned) {
      (void)fs::remove_all(location);
      return fail(std::move(cloned.error()));
    }
    if (!revision.empty()) SLAP_CHECK(run_logged({git, "reset", "--hard", "--quiet", revision}, location, env.environment, ic));
    return std::vector<std::string>{location};
  }

  Result<std::vector<std::string>> update(const InstallContext& ic) override {
    if (develop || revision.empty()) return std::vector<std::string>{};
    auto have = run_logged({git, "cat-file", "-e", revision + "^{commit}"}, location, env.environment, ic);
    if (!have) SLAP_CHECK(run_logged({git, "fetch", "--quiet", "origin"}, location, env.environment, ic));
    SLAP_CHECK(run_logged({git, "reset", "--hard", "--quiet", revision}, location, env.environment, ic));
    return std::vector<std::string>{};
  }
};
}  // namespace

Result<std::unique_ptr<Recipe>> make_gitclone(profile::Resolver& resolver, profile::Options& options, const Env& env) {
  auto r = std::make_unique<GitClone>();
  r->env = env;
  r->repository = SLAP_TRY(options.at("repository"));
  r->revision = SLAP_TRY(optional(options, "revision"));
  r->branch = SLAP_TRY(optional(options, "branch"));
  if (r->branch.empty()) r->branch = "master";
  r->git = SLAP_TRY(optional(options, "git-executable"));
  if (r->git.empty()) r->git = "git";
  r->develop = SLAP_TRY(flag(options, "develop", false));
  r->submodules = !SLAP_TRY(flag(options, "ignore-cloning-submodules", false));
  r->location = SLAP_TRY(part_location(resolver, options));
  options.set("location", r->location);
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
