// slap release: lint, freeze, update-hash, then commit + tag, a reproducible archive, and
// pre-caching in Shacache, as asked. See slap-release(1).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "profile_args.hpp"
#include "release_view.hpp"
#include "slap/cache.hpp"
#include "slap/fetch.hpp"
#include "slap/paths.hpp"
#include "slap/release.hpp"

namespace slap::cli {

namespace {

struct ReleaseArgs {
  ProfileArgs profile;
  bool lint = false;
  bool update_hash = false;
  bool all = false;
  bool freeze = false;
  std::string tag;
  std::string archive;
  bool push = false;
};

// What `release` runs on: the profile (when a step needs one or -c names it), the files
// update-hash rewrites, and the release directory.
struct Inputs {
  std::optional<profile::Profile> profile;
  std::vector<std::string> hash_files;
  std::string directory;
};

Result<Inputs> gather_inputs(Env& env, ReleaseArgs& o, const release::ReleaseOptions& steps) {
  auto overrides = SLAP_TRY(take_overrides(o.profile.positional));
  if (!o.profile.positional.empty())
    return fail(ErrorKind::usage, fmt::format("unexpected argument '{}'", o.profile.positional.front()));
  Inputs in;
  in.directory = env.cwd;
  if (!o.profile.profile.empty() || steps.lint || steps.freeze || steps.push) {
    in.profile = SLAP_TRY(load_profile(env, o.profile, overrides));
    in.directory = path::dirname(in.profile->root());
  }
  if (o.all)
    in.hash_files = release::hash_files_under(env.cwd);
  else if (in.profile)
    in.hash_files = release::local_sources(*in.profile);
  else
    in.hash_files = release::hash_files_in(env.cwd);
  return in;
}

Result<Outcome> run_release(Env& env, ReleaseArgs& o) {
  release::ReleaseOptions options;
  bool only = o.lint || o.update_hash;  // naming steps runs only those (and --freeze)
  options.lint = only ? o.lint : true;
  options.update_hash = only ? o.update_hash : true;
  options.freeze = o.freeze;
  options.tag = o.tag;
  options.push = o.push;
  if (o.all && !options.update_hash) return fail(ErrorKind::usage, "--all applies to the update-hash step");
  auto in = SLAP_TRY(gather_inputs(env, o, options));
  options.directory = in.directory;
  options.profile = in.profile ? &*in.profile : nullptr;
  options.hash_files = in.hash_files;
  if (!o.archive.empty()) options.archive = path::abspath(o.archive, env.cwd);

  std::optional<fetch::Fetcher> fetcher;
  if (o.freeze || o.push) fetcher.emplace(SLAP_TRY(fetch::options_from_config(env.config)), env.ctx);
  options.fetcher = fetcher ? &*fetcher : nullptr;
  options.environment = environment_of(env);
  std::optional<cache::Client> client;
  if (o.push) {
    auto settings = SLAP_TRY(cache::settings_from_config(env.config));
    if (!settings.can_upload())
      return fail(ErrorKind::usage, "--push needs an upload cache: set cache.shacache-url and cache.shadir-url in "
                                    "slap.toml, or cache.slapos-cfg to a slapos.cfg with upload-cache-url and upload-dir-url");
    client.emplace(SLAP_TRY(cache::Client::open(std::move(settings), env.ctx)));
    options.cache = &*client;
  }

  auto report = release::run_release(options, env.ctx);
  Outcome out;
  out.result = release_json(report, in.directory);
  if (!env.term.json()) print_release(env.term, report);
  if (const Error* e = report.error()) out.error = *e;
  return out;
}

}  // namespace

void add_release_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ReleaseArgs>();
  auto* sub = app.add_subcommand("release", "lint, freeze, update template hashes, tag, archive and pre-cache a release");
  add_profile_option(*sub, o->profile);
  sub->add_flag("--lint", o->lint, "run the lint step (with --update-hash: only the steps named)");
  sub->add_flag("--update-hash", o->update_hash, "run the update-hash step (with --lint: only the steps named)");
  sub->add_flag("--all", o->all, "update-hash every .cfg below the current directory");
  sub->add_flag("--freeze", o->freeze, "also pin checksums and git revisions (see slap-freeze)");
  sub->add_option("--tag", o->tag, "commit the release's changes and tag HEAD")->type_name("VERSION");
  sub->add_option("--archive", o->archive, "write a reproducible .tar.gz of the release directory")->type_name("FILE");
  sub->add_flag("--push", o->push, "upload every pinned download and the archive to Shacache");
  sub->add_option("args", o->profile.positional, "[section:option=value...]");
  sub->callback([&action, o] { action = [o](Env& env) { return run_release(env, *o); }; });
}

}  // namespace slap::cli
