// What every recipe of the zc.recipe.egg family reads when its section initialises (the
// `__init__` of upstream's Eggs and Custom, and SlapOS' additions: `python`, `environment`,
// `setup-eggs`), and the machinery one install works with.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "recipes/egg/installer.hpp"
#include "recipes/egg/pip.hpp"
#include "slap/recipe.hpp"

namespace slap::recipes::egg {

struct EggSettings {
  std::string part;
  std::string buildout_dir, eggs_dir, develop_eggs_dir;
  std::vector<std::string> find_links;
  std::string index;
  bool index_given = false;  // by the section or [buildout] (else PyPI's, as setuptools)
  std::vector<std::string> allow_hosts;
  std::string executable;  // the interpreter the eggs are for
  std::string versions_section;
  std::map<std::string, std::string> versions;  // canonical name -> pin
  bool newest = true, prefer_final = true, allow_picked_versions = true, allow_unknown_extras = false;
  process::Environment environment;  // the build environment plus the `environment` option
  std::vector<std::string> setup_eggs;
};

// The non-blank lines of an option, stripped.
std::vector<std::string> option_lines(std::string_view text);

// Reads the options every egg recipe shares (from the section, else from [buildout]).
Result<EggSettings> read_settings(profile::Resolver& resolver, profile::Options& options, const Env& env);
// Sets `find-links` (one per line) and `index` in the section, as Eggs and Custom do.
void set_links_options(profile::Options& options, const EggSettings& settings);
// (Re)reads the [versions] section named by [buildout] versions.
Status read_versions(profile::Resolver& resolver, EggSettings& settings);
// zc.buildout's warning for options nothing read: a typo, or an option slap does not know.
void warn_unused(profile::Options& options, const Context* ctx);
// SlapOS' patches: for every `EGG-patches` option (and, given `egg`, the plain `patches`
// option for it, as :custom has), the patch files with EGG-patch-options (else
// patch-options, else -p0), EGG-patch-binary (else patch-binary, else patch) and the
// version suffix of the eggs built from them: "+SlapOSPatched" and EGG-patch-revision
// (default: how many patches) on three digits. Keys are canonical project names.
Result<std::map<std::string, PatchSet>> read_patches(profile::Options& options, const std::string& egg = {});
// "true"/"false" (exactly, as zc.recipe.egg's get_bool); absent or empty: `fallback`.
Result<bool> strict_bool(profile::Options& options, const std::string& name, bool fallback);

// One install: the interpreter's description, the finder, pip and the resolver, with the
// `setup-eggs` installed first and put on PYTHONPATH for the builds.
class Workspace {
 public:
  struct Build {
    BuildExt build_ext;
    std::map<std::string, PatchSet> patches;  // canonical project name -> its patches
  };
  static Result<std::unique_ptr<Workspace>> open(const EggSettings& settings, const Env& env, const InstallContext& ic,
                                                 Build build = {});
  // An installer adding eggs to `dest`, also seeing the eggs of `path`.
  Installer installer(const std::string& dest, const std::vector<std::string>& path);
  PipProvider& provider() { return *provider_; }
  // The build environment, with the setup eggs on PYTHONPATH.
  const process::Environment& environment() const { return settings_.environment; }
  const PythonInfo& python() const { return settings_.python; }

 private:
  Workspace(const EggSettings& egg, const Env& env) : egg_(egg), env_(env) {}

  const EggSettings& egg_;
  const Env& env_;
  PipSettings settings_;
  std::unique_ptr<Finder> finder_;
  std::unique_ptr<PipProvider> provider_;
};

}  // namespace slap::recipes::egg
