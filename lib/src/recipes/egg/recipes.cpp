// zc.recipe.egg (= :default, :scripts, :script), :eggs, :custom and :develop, option by
// option as upstream (with SlapOS' additions: `python`, `environment`, `setup-eggs`,
// patches of :custom). Eggs go to eggs-directory through pip; scripts are written as
// zc.buildout writes them.
#include <fmt/format.h>

#include <regex>

#include "recipes/common.hpp"
#include "recipes/egg/recipes.hpp"
#include "recipes/factories.hpp"
#include "slap/checksum.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace egg {

Status EggRecipe::initialised(profile::Resolver& resolver, profile::Options& options) {
  SLAP_CHECK(read_versions(resolver, settings));
  warn_unused(options, env.ctx);
  checksum::Hasher h(checksum::Algorithm::md5);
  for (const auto& [k, v] : settings.versions) h.update(k + "=" + v + "\n");
  pins_digest_ = h.hex();
  return {};
}

Result<std::vector<Distribution>> Eggs::working_set(const InstallContext& ic, const std::vector<std::string>& extra) {
  auto ws = SLAP_TRY(Workspace::open(settings, env, ic, {{}, patches}));
  auto specs = eggs;
  specs.insert(specs.end(), extra.begin(), extra.end());
  auto dists = SLAP_TRY(ws->installer(settings.eggs_dir, {settings.develop_eggs_dir}).install(specs));
  return sort_working_set(dists, settings.eggs_dir, settings.develop_eggs_dir);
}

Result<std::vector<std::string>> Eggs::install(const InstallContext& ic) {
  SLAP_TRY(working_set(ic));
  return std::vector<std::string>{};
}

Status init_eggs(profile::Resolver& resolver, profile::Options& options, const Env& env, Eggs& r) {
  r.env = env;
  r.settings = SLAP_TRY(read_settings(resolver, options, env));
  set_links_options(options, r.settings);
  options.set("eggs-directory", r.settings.eggs_dir);
  options.set("_e", r.settings.eggs_dir);
  options.set("develop-eggs-directory", r.settings.develop_eggs_dir);
  options.set("_d", r.settings.develop_eggs_dir);
  options.set("executable", r.settings.executable);
  auto eggs = SLAP_TRY(options.get("eggs"));
  r.eggs = option_lines(eggs.value_or(options.name()));
  for (const auto& spec : r.eggs)
    if (auto req = Requirement::parse(spec); !req) return fail(option_error(options, "eggs", req.error().message));
  r.patches = SLAP_TRY(read_patches(options));
  return {};
}

Status init_script_paths(profile::Resolver& resolver, profile::Options& options, const Eggs& r, ScriptOptions& script,
                         std::vector<std::string>& extra_paths) {
  auto* b = SLAP_TRY(resolver.section("buildout"));
  script.dest = SLAP_TRY(b->at("bin-directory"));
  options.set("bin-directory", script.dest);
  options.set("_b", script.dest);
  for (const auto& p : option_lines(SLAP_TRY(optional(options, "extra-paths"))))
    extra_paths.push_back(path::join(r.settings.buildout_dir, p));
  if (!extra_paths.empty()) options.set("extra-paths", str::join(extra_paths, "\n"));
  auto relative = SLAP_TRY(options.get("relative-paths"));
  if (!relative) relative = SLAP_TRY(b->get("relative-paths"));
  std::string rel = relative.value_or("false");
  if (rel == "true") {
    options.set("buildout-directory", r.settings.buildout_dir);
    script.relative_paths = r.settings.buildout_dir;
  } else if (rel != "false") {
    return fail(option_error(options, "relative-paths", fmt::format("'{}' is neither true nor false", rel)));
  }
  return {};
}

}  // namespace egg

