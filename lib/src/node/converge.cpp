// `slap node instance`: every partition, in order, as many passes as it takes for what
// one partition publishes to reach the partitions that read it (a few at most).
#include <fmt/format.h>

#include <algorithm>

#include "node/run.hpp"
#include "slap/fs.hpp"
#include "slap/lock.hpp"
#include "slap/paths.hpp"

namespace slap::node {

std::string_view action_name(SoftwareOutcome::Action a) {
  switch (a) {
    case SoftwareOutcome::Action::built: return "built";
    case SoftwareOutcome::Action::kept: return "kept";
    case SoftwareOutcome::Action::removed: return "removed";
    case SoftwareOutcome::Action::failed: return "failed";
  }
  return "?";
}

std::string_view action_name(PartitionOutcome::Action a) {
  switch (a) {
    case PartitionOutcome::Action::processed: return "processed";
    case PartitionOutcome::Action::skipped: return "skipped";
    case PartitionOutcome::Action::destroyed: return "destroyed";
    case PartitionOutcome::Action::failed: return "failed";
    case PartitionOutcome::Action::free: return "free";
  }
  return "?";
}

std::size_t InstanceReport::failed() const {
  return static_cast<std::size_t>(std::count_if(partitions.begin(), partitions.end(), [](const PartitionOutcome& p) {
    return p.action == PartitionOutcome::Action::failed;
  }));
}

supervisor::Settings supervisor_settings(const Layout& layout, const process::Environment& environment) {
  return {layout.etc_dir(), layout.run_dir(), layout.log_dir(), environment, "supervisord"};
}

namespace {

constexpr int max_passes = 5;

bool wanted_partition(const Options& o, const std::string& partition) {
  return o.only.empty() || std::find(o.only.begin(), o.only.end(), partition) != o.only.end();
}

// Groups left in supervisord's configuration for partitions that hold nothing any more
// (a run killed while destroying one).
void remove_orphan_groups(detail::Run& run, const std::vector<Partition>& partitions) {
  for (const auto& group : run.supervisor.groups()) {
    auto it = std::find_if(partitions.begin(), partitions.end(), [&](const Partition& p) { return p.id == group; });
    if (it != partitions.end() && it->instance) continue;
    if (Status s = run.supervisor.remove(group); !s) run.ctx.warn(s.error().describe());
  }
}

}  // namespace

Result<InstanceReport> converge_instances(const Options& o, const Context& ctx) {
  SLAP_CHECK(fs::make_dirs(o.layout.run_dir(), 0755));
  std::string lock_file = path::join(o.layout.run_dir(), "instance.lock");
  auto lock = SLAP_TRY(FileLock::try_acquire(lock_file));
  if (!lock)
    return fail(ErrorKind::io, fmt::format("another slap node instance is running on {}{}: not starting", o.layout.root,
                                           FileLock::holder_note(lock_file)));
  State state = SLAP_TRY(State::open(o.layout));
  SLAP_CHECK(state.allocate());
  supervisor::Supervisor supervisor(supervisor_settings(o.layout, o.environment));
  detail::Run run{o, ctx, state, supervisor};
  InstanceReport report;
  std::map<std::string, std::size_t> index;
  for (int pass = 1; pass <= max_passes; ++pass) {
    long long before = SLAP_TRY(state.clock());
    auto partitions = SLAP_TRY(state.partitions());
    if (pass == 1 && o.only.empty()) remove_orphan_groups(run, partitions);
    for (const auto& p : partitions) {
      if (!wanted_partition(o, p.id)) continue;
      if (ctx.cancelled()) return fail(ErrorKind::interrupted, "interrupted");
      PartitionOutcome outcome = detail::process_partition(run, p, pass == 1);
      if (outcome.error == "interrupted") return fail(ErrorKind::interrupted, "interrupted");
      auto [it, fresh] = index.try_emplace(p.id, report.partitions.size());
      if (fresh) report.partitions.push_back(std::move(outcome));
      else if (outcome.action != PartitionOutcome::Action::skipped) report.partitions[it->second] = std::move(outcome);
    }
    report.passes = pass;
    // Another pass only when this one changed what partitions see (a child published, an
    // instance was requested or destroyed).
    if (SLAP_TRY(state.clock()) == before) break;
  }
  return report;
}

}  // namespace slap::node
