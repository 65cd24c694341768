// `-c PROFILE` and trailing `section:option=value` arguments, shared by every command that
// reads a profile.
#pragma once

#include <string>
#include <vector>

#include "app.hpp"
#include "slap/build.hpp"
#include "slap/profile.hpp"

namespace slap::cli {

struct ProfileArgs {
  std::string profile;                 // -c; empty = buildout.cfg or software.cfg
  std::vector<std::string> positional; // assignments (with '=') and other words
};

void add_profile_option(CLI::App& sub, ProfileArgs& args);

// Splits positional words into overrides (`x:y=z`) and the rest.
Result<std::vector<profile::OptionOverride>> take_overrides(std::vector<std::string>& words);

// The default profile: buildout.cfg, or software.cfg when only that one is present.
std::string default_profile(const std::string& cwd);

// Build settings every command that builds shares: downloads, shared parts, environment,
// [buildout] executable, jobs, and the binary cache when one is configured (unless
// `binary_cache` is false).
Result<build::Options> base_build_options(const Env& env, bool binary_cache = true);

Result<profile::Profile> load_profile(const Env& env, const ProfileArgs& args,
                                      const std::vector<profile::OptionOverride>& overrides);

}  // namespace slap::cli
