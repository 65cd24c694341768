// slap promise run: every promise in parallel (RunOptions::jobs workers), each measured
// when due, its verdict stored; then at most one bang.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <thread>

#include "promise/bang.hpp"
#include "promise/checks.hpp"
#include "promise/store.hpp"
#include "promise/text.hpp"
#include "promise/write_queue.hpp"
#include "slap/lock.hpp"
#include "slap/strings.hpp"

namespace slap::promise {

namespace {

struct Run {
  const Context& ctx;
  const RunOptions& options;
  Store store;
  std::string run_id;  // tags this run's log lines, as GenericPromise's transaction id
};

std::optional<Clock::time_point> modified(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return std::nullopt;
  return Clock::time_point(std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec));
}

// The module and policy of a promise, or why it cannot run.
struct Plan {
  const CheckModule* module = nullptr;
  Policy policy;
  std::string problem;
};

Plan plan_for(const Promise& p) {
  Plan plan;
  plan.problem = p.problem;
  plan.module = p.kind == Kind::legacy ? &legacy_module() : find_module(p.module);
  if (plan.problem.empty() && !plan.module)
    plan.problem = fmt::format("unknown promise module {} (not implemented natively by slap)", p.module);
  if (!plan.problem.empty()) {
    plan.policy = Policy{0, {1, 1}, {1, 1}};  // fail at once, every run
    return plan;
  }
  auto policy = apply_config(plan.module->defaults, p.config);
  if (!policy) plan.problem = fmt::format("invalid configuration in {}: {}", p.path, policy.error().message);
  else plan.policy = *policy;
  return plan;
}

Sense measure(const Run& run, const Promise& p, const Plan& plan) {
  auto started = std::chrono::steady_clock::now();
  Measure m{true, plan.problem};
  if (plan.problem.empty()) {
    CheckInput in{p, run.options.partition, started + run.options.timeout, run.options.timeout,
                  run.options.environment, run.ctx.cancel};
    m = plan.module->sense(in);
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  return {result_date(Clock::now()), m.failed, bound_message(m.message), took.count()};
}

void warn_on_error(const Run& run, const Status& s) {
  if (!s) run.ctx.warn(s.error().describe());
}

Report run_one(const Run& run, const Promise& p, WriteQueue& writes) {
  const bool test = run.options.mode == Mode::test;
  Plan plan = plan_for(p);
  Report r;
  r.promise = p;
  if (test ? !plan.policy.tested : !plan.policy.anomaly_detected) {
    r.disposition = Disposition::skipped;
    r.type = "Empty Result";
    r.message = test ? "not tested at deployment (periodic-only)" : "no anomaly detection (report-anomaly is false)";
    return r;
  }
  auto history = load_history(run.options.partition, p.title);
  auto now = Clock::now();
  if (!run.options.force && plan.problem.empty() &&
      !sense_due(history, plan.policy.periodicity_minutes, now, modified(p.path))) {
    if (auto stored = load_status(run.options.partition, p)) {
      r = *stored;
      r.disposition = Disposition::reused;
      r.sense_failed = history.back().failed;
      r.next_run = result_date(next_sense(history.back(), plan.policy.periodicity_minutes));
      return r;
    }
  }
  Sense sense = measure(run, p, plan);
  history.push_back(sense);
  Verdict v = evaluate(history, test ? plan.policy.test : plan.policy.anomaly);
  r.type = test ? "Test Result" : "Anomaly Result";
  r.failed = v.failed;
  r.message = v.message;
  r.date = sense.date;
  r.execution_time = sense.execution_time;
  r.sense_failed = sense.failed;
  r.next_run = result_date(next_sense(sense, plan.policy.periodicity_minutes));
  writes.push([&run, history = std::move(history), r] {
    warn_on_error(run, run.store.record_sense(r.promise.title, history));
    warn_on_error(run, run.store.log_sense(r.promise.title, history.back(), run.run_id));
    warn_on_error(run, run.store.write_result(r));
  });
  return r;
}

void run_all(const Run& run, const std::vector<Promise>& promises, std::vector<Report>& reports) {
  std::atomic<std::size_t> next{0}, done{0};
  Progress progress(run.ctx, "promises", promises.size());
  WriteQueue writes;  // declared before the workers: destroyed (drained) after them
  auto worker = [&] {
    for (std::size_t i; !run.ctx.cancelled() && (i = next++) < promises.size();) {
      reports[i] = run_one(run, promises[i], writes);
      progress.advance(++done);
    }
  };
  std::size_t workers = std::clamp<std::size_t>(run.options.jobs, 1, std::max<std::size_t>(promises.size(), 1));
  std::vector<std::jthread> threads;
  for (std::size_t i = 1; i < workers; ++i) threads.emplace_back(worker);
  worker();
  threads.clear();
}

}  // namespace

std::size_t RunReport::failed() const {
  return static_cast<std::size_t>(std::count_if(reports.begin(), reports.end(), [](const Report& r) { return r.failed; }));
}

Result<RunReport> run(const Context& ctx, const RunOptions& options) {
  auto promises = SLAP_TRY(discover(options.partition, options.only));
  if (promises.empty()) return RunReport{};  // not a partition: leave no state behind
  Run run{ctx, options, Store{options.partition},
          fmt::format("{}-{}", std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count(),
                      100 + ::getpid() % 900)};
  SLAP_CHECK(run.store.make_dirs());
  auto lock = SLAP_TRY(FileLock::try_acquire(run.store.lock_file()));
  if (!lock) return fail(ErrorKind::io, fmt::format("another slap promise run holds the lock on {}", options.partition));
  RunReport report;
  report.reports.resize(promises.size());
  run_all(run, promises, report.reports);
  if (ctx.cancelled()) return fail(ErrorKind::interrupted, "interrupted");
  if (options.only.empty()) run.store.remove_stale(promises);
  auto failed = std::find_if(report.reports.begin(), report.reports.end(),
                             [](const Report& r) { return r.failed && r.disposition == Disposition::sensed; });
  if (failed != report.reports.end()) report.bang = bang(ctx, options, run.store, *failed);
  return report;
}

}  // namespace slap::promise
