// slap node [format|software|instance|status|supply|supervisorctl]: deploy the requested instance
// trees on this machine (slap-node(1)). Without a subcommand: software then instance, in a
// loop, or once with --once (for cron: quiet when all went well).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <thread>

#include "node_view.hpp"
#include "profile_args.hpp"
#include "usage_view.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"

namespace slap::cli {

namespace {

struct NodeArgs {
  std::string root;
  bool once = false;
  bool force = false;
  std::vector<std::string> only;
  unsigned partitions = 0;
  std::vector<std::string> ctl_args;
  std::string supply_url;
  std::string supply_state = "available";
  CLI::App* format = nullptr;
  CLI::App* software = nullptr;
  CLI::App* instance = nullptr;
  CLI::App* status = nullptr;
  CLI::App* ctl = nullptr;
  CLI::App* supply = nullptr;
};

// Only warnings and errors: what `--once` shows of a run that went well.
class QuietLog final : public LogSink {
 public:
  explicit QuietLog(LogSink* next) : next_(next) {}
  void log(LogLevel level, std::string_view message) override {
    if (level == LogLevel::warning || level == LogLevel::error) next_->log(level, message);
  }

 private:
  LogSink* next_;
};

Result<node::Options> node_options(Env& env, const NodeArgs& a) {
  node::Options o;
  o.layout.root = node_root(env, a.root);
  if (!fs::exists(o.layout.database()))
    return fail(ErrorKind::usage, fmt::format("no node in {}: create it with `slap node format --partitions N`", o.layout.root));
  o.build = SLAP_TRY(base_build_options(env));
  o.environment = environment_of(env);
  o.ipv4 = {env.config.get("node.ipv4")};
  o.ipv6 = {env.config.get("node.ipv6")};
  o.maximum_periodicity = env.config.get_int("node.maximum-periodicity");
  o.promise_timeout = std::chrono::seconds(std::max(1L, env.config.get_int("promise.timeout")));
  o.promise_wait = std::chrono::seconds(env.config.get_int("node.promise-wait"));
  o.promise_jobs = static_cast<unsigned>(std::max(1L, env.config.get_int("promise.jobs")));
  o.force = a.force;
  o.only = a.only;
  return o;
}

Result<Outcome> run_format(Env& env, const NodeArgs& a) {
  if (a.partitions == 0) return fail(ErrorKind::usage, "slap node format: --partitions N (at least 1) is required");
  node::Layout layout{node_root(env, a.root)};
  auto added = SLAP_TRY(node::format(layout, a.partitions));
  auto state = SLAP_TRY(node::State::open(layout));
  auto partitions = SLAP_TRY(state.partitions());
  Outcome out;
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& p : partitions) ids.push_back(p.id);
  out.result = {{"root", layout.root}, {"partitions", ids}, {"added", added}};
  if (!env.term.json())
    env.term.note(fmt::format("node {}: {} partitions ({} added)", layout.root, partitions.size(), added.size()));
  return out;
}

// One software run then one instance run; `quiet`: only failures are shown.
Result<Outcome> run_once(Env& env, const node::Options& o, bool software, bool instance, bool quiet) {
  QuietLog quiet_log(env.ctx.log);
  Context ctx = env.ctx;
  if (quiet && env.term.verbosity() < 1) ctx.log = &quiet_log;
  Outcome out;
  out.result = nlohmann::json::object();
  std::vector<node::SoftwareOutcome> sw;
  if (software) {
    sw = SLAP_TRY(node::converge_software(o, ctx));
    out.result["software"] = software_json(sw);
    if (!env.term.json()) print_software(env.term, sw, quiet);
  }
  std::optional<node::InstanceReport> inst;
  if (instance) {
    inst = SLAP_TRY(node::converge_instances(o, ctx));
    out.result["instance"] = instance_report_json(*inst);
    if (!env.term.json()) print_instances(env.term, *inst, quiet);
    // What the partitions consumed since the last pass: a failure to record it is no
    // reason to fail the deployment.
    if (Status u = collect_node_usage(env, o.layout); !u) ctx.warn("usage not recorded: " + u.error().describe());
  }
  out.error = run_error(sw, inst ? &*inst : nullptr);
  return out;
}

Result<Outcome> run_loop(Env& env, const node::Options& o) {
  auto period = std::chrono::seconds(std::max(1L, env.config.get_int("node.period")));
  for (;;) {
    auto run = run_once(env, o, true, true, false);
    if (!run) {
      if (run.error().kind == ErrorKind::interrupted) return run;
      env.ctx.warn(run.error().describe());
    } else if (run->error) {
      env.ctx.warn(run->error->describe());
    }
    auto wake = std::chrono::steady_clock::now() + period;
    while (std::chrono::steady_clock::now() < wake) {
      if (env.ctx.cancelled()) return fail(ErrorKind::interrupted, "interrupted");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

Result<Outcome> run_status(Env& env, const NodeArgs& a) {
  NodeStatus s;
  s.root = node_root(env, a.root);
  node::Layout layout{s.root};
  if (!fs::exists(layout.database()))
    return fail(ErrorKind::usage, fmt::format("no node in {}: create it with `slap node format --partitions N`", s.root));
  auto state = SLAP_TRY(node::State::open(layout));
  s.software = SLAP_TRY(state.software());
  s.partitions = SLAP_TRY(state.partitions());
  for (const auto& i : SLAP_TRY(state.instances()))
    if (i.shared) s.shared.push_back(i);
  supervisor::Supervisor sup(node::supervisor_settings(layout, environment_of(env)));
  s.supervisord = sup.running();
  if (s.supervisord) s.processes = SLAP_TRY(sup.processes());
  Outcome out;
  out.result = status_json(s);
  if (!env.term.json()) print_status(env.term, s);
  return out;
}

Result<Outcome> run_supply(Env& env, const NodeArgs& a) {
  node::Layout layout{node_root(env, a.root)};
  if (!fs::exists(layout.database()))
    return fail(ErrorKind::usage, fmt::format("no node in {}: create it with `slap node format --partitions N`", layout.root));
  std::string url = path::is_url(a.supply_url) ? a.supply_url : path::normpath(path::abspath(a.supply_url, env.cwd));
  auto state = SLAP_TRY(node::State::open(layout));
  SLAP_CHECK(state.supply(url, a.supply_state));
  Outcome out;
  out.result = {{"url", url}, {"state", a.supply_state}, {"path", layout.software_dir(url)}};
  if (!env.term.json())
    env.term.note(fmt::format("{}: {} (the next `slap node software` {} it)", url, a.supply_state,
                              a.supply_state == "destroyed" ? "removes" : "builds"));
  return out;
}

// supervisorctl with the node's configuration, its output passed on.
Result<Outcome> run_supervisorctl(Env& env, const NodeArgs& a) {
  node::Layout layout{node_root(env, a.root)};
  supervisor::Supervisor sup(node::supervisor_settings(layout, environment_of(env)));
  process::Spec spec{.argv = {"supervisorctl", "-c", sup.config_file()}, .env = environment_of(env)};
  spec.argv.insert(spec.argv.end(), a.ctl_args.begin(), a.ctl_args.end());
  spec.cancel = env.ctx.cancel;
  auto done = SLAP_TRY(process::run(spec));
  Outcome out;
  out.result = {{"status", done.status}, {"output", done.out}};
  if (!env.term.json()) env.term.out(done.out);
  if (!done.err.empty()) env.term.note(done.err);
  if (!done.ok())
    out.error = Error(ErrorKind::io, fmt::format("supervisorctl {}", done.describe()));
  return out;
}

Result<Outcome> run_node(Env& env, const NodeArgs& a) {
  if (a.format->parsed()) return run_format(env, a);
  if (a.status->parsed()) return run_status(env, a);
  if (a.ctl->parsed()) return run_supervisorctl(env, a);
  if (a.supply->parsed()) return run_supply(env, a);
  bool sub = a.software->parsed() || a.instance->parsed();
  if (a.once && sub) return fail(ErrorKind::usage, "--once goes with `slap node` alone (software and instance are one run each)");
  node::Options o = SLAP_TRY(node_options(env, a));
  if (sub) return run_once(env, o, a.software->parsed(), a.instance->parsed(), false);
  if (a.once) return run_once(env, o, true, true, true);
  return run_loop(env, o);
}

}  // namespace

void add_node_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<NodeArgs>();
  auto* sub = app.add_subcommand("node", "deploy the requested instances on this machine, and keep them running");
  sub->add_option("--root", a->root, "the node's directory (default: node.root)")->type_name("DIR");
  sub->add_flag("--once", a->once, "one run of software then instance, quiet when all went well (for cron)");
  sub->add_flag("--force", a->force, "rebuild every release, process every partition, even unchanged");
  sub->add_option("--only", a->only, "only this partition (slappartN) or release URL (repeatable)")
      ->type_name("X")
      ->allow_extra_args(false);
  sub->require_subcommand(0, 1);
  a->format = sub->add_subcommand("format", "create the node's directories, state and N partitions");
  a->format->add_option("--partitions", a->partitions, "how many partitions (slappart0..N-1)")->required();
  a->software = sub->add_subcommand("software", "build the requested software releases, remove destroyed ones");
  a->instance = sub->add_subcommand("instance", "deploy, update or destroy each partition's instance");
  a->status = sub->add_subcommand("status", "partitions, instances, services and promise results");
  a->ctl = sub->add_subcommand("supervisorctl", "run supervisorctl on the node's supervisord");
  a->ctl->add_option("ARGS", a->ctl_args, "supervisorctl's command and arguments (e.g. status, shutdown)");
  a->supply = sub->add_subcommand("supply", "ask for a software release to be built (or removed) on this node");
  a->supply->add_option("SOFTWARE_URL", a->supply_url, "a software.cfg path or an http(s) URL")->required();
  a->supply->add_option("--state", a->supply_state, "available (default) or destroyed")
      ->check(CLI::IsMember({"available", "destroyed"}));
  for (auto* s : {a->format, a->software, a->instance, a->status, a->ctl, a->supply}) s->fallthrough();
  sub->callback([&action, a] { action = [a](Env& env) { return run_node(env, *a); }; });
}

}  // namespace slap::cli
