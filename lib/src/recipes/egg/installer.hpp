// zc.buildout's easy_install.Installer, natively: which distributions a list of
// requirements needs (breadth-first through their dependencies), honouring [versions]
// pins, develop eggs, prefer-final, newest and allow-picked-versions, with buildout's
// error texts. Getting and installing files is the Provider's job, so the resolution can
// be tested on its own.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "recipes/egg/distribution.hpp"
#include "recipes/egg/finder.hpp"
#include "recipes/egg/marker.hpp"
#include "recipes/egg/requirement.hpp"
#include "slap/context.hpp"

namespace slap::recipes::egg {

class Provider {
 public:
  virtual ~Provider() = default;
  // Files of the project `req.key` (every version; the installer filters) from the
  // find-links, and from the index too when `with_index`.
  virtual std::vector<Candidate> available(const Requirement& req, bool with_index) = 0;
  // Installs a file into `dest` as an egg; returns its distribution.
  virtual Result<Distribution> install(const Candidate& candidate, const std::string& dest) = 0;
  // Builds an egg from a source distribution into `dest` (zc.recipe.egg:custom).
  virtual Result<Distribution> build(const Candidate& candidate, const std::string& dest) = 0;
  virtual Result<Metadata> metadata(const Distribution& dist) = 0;
  // A note for "Couldn't find a distribution" errors (pages that could not be read).
  virtual std::string lookup_problems() { return {}; }
};

struct InstallerOptions {
  std::string dest;                           // where new eggs go
  std::vector<std::string> path;              // other directories whose eggs count
  std::map<std::string, std::string> versions;  // canonical name -> pin ("1.0", ">=2", "1.0:whl")
  bool install = true;                        // false: only what `dest` and `path` hold
  bool newest = true;
  bool prefer_final = true;
  bool allow_picked_versions = true;
  bool allow_unknown_extras = false;
  std::string python_version;                 // "3.11": eggs for other versions do not count
  std::string platform;                       // "linux-x86_64"
  std::vector<std::string> wheel_tags;        // wheels with none of them do not count
  // Projects whose eggs are built from patched sources (canonical name -> version suffix,
  // SlapOS' "+SlapOSPatched001"): a pin on VERSION+SUFFIX is met by the VERSION sdist.
  std::map<std::string, std::string> patched;
};

class Installer {
 public:
  Installer(InstallerOptions options, Provider& provider, MarkerEnvironment markers, const Context* ctx);

  // easy_install.install(specs): the working set, in the order buildout adds to it.
  Result<std::vector<Distribution>> install(const std::vector<std::string>& specs);
  // easy_install.build(spec): an existing egg satisfying spec, else one built from source.
  Result<std::vector<std::string>> build(const std::string& spec);

  // Versions picked for requirements without a pin: (project, version).
  const std::vector<std::pair<std::string, std::string>>& picked() const { return picked_; }

 private:
  Result<Requirement> constrain(Requirement req) const;
  std::vector<Distribution> existing(const Requirement& req) const;
  std::optional<Candidate> obtain(const Requirement& req, bool source_only);
  std::optional<Candidate> obtain_exact(const Requirement& req, bool source_only);
  Result<std::pair<std::optional<Distribution>, std::optional<Candidate>>> satisfied(const Requirement& req,
                                                                                      bool source_only);
  Result<Distribution> get_dist(const Requirement& req, std::vector<Distribution>& ws);
  Status maybe_add_setuptools(const Distribution& dist, std::vector<Distribution>& ws);
  Result<std::vector<Requirement>> requires_of(const Distribution& dist, const std::vector<std::string>& extras);
  Error version_conflict(const Distribution& have, const Requirement& req, const std::vector<Distribution>& ws);
  bool compatible(const Distribution& d) const;
  bool compatible(const Candidate& c) const;

  InstallerOptions options_;
  Provider& provider_;
  MarkerEnvironment markers_;
  const Context* ctx_;
  std::vector<Distribution> env_;  // what dest and path hold (rescanned after installs)
  std::vector<std::pair<std::string, std::string>> picked_;
};

// zc.recipe.egg's sort_working_set: develop eggs first, then eggs of `eggs_dir`, then the
// rest, each group in working-set order.
std::vector<Distribution> sort_working_set(const std::vector<Distribution>& ws, const std::string& eggs_dir,
                                           const std::string& develop_eggs_dir);

}  // namespace slap::recipes::egg
