// slap build: install the parts of a profile (see slap-build(1)).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "profile_args.hpp"
#include "slap/build.hpp"
#include "slap/cache.hpp"
#include "slap/recipe.hpp"
#include "slap/strings.hpp"

namespace slap::cli {

namespace {

struct BuildArgs {
  ProfileArgs profile;
  bool dry_run = false;
  bool not_newest = false;
  bool list_recipes = false;
  bool offline = false;
  bool upload = false;
  bool no_binary_cache = false;
};

nlohmann::json report_json(const build::Report& r) {
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& p : r.parts)
    parts.push_back({{"name", p.name}, {"recipe", p.recipe}, {"action", build::action_name(p.action)},
                     {"done", p.done}, {"from_cache", p.from_cache}, {"seconds", p.seconds}, {"log", p.log_file}});
  return {{"directory", r.directory}, {"changed", r.changed}, {"parts", parts}};
}

void print_plan(Terminal& t, const build::Report& r) {
  for (const auto& p : r.parts)
    t.out(fmt::format("{:<10} {} ({})\n", build::action_name(p.action), p.name, p.recipe));
}

void print_summary(Terminal& t, const build::Report& r, double seconds) {
  int installed = 0, updated = 0, removed = 0;
  for (const auto& p : r.parts) {
    if (!p.done) continue;
    if (p.action == build::Action::update) ++updated;
    else if (p.action == build::Action::uninstall) ++removed;
    else ++installed;
  }
  std::string what = r.changed ? fmt::format("{} installed, {} up to date, {} uninstalled", installed, updated, removed)
                               : fmt::format("nothing to do: {} parts up to date", updated);
  t.note(t.style(Style::good, "slap build: ") + fmt::format("{} ({:.2f} s)", what, seconds));
}

Result<Outcome> run_build(Env& env, BuildArgs& a) {
  Outcome out;
  if (a.list_recipes) {
    out.result = recipes::names();
    if (!env.term.json())
      for (const auto& n : recipes::names()) env.term.out(n + "\n");
    return out;
  }
  auto start = std::chrono::steady_clock::now();
  build::Options o = SLAP_TRY(base_build_options(env, !a.no_binary_cache));
  o.overrides = SLAP_TRY(take_overrides(a.profile.positional));
  o.only_parts = std::move(a.profile.positional);  // the rest: parts to build (buildout's `install PART...`)
  o.profile = a.profile.profile.empty() ? default_profile(env.cwd) : a.profile.profile;
  o.fetch.offline = o.fetch.offline || a.offline;
  if (o.fetch.offline) o.overrides.push_back({"buildout", "offline", "true"});
  if (a.not_newest) o.overrides.push_back({"buildout", "newest", "false"});
  o.dry_run = a.dry_run;
  o.upload = a.upload;
  if (a.upload && (!o.binary_cache || !o.binary_cache->can_upload()))
    return fail(ErrorKind::usage, "--upload needs a binary cache: set cache.shacache-url and cache.shadir-url");
  build::Report partial;
  auto report = build::build(o, env.ctx, &partial);
  if (!report) {
    out.result = report_json(partial);
    out.error = std::move(report.error());
    return out;
  }
  out.result = report_json(*report);
  if (!env.term.json()) {
    if (a.dry_run) print_plan(env.term, *report);
    else print_summary(env.term, *report, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return out;
}

}  // namespace

void add_build_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<BuildArgs>();
  auto* sub = app.add_subcommand("build", "install the parts of a profile, in parallel and incrementally");
  add_profile_option(*sub, a->profile);
  sub->add_flag("-n,--dry-run", a->dry_run, "print what would be installed, updated or uninstalled");
  sub->add_flag("-N", a->not_newest, "do not look for newer versions (buildout's newest = false)");
  sub->add_flag("-o", a->offline, "offline: only the download cache (same as the global --offline)");
  sub->add_flag("--list-recipes", a->list_recipes, "print the recipes slap implements natively");
  sub->add_flag("--upload", a->upload, "push the shared parts built to the binary cache");
  sub->add_flag("--no-binary-cache", a->no_binary_cache, "build shared parts even when the binary cache has them");
  sub->add_option("args", a->profile.positional, "PART... to build (and what they need) instead of [buildout] parts; section:option=value overrides");
  sub->callback([&action, a] { action = [a](Env& env) { return run_build(env, *a); }; });
}

}  // namespace slap::cli
