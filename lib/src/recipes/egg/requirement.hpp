// Requirements on Python distributions (PEP 508: `name[extra]>=1.0; marker`) and the name
// spellings that matter: PEP 503's canonical name (how pins, index pages and metadata are
// matched) and pkg_resources' egg file names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "recipes/egg/version.hpp"
#include "slap/error.hpp"

namespace slap::recipes::egg {

// PEP 503: lower case, runs of `-_.` become one `-` ("Zope.Interface" -> "zope-interface").
std::string canonical_name(std::string_view name);
// pkg_resources.to_filename(safe_name(name)): how a project is spelled in an egg's name.
std::string egg_project_name(std::string_view name);
// pkg_resources.to_filename(safe_version(version)).
std::string egg_version_name(std::string_view version);

struct Requirement {
  std::string name;                 // as written
  std::string key;                  // canonical_name(name)
  std::vector<std::string> extras;  // canonical, in written order
  SpecifierSet specifier;
  std::string marker;               // the environment marker, "" when none

  static Result<Requirement> parse(std::string_view text);
  bool contains(const Version& v) const { return specifier.contains(v); }
  // As pkg_resources prints one: "name[a,b]<2,>=1; marker" (extras and clauses sorted).
  std::string str() const;
};

}  // namespace slap::recipes::egg
