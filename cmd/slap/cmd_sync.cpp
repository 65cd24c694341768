// slap sync pull|push PEER_URL: keep a local cache directory and a peer cache in step, from
// cron: silent when all went well (unless -v), a summary on stderr when something failed.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app.hpp"
#include "slap/cache.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"
#include "slap/sync.hpp"

namespace slap::cli {

namespace {

struct SyncOptions {
  std::string direction;
  std::string peer;
  std::string root;
  std::string only_keys;
  std::string limit_rate;
};

Result<sync::Options> sync_options(Env& env, const SyncOptions& o) {
  if (!str::starts_with(o.peer, "http://") && !str::starts_with(o.peer, "https://"))
    return fail(ErrorKind::usage, fmt::format("PEER_URL: expected the http:// or https:// URL of a `slap cache-serve`, "
                                              "not '{}'", o.peer));
  if (env.config.get_bool("core.offline")) return fail(ErrorKind::usage, "slap sync needs the network, and offline mode is on");
  sync::Options s;
  s.direction = o.direction == "push" ? sync::Direction::push : sync::Direction::pull;
  s.peer_url = o.peer;
  s.root = path::abspath(o.root.empty() ? env.config.get("serve.root") : o.root, env.cwd);
  s.only_keys = o.only_keys;
  if (!o.limit_rate.empty()) {
    auto rate = sync::parse_rate(o.limit_rate);
    if (!rate) return fail(ErrorKind::usage, "--limit-rate: " + rate.error().message);
    s.limit_rate = *rate;
  }
  s.jobs = static_cast<unsigned>(std::max(1L, env.config.get_int("core.jobs")));
  auto settings = SLAP_TRY(cache::settings_from_config(env.config));
  s.upload_token = settings.upload_token;
  s.trusted_certificates = settings.trusted_certificates;
  s.max_blob = settings.max_download;
  return s;
}

nlohmann::json tally_json(const sync::Tally& t) {
  return {{"blobs", t.blobs}, {"bytes", t.bytes}, {"entries", t.entries}};
}

nlohmann::json report_json(const sync::Report& r, const sync::Options& s) {
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& f : r.failures) failures.push_back({{"what", f.what}, {"name", f.name}, {"message", f.message}});
  return {{"direction", s.direction == sync::Direction::pull ? "pull" : "push"},
          {"peer", r.peer},
          {"root", s.root},
          {"sent", tally_json(r.sent)},
          {"received", tally_json(r.received)},
          {"skipped", tally_json(r.skipped)},
          {"entries_held_back", r.entries_held_back},
          {"failures", std::move(failures)},
          {"requests", {{"negotiation", r.negotiation_requests}, {"transfer", r.transfer_requests}}},
          {"seconds", r.seconds}};
}

std::string size_text(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < (1 << 20)) return fmt::format("{:.1f} KiB", bytes / 1024.0);
  if (bytes < (1 << 30)) return fmt::format("{:.1f} MiB", bytes / 1048576.0);
  return fmt::format("{:.2f} GiB", bytes / 1073741824.0);
}

void print_summary(Terminal& t, const sync::Report& r, const sync::Options& s) {
  bool pull = s.direction == sync::Direction::pull;
  const sync::Tally& moved = pull ? r.received : r.sent;
  const char* verb = pull ? "received" : "sent";
  std::size_t failed_blobs = 0;
  for (const auto& f : r.failures) failed_blobs += f.what == "blob";
  t.note(fmt::format("sync {} {} {} {} ({:.2f} s)", pull ? "pull from" : "push to", r.peer, pull ? "into" : "from",
                     s.root, r.seconds));
  t.note(fmt::format("  blobs:    {} {} ({}), {} already there ({}), {} failed", moved.blobs, verb,
                     size_text(moved.bytes), r.skipped.blobs, size_text(r.skipped.bytes), failed_blobs));
  t.note(fmt::format("  entries:  {} {}, {} already there, {} held back, {} failed or refused", moved.entries, verb,
                     r.skipped.entries, r.entries_held_back, r.failures.size() - failed_blobs));
  t.note(fmt::format("  requests: {} to negotiate, {} to transfer", r.negotiation_requests, r.transfer_requests));
}

Result<Outcome> run_sync(Env& env, const SyncOptions& o) {
  auto options = SLAP_TRY(sync_options(env, o));
  auto report = SLAP_TRY(sync::run(options, env.ctx));
  if (!env.term.json() && (env.term.verbosity() > 0 || !report.ok())) print_summary(env.term, report, options);
  Outcome out;
  out.result = report_json(report, options);
  if (!report.ok())
    out.error = Error(ErrorKind::network, fmt::format("{} blob(s) or entries could not be synced; the others were",
                                                      report.failures.size()));
  return out;
}

}  // namespace

void add_sync_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<SyncOptions>();
  auto* sub = app.add_subcommand("sync", "copy what a peer cache lacks to it (push) or from it (pull)");
  sub->add_option("DIRECTION", o->direction, "pull or push")->required()->check(CLI::IsMember({"pull", "push"}));
  sub->add_option("PEER_URL", o->peer, "the peer's URL, as `slap cache-serve` prints it")->required();
  sub->add_option("--root", o->root, "the local store (default: serve.root)")->type_name("DIR");
  sub->add_option("--only-keys", o->only_keys, "only Shadir keys matching PATTERN, and their blobs")->type_name("PATTERN");
  sub->add_option("--limit-rate", o->limit_rate, "bytes per second for all transfers (k, M, G suffixes)")->type_name("R");
  sub->callback([&action, o] { action = [o](Env& env) { return run_sync(env, *o); }; });
}

}  // namespace slap::cli
