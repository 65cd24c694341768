// Installed Python distributions as pkg_resources sees them in buildout's directories:
// `NAME-VERSION-pyX.Y[-PLATFORM].egg` directories (metadata in EGG-INFO/ or, for eggs
// slap installed with pip, NAME-VERSION.dist-info/) and develop eggs (`NAME.egg-link`
// files pointing at a source tree holding NAME.egg-info/).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "recipes/egg/marker.hpp"
#include "recipes/egg/requirement.hpp"
#include "recipes/egg/version.hpp"
#include "slap/error.hpp"

namespace slap::recipes::egg {

struct Distribution {
  std::string project;       // the project name (metadata Name, else from the file name)
  std::string key;           // canonical_name(project)
  Version version;
  std::string location;      // the sys.path entry
  std::string metadata_dir;  // the dist-info / EGG-INFO / NAME.egg-info directory ("" if none)
  std::string py_version;    // "3.11" from the egg name, "" when not given
  std::string platform;      // "linux-x86_64" from the egg name, "" when pure
  bool develop = false;      // found through an .egg-link

  // "name 1.0" as pkg_resources prints a distribution.
  std::string str() const { return project + " " + version.text(); }
};

struct EntryPoint {
  std::string name, module, attrs;
};

struct Metadata {
  // Requirements with the condition under which each applies: the extra it belongs to
  // ("" = always) and its marker ("" = none).
  struct Dependency {
    Requirement requirement;
    std::string extra;
    std::string marker;
  };
  std::vector<Dependency> dependencies;
  std::vector<std::string> extras;               // canonical names of the declared extras
  std::vector<EntryPoint> console_scripts;       // in file order
  std::vector<std::string> namespace_packages;   // namespace_packages.txt
  // EGG-INFO/scripts/NAME (the "distutils scripts" of an egg): name, content.
  std::vector<std::pair<std::string, std::string>> distutils_scripts;
  bool purelib = true;                           // WHEEL's Root-Is-Purelib
};

// Every distribution in `dir` (an eggs or develop-eggs directory), sorted by location.
// Entries that do not parse are skipped: pkg_resources ignores them too.
std::vector<Distribution> scan_directory(const std::string& dir);
// The distribution of one egg directory or develop link.
Result<Distribution> read_distribution(const std::string& path);
// The distribution of a directory holding exactly one *.dist-info (what `pip install
// --target` produces).
Result<Distribution> read_target_directory(const std::string& dir);

Result<Metadata> read_metadata(const Distribution& dist);

// dist.requires(extras): the requirements that apply without extras, then those each
// extra adds, markers evaluated in `env`.
Result<std::vector<Requirement>> requirements_for(const Metadata& metadata, const std::vector<std::string>& extras,
                                                  const MarkerEnvironment& env);

// The `[console_scripts]` section of an entry_points.txt text.
std::vector<EntryPoint> parse_console_scripts(std::string_view text);

}  // namespace slap::recipes::egg
