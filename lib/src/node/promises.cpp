// The partition's promises, as slapgrid checks them: all of them after processing (a
// failure puts the partition in error), their anomalies when it is up to date (a bang
// makes the next run process it).
#include <fmt/format.h>

#include <thread>

#include "node/run.hpp"
#include "slap/promise.hpp"
#include "slap/strings.hpp"

namespace slap::node::detail {

namespace {

using Clock = std::chrono::steady_clock;

promise::RunOptions promise_options(const Run& run, const std::string& dir, promise::Mode mode) {
  promise::RunOptions o;
  o.partition = dir;
  o.mode = mode;
  o.jobs = std::max(1u, run.options.promise_jobs);
  o.timeout = run.options.promise_timeout;
  for (const auto& [k, v] : run.options.environment) o.environment.push_back(k + "=" + v);
  return o;
}

}  // namespace

Result<std::string> check_promises(Run& run, const std::string& dir) {
  promise::RunOptions o = promise_options(run, dir, promise::Mode::test);
  o.force = true;
  auto deadline = Clock::now() + run.options.promise_wait;
  for (;;) {
    auto report = SLAP_TRY(promise::run(run.ctx, o));
    std::vector<std::string> failed;
    for (const auto& r : report.reports)
      if (r.failed) failed.push_back(fmt::format("promise '{}' failed: {}", r.promise.title, r.message));
    if (failed.empty()) return std::string();
    if (Clock::now() >= deadline) return str::join(failed, "; ");
    // Only the failing ones again: a service may need a moment to listen.
    o.only.clear();
    for (const auto& r : report.reports)
      if (r.failed) o.only.push_back(r.promise.title);
    for (int i = 0; i < 10 && !run.ctx.cancelled(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (run.ctx.cancelled()) return fail(ErrorKind::interrupted, "interrupted");
  }
}

void refresh_promises(Run& run, const std::string& dir) {
  promise::RunOptions o = promise_options(run, dir, promise::Mode::test);
  o.force = true;
  if (auto r = promise::run(run.ctx, o); !r) run.ctx.debug(r.error().describe());
}

Result<bool> check_anomalies(Run& run, const std::string& dir) {
  auto report = SLAP_TRY(promise::run(run.ctx, promise_options(run, dir, promise::Mode::anomaly)));
  return report.bang.has_value();
}

}  // namespace slap::node::detail
