// Resolving a loaded profile: `<=` macros, `${section:option}` substitution and the order
// in which parts initialise (= install order). Mirrors zc.buildout's Buildout/Options
// objects closely, because SlapOS profiles depend on their lazy, memoised semantics: a
// section is registered before it initialises, so a reference back into a section that
// is still initialising reads that option on demand instead of failing.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "slap/error.hpp"
#include "slap/profile.hpp"

namespace slap::profile {

class Resolver;

// One (section, option) pair on the substitution stack, for cycle detection.
struct OptionRef {
  std::string section;
  std::string option;
  bool operator==(const OptionRef&) const = default;
};
using Seen = std::vector<OptionRef>;

// A section during resolution (zc.buildout's Options).
class Options {
 public:
  Options(Resolver& resolver, std::string name, const Section* raw);

  const std::string& name() const { return name_; }
  // The substituted value; nullopt when the section has no such option.
  Result<std::optional<std::string>> get(const std::string& option, Seen* seen = nullptr);
  // Like get(); a missing option is a MissingOption error.
  Result<std::string> at(const std::string& option);
  // A value set by a recipe (visible to later `${}` references).
  void set(const std::string& option, std::string value);
  // Removes an option (`del options[key]` in a recipe); false when there was none.
  bool erase(const std::string& option);
  bool has(const std::string& option) const;
  // True when the option was read, set, or substituted while the section initialised:
  // zc.buildout's "unused option" warning names the raw options for which it is false.
  bool accessed(const std::string& option) const;
  // Substitutes `${...}` in arbitrary text in the context of this section (template
  // recipes expand their template this way); `$$` is kept.
  Result<std::string> expand(const std::string& text);
  // Raw options (after macro expansion) followed by recipe-set ones.
  std::vector<std::string> keys() const;
  // Every option, substituted.
  Result<std::map<std::string, std::string>> values();
  // Where a raw option was written; nullptr for options set by recipes.
  const Key* raw_key(const std::string& option) const;
  // Gives `e` the file:line of `option` when it has none yet.
  Error located(Error e, const std::string& option) const;

 private:
  friend class Resolver;
  Status initialize();
  Result<Section> expand_macros(const std::string& name, const Section& data, std::vector<std::string>& doing);
  Status substitute_into_cooked(const std::string& option, const std::string& value);
  Result<std::string> substitute(const std::string& value, Seen& seen);
  Result<std::string> substitute_piece(std::string_view piece, Seen& seen);

  Resolver& resolver_;
  std::string name_;
  const Section* raw_;
  std::unique_ptr<Section> expanded_;  // owns raw_ when the section uses `<=`
  std::unordered_map<std::string, std::string> cooked_;
  std::unordered_map<std::string, std::string> data_;
  std::vector<std::string> set_order_;  // options added by set() that are not raw
  std::unordered_set<std::string> erased_;
};

// Called when a section with a recipe initialises: this is where a recipe reads its
// options and sets computed ones (`location`, `target`, ...), before the section joins the
// part list.
class RecipeHook {
 public:
  virtual ~RecipeHook() = default;
  virtual Status init(Resolver& resolver, Options& section) = 0;
};

// What `slap show` and the conformance oracle use: every recipe only defaults `location`
// to ${buildout:parts-directory}/NAME.
class LocationDefaultHook final : public RecipeHook {
 public:
  Status init(Resolver& resolver, Options& section) override;
};

class Resolver {
 public:
  Resolver(const Profile& profile, RecipeHook* hook);

  const Profile& profile() const { return profile_; }
  // buildout[name]: creates and initialises the section on first access.
  Result<Options*> section(const std::string& name);
  // The rest of zc.buildout's Buildout.__init__: resolves [buildout], makes its
  // directories absolute, checks its boolean and logging options, initialises the
  // versions section.
  Status init_buildout();
  // The error that interrupted a section's initialisation, if any.
  const Error* init_error(const std::string& name) const;
  // Sections with a recipe, in the order they finished initialising.
  const std::vector<std::string>& parts() const { return parts_; }
  // The parts `part` depends on: those it references, directly or through sections
  // without a recipe, and its `=>` dependencies. Sorted.
  std::vector<std::string> part_dependencies(const std::string& part) const;
  // Records that section `from` uses section `to` (a recipe reading buildout[to]): `to`
  // then counts among `from`'s dependencies.
  void add_reference(const std::string& from, const std::string& to);
  // zc.buildout's Buildout.parse(): adds the sections of `text` (profile syntax, dedented
  // first) as if a profile held them; redefining a section is an error.
  Status add_sections(std::string_view text);
  // Every section name: the profile's, then those add_sections() added.
  std::vector<std::string> section_names() const;

 private:
  friend class Options;
  const Section* raw_section(std::string_view name) const;
  const Profile& profile_;
  RecipeHook* hook_;
  std::unordered_map<std::string, std::unique_ptr<Options>> sections_;
  int initializing_ = 0;  // sections being initialised inside one another (through references)
  std::unordered_map<std::string, Error> init_errors_;
  std::unordered_map<std::string, std::set<std::string>> references_;  // section -> sections it used
  std::vector<std::string> parts_;
  std::vector<std::pair<std::string, std::unique_ptr<Section>>> added_;
};

// The three views of the conformance files (see ../shared/conformance/README.md).
struct SectionResult {
  std::map<std::string, std::string> options;
  std::optional<Error> error;
};

struct Report {
  std::map<std::string, SectionResult> resolved;
  std::vector<std::string> order;
  std::map<std::string, Error> part_errors;
};

// Resolves every section of the profile (errors are per section, as in the oracle).
// Fails only when [buildout] itself cannot be resolved.
Result<Report> resolve_all(const Profile& profile, RecipeHook& hook);

// True when the section, or a section it extends with `<=`, names a recipe.
bool has_recipe(const Profile& profile, const std::string& section);

// Formats an error the way the conformance files do: "ErrorClass: message".
std::string error_label(const Error& e);

}  // namespace slap::profile
