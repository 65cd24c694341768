// slap freeze: pin every download's checksum and every git clone's revision, in the file
// and at the line where each option is defined; --check only lists what is not pinned.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "profile_args.hpp"
#include "release_view.hpp"
#include "slap/fetch.hpp"
#include "slap/release.hpp"

namespace slap::cli {

namespace {

struct FreezeArgs {
  ProfileArgs profile;
  bool check = false;
};

Result<Outcome> run_freeze(Env& env, FreezeArgs& o) {
  auto overrides = SLAP_TRY(take_overrides(o.profile.positional));
  if (!o.profile.positional.empty())
    return fail(ErrorKind::usage, fmt::format("unexpected argument '{}'", o.profile.positional.front()));
  auto loaded = SLAP_TRY(load_profile(env, o.profile, overrides));
  std::optional<fetch::Fetcher> fetcher;
  if (!o.check) fetcher.emplace(SLAP_TRY(fetch::options_from_config(env.config)), env.ctx);
  release::FreezeOptions options;
  options.check = o.check;
  options.fetcher = fetcher ? &*fetcher : nullptr;
  options.environment = environment_of(env);
  auto report = SLAP_TRY(release::freeze(loaded, options, env.ctx));

  std::size_t left = o.check ? report.items.size() : report.unfixable();
  Outcome out;
  out.result = {{"profile", loaded.root()}, {"check", o.check}, {"items", freeze_items_json(report.items)},
                {"changed_files", report.changed_files}, {"unfrozen", left}};
  if (!env.term.json()) {
    print_freeze_items(env.term, report.items, o.check);
    if (report.items.empty()) env.term.out_line("freeze: everything is pinned");
    for (const auto& f : report.changed_files) env.term.note("freeze: rewrote " + f);
  }
  if (left && o.check)
    out.error = Error(ErrorKind::drift, fmt::format("{} unfrozen item{}; 'slap freeze' pins {} of them", left,
                                                    left == 1 ? "" : "s", left - report.unfixable()));
  else if (left)
    out.error = Error(ErrorKind::drift, fmt::format("{} item{} cannot be frozen automatically", left, left == 1 ? "" : "s"));
  return out;
}

}  // namespace

void add_freeze_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<FreezeArgs>();
  auto* sub = app.add_subcommand("freeze", "pin every download checksum and git revision of a profile");
  add_profile_option(*sub, o->profile);
  sub->add_flag("--check", o->check, "change nothing; list unfrozen items and exit 4 when there are any");
  sub->add_option("args", o->profile.positional, "[section:option=value...]");
  sub->callback([&action, o] { action = [o](Env& env) { return run_freeze(env, *o); }; });
}

}  // namespace slap::cli
