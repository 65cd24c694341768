// The node's partitions as collection targets.
#include "slap/supervisor.hpp"
#include "slap/usage.hpp"

namespace slap::usage {

Result<std::vector<Target>> node_targets(const node::Layout& layout, const process::Environment& environment) {
  auto state = SLAP_TRY(node::State::open(layout));
  std::vector<Target> out;
  for (const auto& p : SLAP_TRY(state.partitions())) {
    Target t{p.id, layout.partition_dir(p.id), "", "", {}};
    if (p.instance) {
      t.instance = p.instance->title;
      t.reference = p.instance->guid();
    }
    out.push_back(std::move(t));
  }
  supervisor::Supervisor sup(node::supervisor_settings(layout, environment));
  if (!sup.running()) return out;
  for (const auto& proc : SLAP_TRY(sup.processes()))
    for (auto& t : out)
      if (t.partition == proc.group && proc.pid > 0) t.pids.push_back(proc.pid);
  return out;
}

}  // namespace slap::usage
