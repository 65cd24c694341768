// slap build: resolve a profile, then install its parts in dependency order, in parallel
// where independent, incrementally (installed state in .installed.cfg, zc.buildout's format
// and rules), and crash-safely (the state is rewritten atomically after every part).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slap/cache.hpp"
#include "slap/context.hpp"
#include "slap/error.hpp"
#include "slap/fetch.hpp"
#include "slap/process.hpp"
#include "slap/profile.hpp"
#include "slap/resolver.hpp"

namespace slap::build {

struct Options {
  std::string profile;                          // path or URL
  std::string cwd;
  std::vector<profile::OptionOverride> overrides;
  std::string home;
  std::string executable;                       // [buildout] executable default; Python code's interpreter
  std::string python_dir;                       // slap's Python helper module (slap/python.hpp)
  fetch::Options fetch;
  std::vector<std::string> shared_dirs;         // used when [buildout] shared-part-list is empty
  process::Environment environment;             // commands start from it
  unsigned jobs = 1;
  bool dry_run = false;
  // Only these parts and the parts they need (buildout's `install PART...`); the other
  // installed parts are kept as they are. Empty: [buildout] parts.
  std::vector<std::string> only_parts;
  // Binary cache: a shared part is looked up in Shadir before it is built and, with
  // `upload`, pushed once built. Unset: no binary cache.
  std::optional<cache::Settings> binary_cache;
  bool upload = false;
};

enum class Action {
  install,    // not installed before
  reinstall,  // installed, but its options (or a dependency) changed
  update,     // unchanged: the recipe's update() runs (usually nothing)
  uninstall,  // installed before, no longer part of the profile
};

std::string_view action_name(Action a);

struct PartReport {
  std::string name;
  std::string recipe;
  Action action = Action::install;
  double seconds = 0;
  std::string log_file;
  bool done = false;  // false in a dry run, or when the build stopped before it
  bool from_cache = false;  // a shared part taken from the binary cache
  std::string shared_location;  // for shared parts: SHARED/NAME/DIGEST
};

struct Report {
  std::string directory;               // ${buildout:directory}
  std::vector<PartReport> parts;       // uninstalls first, then in install order
  bool changed = false;                // anything installed, reinstalled or uninstalled
};

// Builds; on failure the error carries the part and command in its message and context,
// and `partial` (when not null) receives what was done before the failure.
Result<Report> build(const Options& options, const Context& ctx, Report* partial = nullptr);

// The recipe hook of `slap show`: a recipe's `location` defaults to parts/NAME as with
// buildout's stand-in recipe, except for a shared part (`shared = true` with shared
// directories: [buildout] shared-part-list, else `options.shared_dirs`): its recipe sets its
// options as in the build (location, @@LOCATION@@, prefix...).
std::unique_ptr<profile::RecipeHook> show_hook(const Options& options);

// Uploads the built shared parts of the profile to the binary cache (options.binary_cache)
// and publishes their entries (`slap cache-push --parts`). Returns the parts pushed.
Result<std::vector<std::string>> push_shared_parts(const Options& options, const Context& ctx);

}  // namespace slap::build
