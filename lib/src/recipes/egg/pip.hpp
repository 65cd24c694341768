// Installing eggs with pip: a wheel or sdist becomes eggs-directory/NAME-VERSION-pyX.Y
// [-PLATFORM].egg (`pip install --no-deps --no-index --no-build-isolation --target`); a
// source distribution is built with buildout's [build_ext] settings (:custom); a source
// tree is linked as a develop egg (`setup.py develop`, :develop).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "recipes/egg/installer.hpp"
#include "recipes/egg/python.hpp"
#include "slap/recipe.hpp"

namespace slap::recipes::egg {

// Options written into the [build_ext] section of setup.cfg ("include-dirs", "rpath"...).
using BuildExt = std::vector<std::pair<std::string, std::string>>;

// Sets `options` in `section` of an INI text (setuptools' edit_config), keeping the rest.
std::string edit_config(std::string_view text, const std::string& section, const BuildExt& options);

// A patch applied to a source tree before it is built (SlapOS' zc.recipe.egg:custom).
struct Patch {
  std::string url;
  std::optional<fetch::Checksum> checksum;
};
struct PatchSet {
  std::vector<Patch> patches;
  std::string options = "-p0";
  std::string binary = "patch";
  std::string version_suffix;  // of the eggs built from the patched source
};

struct PipSettings {
  PythonInfo python;
  process::Environment environment;          // pip and setup.py run in it
  BuildExt build_ext;                        // for :custom builds
  std::map<std::string, PatchSet> patches;  // canonical project name -> its patches
};

class PipProvider final : public Provider {
 public:
  PipProvider(Finder& finder, const Env& env, PipSettings settings, const InstallContext& ic);

  std::vector<Candidate> available(const Requirement& req, bool with_index) override;
  Result<Distribution> install(const Candidate& candidate, const std::string& dest) override;
  Result<Distribution> build(const Candidate& candidate, const std::string& dest) override;
  Result<Metadata> metadata(const Distribution& dist) override;
  std::string lookup_problems() override;

 private:
  Result<Distribution> pip_install(const Candidate& candidate, const std::string& source, const std::string& dest,
                                   const std::string& version_suffix);
  // Unpacks an sdist, writes [build_ext] (with_build_ext), applies the project's patches,
  // builds and installs it.
  Result<Distribution> from_source(const Candidate& candidate, const std::string& dest, bool with_build_ext);
  Status apply_patches(const PatchSet& set, const std::string& source_dir);

  Finder& finder_;
  const Env& env_;
  PipSettings settings_;
  const InstallContext& ic_;
  std::map<std::string, Metadata> metadata_;
};

// easy_install.develop(): `setup.py develop` of the tree at `setup` (a directory or its
// setup.py) into `dest`, with [build_ext] settings; returns the NAME.egg-link created.
Result<std::string> develop(const std::string& setup, const std::string& dest, const PipSettings& settings,
                            const InstallContext& ic);

}  // namespace slap::recipes::egg
