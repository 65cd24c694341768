// What the recipes of the family share with recipes built on zc.recipe.egg (as upstream's
// zc.recipe.testrunner builds on zc.recipe.egg.Egg): the Eggs part and its working set,
// and what the Scripts constructor reads.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "recipes/egg/scripts.hpp"
#include "recipes/egg/settings.hpp"
#include "slap/recipe.hpp"

namespace slap::recipes::egg {

// Common to every recipe of the family: re-read [versions] once all sections have
// initialised (inline init code may add pins), warn about unused options, and make the
// pins part of the part's signature (a new pin reinstalls the part).
class EggRecipe : public Recipe {
 public:
  Env env;
  EggSettings settings;

  Status initialised(profile::Resolver& resolver, profile::Options& options) override;
  std::string signature() const override { return pins_digest_; }

 private:
  std::string pins_digest_;
};

// zc.recipe.egg:eggs: the eggs and their dependencies, installed; nothing recorded (eggs
// are shared by every part).
class Eggs : public EggRecipe {
 public:
  std::vector<std::string> eggs;  // requirement specs, one per line of `eggs`
  std::map<std::string, PatchSet> patches;

  // The eggs and `extra` installed, with their dependencies, in zc.recipe.egg's order.
  Result<std::vector<Distribution>> working_set(const InstallContext& ic, const std::vector<std::string>& extra = {});
  Result<std::vector<std::string>> install(const InstallContext& ic) override;
};

// The Eggs constructor: settings, and the computed options upstream sets.
Status init_eggs(profile::Resolver& resolver, profile::Options& options, const Env& env, Eggs& r);

// What the Scripts constructor adds: bin-directory (and `_b`), `extra-paths` made
// absolute, `relative-paths` (from the section, else [buildout]). Fills script.dest and
// script.relative_paths.
Status init_script_paths(profile::Resolver& resolver, profile::Options& options, const Eggs& r, ScriptOptions& script,
                         std::vector<std::string>& extra_paths);

}  // namespace slap::recipes::egg
