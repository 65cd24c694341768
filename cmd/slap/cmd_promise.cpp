// slap promise [run|list|show] [PARTITION_DIR]: run a partition's promises, list them,
// or print their history.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app.hpp"
#include "promise_view.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::cli {

namespace {

struct PromiseArgs {
  std::vector<std::string> words;  // [run|list|show] [PARTITION_DIR]
  std::vector<std::string> only;
  bool force = false;
  bool anomaly = false;
};

struct PromiseCall {
  std::string action = "run";
  std::string partition;
};

Result<PromiseCall> parse_words(const Env& env, const PromiseArgs& a) {
  PromiseCall inv;
  std::vector<std::string> words = a.words;
  if (!words.empty() && (words[0] == "run" || words[0] == "list" || words[0] == "show")) {
    inv.action = words[0];
    words.erase(words.begin());
  }
  if (words.size() > 1)
    return fail(ErrorKind::usage, fmt::format("expected one PARTITION_DIR, got '{}'", str::join(words, " ")));
  inv.partition = path::normpath(path::abspath(words.empty() ? env.cwd : words[0], env.cwd));
  if (inv.action != "run" && (a.force || a.anomaly))
    return fail(ErrorKind::usage, fmt::format("--force and --anomaly apply to 'slap promise run', not '{}'", inv.action));
  return inv;
}

std::vector<std::string> assignments(const process::Environment& environment) {
  std::vector<std::string> out;
  for (const auto& [k, v] : environment) out.push_back(k + "=" + v);
  return out;
}

Result<Outcome> run_promises(Env& env, const PromiseArgs& a, const std::string& partition) {
  promise::RunOptions o;
  o.partition = partition;
  o.mode = a.anomaly ? promise::Mode::anomaly : promise::Mode::test;
  o.force = a.force;
  o.only = a.only;
  // Promises mostly wait on sockets and sleeps: more of them than cores run at once,
  // unless -j / core.jobs was given.
  const ConfigEntry* jobs = env.config.find("core.jobs");
  bool explicit_jobs = jobs && jobs->origin != "default";
  o.jobs = static_cast<unsigned>(std::max(1L, env.config.get_int(explicit_jobs ? "core.jobs" : "promise.jobs")));
  o.timeout = std::chrono::seconds(std::max(1L, env.config.get_int("promise.timeout")));
  o.bang_command = env.config.get("promise.bang-command");
  o.environment = assignments(environment_of(env));
  auto report = SLAP_TRY(promise::run(env.ctx, o));
  if (report.reports.empty())
    env.ctx.warn(fmt::format("no promises in {} (etc/promise/ and etc/plugin/ are empty or missing)", partition));
  Outcome out;
  out.result = run_json(report, partition, o.mode);
  if (!env.term.json()) print_run(env.term, report);
  if (std::size_t failed = report.failed(); failed > 0) {
    std::vector<std::string> names;
    for (const auto& r : report.reports)
      if (r.failed) names.push_back(r.promise.title);
    out.error = Error(ErrorKind::promise, fmt::format("{} of {} promises failed: {}", failed, report.reports.size(),
                                                      str::join(names, ", ")));
  }
  return out;
}

Result<Outcome> run_promise_command(Env& env, const PromiseArgs& a) {
  auto inv = SLAP_TRY(parse_words(env, a));
  if (inv.action == "run") return run_promises(env, a, inv.partition);
  auto promises = SLAP_TRY(promise::discover(inv.partition, a.only));
  Outcome out;
  if (inv.action == "list") {
    out.result = list_json(promises, inv.partition);
    if (!env.term.json()) print_list(env.term, promises, inv.partition);
  } else {
    out.result = history_json(promises, inv.partition);
    if (!env.term.json()) print_history(env.term, promises, inv.partition);
  }
  return out;
}

}  // namespace

void add_promise_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<PromiseArgs>();
  auto* sub = app.add_subcommand("promise", "run a partition's promises (health checks), list them, show their history");
  sub->add_option("args", args->words, "[run|list|show] [PARTITION_DIR] (default: run in the current directory)");
  sub->add_option("--only", args->only, "only this promise (title or file name; repeatable)")
      ->type_name("NAME")
      ->allow_extra_args(false);  // `--only a DIR`: DIR is no second name
  sub->add_flag("--force", args->force, "measure every promise now, whatever its periodicity");
  sub->add_flag("--anomaly", args->anomaly, "anomaly detection (periodic check) instead of the deployment test");
  sub->callback([&action, args] { action = [args](Env& env) { return run_promise_command(env, *args); }; });
}

}  // namespace slap::cli
