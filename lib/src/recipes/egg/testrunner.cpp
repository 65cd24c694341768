// zc.recipe.testrunner (2.0.0, what SlapOS pins), option by option: a zope.testrunner
// script for `eggs`, built on zc.recipe.egg as upstream builds on its Egg recipe: the
// working set of the eggs plus zope.testrunner, `--test-path` for each egg listed (not
// for its dependencies), `defaults` put before them, the script changing to
// `working-directory` (else the part's own directory, created) and exporting the
// variables of the `environment` section before the `initialization` code runs.
#include <fmt/format.h>

#include <algorithm>

#include "recipes/common.hpp"
#include "recipes/egg/recipes.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {

using namespace egg;

// How a path appears in the script: join(base, 'REST') under the buildout directory with
// relative-paths, else its repr().
std::string script_literal(const std::string& p, const std::string& relative_paths) {
  if (relative_paths.empty()) return str::string_repr(p);
  std::string base = relative_paths + "/";
  if (p.starts_with(base)) return "join(base, " + str::string_repr(p.substr(base.size())) + ")";
  return str::string_repr(p);
}

class TestRunner final : public Eggs {
 public:
  ScriptOptions script;
  std::vector<std::string> extra_paths;
  std::string script_file;            // bin-directory/`script`
  std::string working_directory;      // "" : the part's location
  std::string location;
  std::string defaults;
  std::vector<std::pair<std::string, std::string>> variables;  // of the `environment` section
  std::string initialization;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    std::vector<std::string> created;
    auto ws = SLAP_TRY(working_set(ic, {"zope.testrunner"}));
    std::vector<std::string> test_paths;
    for (const auto& spec : eggs) {
      Requirement req = SLAP_TRY(Requirement::parse(spec));
      auto dist = std::find_if(ws.begin(), ws.end(), [&](const Distribution& d) { return d.key == req.key; });
      if (dist == ws.end()) return fail(ErrorKind::internal, fmt::format("distribution not found for {}", req.name));
      test_paths.push_back(dist->location);
    }
    std::string wd = working_directory;
    if (wd.empty()) {
      wd = location;
      if (!fs::is_dir(wd)) SLAP_CHECK(fs::make_dirs(wd));
      created.push_back(wd);
    }
    wd = path::abspath(wd, settings.buildout_dir);

    ScriptOptions o = script;
    o.initialization = fmt::format("import os\nsys.argv[0] = os.path.abspath(sys.argv[0])\nos.chdir({})\n",
                                   script_literal(wd, o.relative_paths));
    for (const auto& [k, v] : variables) o.initialization += fmt::format("os.environ['{}'] = {}\n", k, str::string_repr(v));
    o.initialization += initialization;
    o.arguments = defaults.empty() ? "" : "(" + defaults + ") + ";
    o.arguments += "[\n";
    for (const auto& p : test_paths)
      o.arguments += fmt::format("        '--test-path', {},\n", script_literal(p, o.relative_paths));
    o.arguments += "        ]";

    ScriptSources sources;
    sources.entry_points.push_back({script_file, "zope.testrunner", "run"});
    std::vector<std::string> locations;
    for (const auto& d : ws) locations.push_back(d.location);
    std::vector<std::string> warnings, changed;
    auto rendered = render_scripts(script_path(locations, extra_paths), sources, o, warnings);
    auto written = SLAP_TRY(write_scripts(rendered, changed));
    for (const auto& p : changed)
      if (env.ctx) env.ctx->info(fmt::format("Generated script {}.", str::string_repr(p)));
    created.insert(created.end(), written.begin(), written.end());
    return created;
  }
  Result<std::vector<std::string>> update(const InstallContext& ic) override { return install(ic); }
};

}  // namespace

Result<std::unique_ptr<Recipe>> make_testrunner(profile::Resolver& resolver, profile::Options& options,
                                                 const Env& env) {
  auto r = std::make_unique<TestRunner>();
  auto* b = SLAP_TRY(resolver.section("buildout"));
  std::string script = SLAP_TRY(options.get("script")).value_or(options.name());
  r->script_file = path::join(SLAP_TRY(b->at("bin-directory")), script);
  options.set("script", r->script_file);
  r->working_directory = SLAP_TRY(optional(options, "working-directory"));
  if (r->working_directory.empty()) {
    r->location = path::join(SLAP_TRY(b->at("parts-directory")), options.name());
    options.set("location", r->location);
  }
  SLAP_CHECK(init_eggs(resolver, options, env, *r));
  SLAP_CHECK(init_script_paths(resolver, options, *r, r->script, r->extra_paths));
  r->script.python = r->settings.executable;

  // Upstream reads these when it installs; install() must not touch the profile.
  r->defaults = std::string(str::strip(SLAP_TRY(optional(options, "defaults"))));
  std::string section(str::strip(SLAP_TRY(optional(options, "environment"))));
  if (!section.empty()) {
    auto found = resolver.section(section);
    if (!found) return fail(options.located(std::move(found.error()), "environment"));
    for (const auto& key : (*found)->keys()) r->variables.emplace_back(key, SLAP_TRY((*found)->at(key)));
  }
  r->initialization = std::string(str::strip(SLAP_TRY(optional(options, "initialization"))));
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
