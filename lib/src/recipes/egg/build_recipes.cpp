// zc.recipe.egg:custom (an egg built from its source distribution with [build_ext]
// settings, into develop-eggs-directory) and zc.recipe.egg:develop (a source tree linked
// as a develop egg), with SlapOS' `environment`, `setup-eggs` and patches.
#include <fmt/format.h>

#include <regex>

#include "recipes/common.hpp"
#include "recipes/egg/settings.hpp"
#include "recipes/factories.hpp"
#include "slap/checksum.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {

using namespace egg;

// zc.recipe.egg's build_ext(): directories made absolute (rpath's $ORIGIN-like entries
// kept), joined with ':' and written back into the section; other settings passed as is.
Result<BuildExt> build_ext(profile::Options& options, const std::string& directory) {
  BuildExt out;
  for (const char* name : {"include-dirs", "library-dirs"}) {
    auto value = SLAP_TRY(options.get(name));
    if (!value) continue;
    std::vector<std::string> dirs;
    for (const auto& d : option_lines(*value)) dirs.push_back(path::join(directory, d));
    out.emplace_back(name, str::join(dirs, ":"));
    options.set(name, out.back().second);
  }
  if (auto rpath = SLAP_TRY(options.get("rpath"))) {
    std::vector<std::string> dirs;
    for (const auto& d : option_lines(*rpath)) {
      bool special = false;
      for (const char* s : {"$ORIGIN", "$LIB", "$PLATFORM", "${ORIGIN}", "${LIB}", "${PLATFORM}"})
        special = special || d.starts_with(s);
      dirs.push_back(special ? d : path::join(directory, d));
    }
    out.emplace_back("rpath", str::join(dirs, ":"));
    options.set("rpath", out.back().second);
  }
  if (auto swig = SLAP_TRY(options.get("swig")); swig && !swig->empty()) {
    out.emplace_back("swig", path::join(directory, *swig));
    options.set("swig", out.back().second);
  }
  for (const char* name : {"define", "undef", "libraries", "link-objects", "debug", "force", "compiler", "swig-cpp",
                           "swig-opts"})
    if (auto value = SLAP_TRY(options.get(name))) out.emplace_back(name, *value);
  return out;
}

// `_environment-data`: repr() of the sorted environment items, so that a change of the
// environment section changes the part's options.
Result<std::string> environment_data(profile::Resolver& resolver, profile::Options& options) {
  std::string text(str::strip(SLAP_TRY(optional(options, "environment"))));
  std::vector<std::pair<std::string, std::string>> items;
  if (!text.empty() && text.find('=') == std::string::npos && text.find('\n') == std::string::npos) {
    auto* section = SLAP_TRY(resolver.section(text));
    for (const auto& [k, v] : SLAP_TRY(section->values())) items.emplace_back(k, v);
  } else {
    for (const auto& line : option_lines(text)) {
      auto eq = line.find('=');
      if (eq != std::string::npos)
        items.emplace_back(std::string(str::strip(line.substr(0, eq))), std::string(str::strip(line.substr(eq + 1))));
    }
  }
  std::sort(items.begin(), items.end());
  std::vector<std::string> reprs;
  for (const auto& [k, v] : items) reprs.push_back("(" + str::string_repr(k) + ", " + str::string_repr(v) + ")");
  return "[" + str::join(reprs, ", ") + "]";
}

class BuildRecipe : public Recipe {
 public:
  Env env;
  EggSettings settings;
  Workspace::Build build;

  Status initialised(profile::Resolver& resolver, profile::Options& options) override {
    SLAP_CHECK(read_versions(resolver, settings));
    warn_unused(options, env.ctx);
    return {};
  }
};

class Custom final : public BuildRecipe {
 public:
  std::string distribution;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    auto ws = SLAP_TRY(Workspace::open(settings, env, ic, build));
    return ws->installer(settings.develop_eggs_dir, {settings.eggs_dir}).build(distribution);
  }
};

class Develop final : public BuildRecipe {
 public:
  std::string setup;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    auto ws = SLAP_TRY(Workspace::open(settings, env, ic, build));
    PipSettings pip{ws->python(), ws->environment(), build.build_ext, {}};
    return std::vector<std::string>{SLAP_TRY(develop(setup, settings.develop_eggs_dir, pip, ic))};
  }
};

}  // namespace

Result<std::unique_ptr<Recipe>> make_egg_custom(profile::Resolver& resolver, profile::Options& options, const Env& env) {
  auto r = std::make_unique<Custom>();
  r->env = env;
  r->settings = SLAP_TRY(read_settings(resolver, options, env));
  options.set("_d", r->settings.develop_eggs_dir);
  r->build.build_ext = SLAP_TRY(build_ext(options, r->settings.buildout_dir));
  set_links_options(options, r->settings);
  options.set("_environment-data", SLAP_TRY(environment_data(resolver, options)));
  options.set("_e", r->settings.eggs_dir);
  auto egg = SLAP_TRY(options.get("egg"));
  if (!egg) {
    egg = SLAP_TRY(options.get("eggs"));
    if (egg && env.ctx) env.ctx->warn(fmt::format("[{}] The eggs option is deprecated. Use egg instead", options.name()));
  }
  r->distribution = std::string(str::strip(egg.value_or(options.name())));
  if (auto req = Requirement::parse(r->distribution); !req)
    return fail(option_error(options, egg ? "egg" : "eggs", req.error().message));
  // As upstream's _get_patch_dict: the egg's name is the requirement up to its first < > =.
  r->build.patches = SLAP_TRY(read_patches(options, std::regex_replace(r->distribution, std::regex("[<>=].*"), "")));
  return std::unique_ptr<Recipe>(std::move(r));
}

Result<std::unique_ptr<Recipe>> make_egg_develop(profile::Resolver& resolver, profile::Options& options, const Env& env) {
  auto r = std::make_unique<Develop>();
  r->env = env;
  r->settings = SLAP_TRY(read_settings(resolver, options, env));
  options.set("_d", r->settings.develop_eggs_dir);
  r->build.build_ext = SLAP_TRY(build_ext(options, r->settings.buildout_dir));
  r->setup = path::join(r->settings.buildout_dir, SLAP_TRY(options.at("setup")));
  options.set("setup", r->setup);
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
