// Options that recipes set when they run (a download's `target`, a part's `location`) and
// that other sections reference. Release steps do not run recipes: this hook gives every
// such option a placeholder, so that the rest of the profile resolves, and values holding a
// placeholder are known to be produced by the build (not downloaded from outside).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "slap/resolver.hpp"

namespace slap::release {

class RecipeOutputsHook final : public profile::RecipeHook {
 public:
  // Collects every ${section:option} reference of the profile.
  explicit RecipeOutputsHook(const profile::Profile& profile);
  Status init(profile::Resolver& resolver, profile::Options& section) override;

  // "[section] option" of every placeholder given so far.
  const std::vector<std::string>& placeholders() const { return given_; }

 private:
  profile::LocationDefaultHook location_;
  std::map<std::string, std::set<std::string>, std::less<>> referenced_;
  std::vector<std::string> given_;
};

// True when `value` names something a part of the build produces: it holds a placeholder
// of RecipeOutputsHook, or it is a path (or file:// URL) below `parts_directory`.
bool produced_by_build(std::string_view value, std::string_view parts_directory);

}  // namespace slap::release
