// slap usage [collect|report|export|top]: what each partition of the node consumed
// (slap-usage(1)).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>

#include "node_view.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "usage_view.hpp"

namespace slap::cli {

namespace {

struct UsageArgs {
  std::string root;
  std::string partition;
  std::string since, until;
  bool csv = false;
  std::string format;
  std::string output;
  CLI::App* collect = nullptr;
  CLI::App* report = nullptr;
  CLI::App* exporter = nullptr;
  CLI::App* top = nullptr;
};

Result<node::Layout> node_layout(const Env& env, const std::string& root) {
  node::Layout layout{node_root(env, root)};
  if (!fs::exists(layout.database()))
    return fail(ErrorKind::usage, fmt::format("no node in {}: create it with `slap node format --partitions N`", layout.root));
  return layout;
}

Result<UsageReport> load_report(Env& env, const UsageArgs& a, const node::Layout& layout) {
  UsageReport r;
  r.ledger = usage::ledger_path(layout);
  std::int64_t now = usage::now_ms();
  if (!a.since.empty()) r.since_ms = SLAP_TRY(usage::parse_time(a.since, now));
  if (!a.until.empty()) r.until_ms = SLAP_TRY(usage::parse_time(a.until, now));
  if (r.since_ms && r.until_ms && *r.since_ms > *r.until_ms)
    return fail(ErrorKind::usage, fmt::format("--since {} is after --until {}", a.since, a.until));
  r.totals = SLAP_TRY(usage::report(r.ledger, {a.partition, r.since_ms, r.until_ms}));
  r.prices = usage_prices(env.config);
  return r;
}

Result<Outcome> run_collect(Env& env, const node::Layout& layout) {
  usage::CollectOptions o;
  o.ledger = usage::ledger_path(layout);
  o.targets = SLAP_TRY(usage::node_targets(layout, environment_of(env)));
  o.disk_period = env.config.get_int("usage.disk-period");
  auto c = SLAP_TRY(usage::collect(o));
  Outcome out;
  out.result = collection_json(c);
  if (!env.term.json() && env.term.verbosity() >= 0)
    for (const auto& s : c.samples)
      env.term.note(fmt::format("{}: {:.2f} CPU s, {}, {} processes{}", s.partition, s.cpu_ms / 1000.0,
                                human_bytes(static_cast<double>(s.rss)), s.processes,
                                s.disk ? ", disk " + human_bytes(static_cast<double>(*s.disk)) : ""));
  return out;
}

Result<Outcome> run_export(Env& env, const UsageArgs& a, const node::Layout& layout) {
  if (a.format != "slapos") return fail(ErrorKind::usage, fmt::format("unknown export format '{}' (known: slapos)", a.format));
  UsageArgs bounded = a;
  std::int64_t now = usage::now_ms();
  // A period with both ends: the document states them.
  if (bounded.until.empty()) bounded.until = fmt::format("@{}", now / 1000);
  UsageReport r = SLAP_TRY(load_report(env, bounded, layout));
  std::int64_t since = *r.until_ms;
  if (r.since_ms) since = *r.since_ms;
  else
    for (const auto& t : r.totals) since = std::min(since, t.first_ms);
  std::string document = usage::slapos_document(r.totals, "slap-local", since, *r.until_ms);
  Outcome out;
  out.result = {{"format", "slapos"}, {"since", usage::format_time(since)}, {"until", usage::format_time(*r.until_ms)},
                {"movements", r.totals.size() * 3}, {"path", a.output.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.output)}};
  if (!a.output.empty()) {
    SLAP_CHECK(fs::write_atomic(path::abspath(a.output, env.cwd), document));
  } else if (env.term.json()) {
    out.result["document"] = document;
  } else {
    env.term.out(document);
  }
  return out;
}

Result<Outcome> run_usage(Env& env, const UsageArgs& a) {
  node::Layout layout = SLAP_TRY(node_layout(env, a.root));
  if (a.collect->parsed()) return run_collect(env, layout);
  if (a.exporter->parsed()) return run_export(env, a, layout);
  if (a.top->parsed()) {
    UsageArgs last_hour = a;
    last_hour.since = a.since.empty() ? "1h" : a.since;
    UsageReport r = SLAP_TRY(load_report(env, last_hour, layout));
    if (!r.until_ms) r.until_ms = usage::now_ms();
    Outcome out;
    out.result = top_json(r);
    if (!env.term.json()) print_top(env.term, r, 20);
    return out;
  }
  if (a.csv && env.term.json()) return fail(ErrorKind::usage, "--csv and --json: choose one");
  UsageReport r = SLAP_TRY(load_report(env, a, layout));
  Outcome out;
  out.result = report_json(r);
  if (a.csv) env.term.out(report_csv(r));
  else if (!env.term.json()) print_report(env.term, r);
  return out;
}

}  // namespace

Status collect_node_usage(Env& env, const node::Layout& layout) {
  usage::CollectOptions o;
  o.ledger = usage::ledger_path(layout);
  o.targets = SLAP_TRY(usage::node_targets(layout, environment_of(env)));
  o.disk_period = env.config.get_int("usage.disk-period");
  SLAP_CHECK(usage::collect(o));
  return {};
}

void add_usage_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<UsageArgs>();
  auto* sub = app.add_subcommand("usage", "what each partition consumed: collect it into a ledger, report it, export it");
  sub->add_option("--root", a->root, "the node's directory (default: node.root)")->type_name("DIR");
  sub->require_subcommand(1, 1);
  a->collect = sub->add_subcommand("collect", "sample every partition once into the ledger (for cron)");
  a->report = sub->add_subcommand("report", "totals per partition and resource over a period, with costs");
  a->exporter = sub->add_subcommand("export", "the consumption document a SlapOS node sends its master");
  a->top = sub->add_subcommand("top", "partitions by CPU, then memory, over the last hour");
  for (auto* s : {a->report, a->exporter, a->top}) {
    s->add_option("--since", a->since, "from this time: 2026-12-03, 2026-12-03T04:00Z, @UNIX, or an age (1h, 2d)")
        ->type_name("T");
    if (s != a->top) s->add_option("--until", a->until, "up to this time (same forms)")->type_name("T");
  }
  a->report->add_option("--partition", a->partition, "only this partition (slappartN)")->type_name("P");
  a->report->add_flag("--csv", a->csv, "CSV: one line per partition, instance and resource");
  a->exporter->add_option("--format", a->format, "slapos (the only one)")->required();
  a->exporter->add_option("-o,--output", a->output, "write the document to FILE instead of stdout")->type_name("FILE");
  for (auto* s : {a->collect, a->report, a->exporter, a->top}) s->fallthrough();
  sub->callback([&action, a] { action = [a](Env& env) { return run_usage(env, *a); }; });
}

}  // namespace slap::cli