namespace {

using namespace egg;

class Scripts final : public Eggs {
 public:
  ScriptOptions script;
  std::optional<std::string> scripts_option;
  std::vector<EntryPoint> entry_points;
  std::vector<std::string> extra_paths;
  bool dependent_scripts = false;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    auto ws = SLAP_TRY(working_set(ic));
    if (scripts_option && str::strip(*scripts_option).empty()) return std::vector<std::string>{};
    ScriptSources sources;
    std::vector<std::string> reqs = eggs;
    if (dependent_scripts)
      for (const auto& d : ws)
        if (d.key != "setuptools" && std::find(reqs.begin(), reqs.end(), d.project) == reqs.end()) reqs.push_back(d.project);
    auto python = SLAP_TRY(python_info(settings.executable, settings.environment));
    MarkerEnvironment markers = python.markers;
    markers["extra"] = "";
    for (const auto& spec : reqs) {
      Requirement req = SLAP_TRY(Requirement::parse(spec));
      if (!req.marker.empty() && !SLAP_TRY(evaluate_marker(req.marker, markers))) continue;
      auto dist = std::find_if(ws.begin(), ws.end(), [&](const Distribution& d) { return d.key == req.key; });
      if (dist == ws.end()) return fail(ErrorKind::internal, fmt::format("distribution not found for {}", req.name));
      Metadata meta = SLAP_TRY(read_metadata(*dist));
      sources.entry_points.insert(sources.entry_points.end(), meta.console_scripts.begin(), meta.console_scripts.end());
      sources.distutils_scripts.insert(sources.distutils_scripts.end(), meta.distutils_scripts.begin(),
                                       meta.distutils_scripts.end());
    }
    sources.entry_points.insert(sources.entry_points.end(), entry_points.begin(), entry_points.end());
    std::vector<std::string> locations;
    for (const auto& d : ws) locations.push_back(d.location);
    std::vector<std::string> warnings;
    auto rendered = render_scripts(script_path(locations, extra_paths), sources, script, warnings);
    for (const auto& w : warnings)
      if (env.ctx) env.ctx->warn(w);
    std::vector<std::string> changed;
    auto written = SLAP_TRY(write_scripts(rendered, changed));
    std::string interpreter = script.interpreter.empty() ? "" : path::join(script.dest, script.interpreter);
    for (const auto& p : changed)
      if (env.ctx) env.ctx->info(fmt::format("Generated {} {}.", p == interpreter ? "interpreter" : "script", str::string_repr(p)));
    return written;
  }
};

Result<EntryPoint> parse_entry_point(profile::Options& options, const std::string& text) {
  static const std::regex re(R"(^([^=]+)=(\w+(?:[.]\w+)*):(\w+(?:[.]\w+)*)$)");
  std::smatch m;
  if (!std::regex_match(text, m, re))
    return fail(option_error(options, "entry-points", fmt::format("Cannot parse the entry point {}. Invalid entry point", text)));
  return EntryPoint{m[1].str(), m[2].str(), m[3].str()};
}

}  // namespace

Result<std::unique_ptr<Recipe>> make_egg_eggs(profile::Resolver& resolver, profile::Options& options, const Env& env) {
  auto r = std::make_unique<Eggs>();
  SLAP_CHECK(init_eggs(resolver, options, env, *r));
  return std::unique_ptr<Recipe>(std::move(r));
}

Result<std::unique_ptr<Recipe>> make_egg_scripts(profile::Resolver& resolver, profile::Options& options, const Env& env) {
  auto r = std::make_unique<Scripts>();
  SLAP_CHECK(init_eggs(resolver, options, env, *r));
  SLAP_CHECK(init_script_paths(resolver, options, *r, r->script, r->extra_paths));
  r->scripts_option = SLAP_TRY(options.get("scripts"));
  if (r->scripts_option && !str::strip(*r->scripts_option).empty()) {
    r->script.scripts.emplace();
    for (const auto& word : str::split_ws(*r->scripts_option)) {
      auto eq = word.find('=');
      std::string from = eq == std::string::npos ? word : word.substr(0, eq);
      std::string to = eq == std::string::npos ? word : word.substr(eq + 1);
      auto& list = *r->script.scripts;
      auto it = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.first == from; });
      if (it != list.end()) it->second = to;
      else list.emplace_back(from, to);
    }
  }
  for (const auto& word : str::split_ws(SLAP_TRY(optional(options, "entry-points"))))
    r->entry_points.push_back(SLAP_TRY(parse_entry_point(options, word)));
  r->dependent_scripts = SLAP_TRY(strict_bool(options, "dependent-scripts", false));
  r->script.python = r->settings.executable;
  r->script.interpreter = SLAP_TRY(optional(options, "interpreter"));
  r->script.initialization = SLAP_TRY(optional(options, "initialization"));
  r->script.arguments = SLAP_TRY(optional(options, "arguments"));
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
