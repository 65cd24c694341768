// Native implementations of the recipes SlapOS profiles use, registered under their
// upstream names ("slapos.recipe.cmmi", "slapos.recipe.build:download", ...).
//
// A recipe is created while its section initialises (a Factory runs inside profile
// resolution, like a buildout recipe constructor): it reads its options, sets computed
// ones (`location`, `target`) that other sections may reference, and keeps everything it
// needs. install()/update() then run on a worker thread and must not touch the resolver.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slap/context.hpp"
#include "slap/error.hpp"
#include "slap/process.hpp"
#include "slap/resolver.hpp"

namespace slap::fetch {
class Fetcher;
}
namespace slap::python {
class Pool;
}

namespace slap::recipes {

// A buildout run inside the build (slapos.cookbook:switch-softwaretype): another profile
// built in the same directory with the same settings, its parts recorded in its own
// installed file (set through `overrides`, e.g. buildout:installed).
struct NestedBuild {
  std::string profile;
  std::vector<profile::OptionOverride> overrides;
};

struct InstallContext;

// What recipes get from the build engine.
struct Env {
  const Context* ctx = nullptr;
  fetch::Fetcher* fetcher = nullptr;       // verified, cached downloads
  std::string buildout_dir;
  std::vector<std::string> shared_dirs;    // where shared parts live (the last one is written)
  process::Environment environment;        // what commands start from
  unsigned jobs = 1;
  python::Pool* python = nullptr;          // the build's Python helpers (started on first use)
  std::function<Status(const NestedBuild&, const InstallContext&)> nested_build;
  // The options `part` was installed with according to the installed-state file `file`
  // (the build engine's record); nullopt when it is not installed, or unknown (null).
  std::function<std::optional<std::map<std::string, std::string>>(const std::string& file, const std::string& part)>
      installed_options;
};

// Where one install writes its command output.
struct InstallContext {
  std::string log_file;
  const CancelToken* cancel = nullptr;
};

class Recipe {
 public:
  virtual ~Recipe() = default;
  // Builds the part; returns the paths it created (removed when the part is uninstalled).
  virtual Result<std::vector<std::string>> install(const InstallContext& ic) = 0;
  // Called instead of install() when the part's options are unchanged. Default: nothing.
  virtual Result<std::vector<std::string>> update(const InstallContext& ic);
  // State the options do not show but that must trigger a reinstall when it changes
  // (e.g. the rendered text of a template). Default: none.
  virtual std::string signature() const { return {}; }
  // For a shared part (`shared = true`): its directory, which the build engine may fill
  // from the binary cache instead of calling install(). Default: not shared.
  virtual std::optional<std::string> shared_location() const { return std::nullopt; }
  // Called on the main thread once every section has initialised, before the options are
  // recorded: what other sections read from this one, and what their initialisation
  // changed elsewhere, is known then (zc.buildout reads [versions] and warns about unused
  // options after that point). Default: nothing.
  virtual Status initialised(profile::Resolver&, profile::Options&) { return {}; }
};

using Factory = Result<std::unique_ptr<Recipe>> (*)(profile::Resolver& resolver, profile::Options& options,
                                                    const Env& env);

// The factory for a recipe name ("DIST" means "DIST:default"); nullptr when unknown.
Factory find(std::string_view name);
// Every registered name, sorted.
std::vector<std::string> names();

// ---- Shared parts -----------------------------------------------------------------------

// Where a part builds, as upstream's `Shared` helper decides: with `shared = true` and
// shared directories, SHARED/NAME/DIGEST, DIGEST being the md5 of `signature` (the part's
// options as JSON, the profile's own location taken out); otherwise parts/NAME.
struct SharedPlace {
  std::string location;
  std::string signature;  // empty when the part is not shared
  bool shared() const { return !signature.empty(); }
};
Result<SharedPlace> shared_place(profile::Resolver& resolver, profile::Options& options, const Env& env);
// The shared-part directories: [buildout] shared-part-list when it names any (one per
// line), else `configured` (slap.toml's build.shared-parts).
Result<std::vector<std::string>> shared_dirs(profile::Resolver& resolver, const std::vector<std::string>& configured);
// Whether the recipe (as written in `recipe =`) builds shared parts when `shared = true`.
bool shares_parts(std::string_view recipe);
// A shared part directory is complete once its signature file exists.
bool shared_part_complete(const std::string& location);

}  // namespace slap::recipes
