// What rubygemsrecipe (0.4.4) decides without running Ruby: the gems of the `gems`
// option, where rubygems comes from, the environment its commands and wrappers get, and
// the deployment-mode check of `gem dependency` constraints against the pinned versions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slap/error.hpp"

namespace slap::recipes::gems {

// zc.buildout's UserError: a configuration the recipe refuses (ErrorKind::input).
std::unexpected<Error> user_error(std::string message);

// One word of `gems`: NAME or NAME==VERSION (split at the first "==", both sides stripped).
struct Gem {
  std::string name;
  std::optional<std::string> version;
};
Gem parse_gem(std::string_view word);

// Where rubygems is downloaded from, and its version.
struct Rubygems {
  std::string url;
  std::string version;
};
// rubygems.org's archive for VERSION: https://rubygems.org/rubygems/rubygems-VERSION.zip.
Rubygems rubygems_for_version(const std::string& version);
// The version a `url` names (...-X.Y.Z.zip at its end); nullopt when it names none.
std::optional<Rubygems> rubygems_for_url(const std::string& url);
// The first rubygems.org archive linked from the text of rubygems.org/pages/download.
std::optional<Rubygems> rubygems_from_download_page(std::string_view html);
// The major number of a rubygems version ("3.4.21" -> 3); nullopt when it has none.
std::optional<int> major_version(std::string_view version);

// The search pattern `gem dependency` gets for a gem: ^NAME$ (dots escaped), between
// slashes for rubygems older than 3.
std::string dependency_pattern(const std::string& name, int rubygems_major);

struct Constraint {
  std::string symbol;  // "<", "~>", ">=" or "!="
  std::string version;
};
struct Dependency {
  std::string name;
  std::vector<Constraint> constraints;  // one or two
};
// The dependencies found in the output of `gem dependency -rv VERSION PATTERN`: the lines
// "  NAME (OP VERSION[, OP VERSION])" whose operators are <, ~>, >= or != and whose
// versions are numeric (others, development ones included, are not checked upstream
// either).
std::vector<Dependency> parse_dependencies(std::string_view output);

// Whether `pinned` (the version `gems` gives dependency `dep`) satisfies the constraint
// `gem` puts on it; the error is upstream's "Configuration error, version ... does not
// satisfy dependency constraint ... of gem ...". "~> X.Y" means ">= X.Y" and "< X+1".
Status check_constraint(const Constraint& constraint, const std::string& dep, const std::string& pinned,
                        const std::string& gem);

// The variables rubygems' setup.rb, `gem` and the wrappers run with, in this order:
// GEM_HOME, RUBYLIB and PATH for `prefix` (after the RUBYLIB and PATH of the build),
// then the `environment` option's KEY = VALUE lines, whose values may use %(GEM_HOME)s,
// %(RUBYLIB)s and %(PATH)s (those three, computed, only).
using Variables = std::vector<std::pair<std::string, std::string>>;
Result<Variables> environment(const std::string& prefix, const std::string& path, const std::string& rubylib,
                              std::string_view overrides);

// The sh wrapper written into bin-directory for an executable of the part's bin/.
std::string wrapper(const Variables& variables, const std::string& executable);

}  // namespace slap::recipes::gems
