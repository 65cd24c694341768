// Which processes belong to which partition, and the CPU each partition is charged for
// one collection (slap/usage.hpp says why this adds up without double counting).
#include <algorithm>
#include <deque>
#include <unordered_map>

#include "slap/usage.hpp"

namespace slap::usage {

namespace {

using Key = std::pair<long, std::uint64_t>;  // (pid, start)

struct KeyHash {
  std::size_t operator()(const Key& k) const noexcept { return std::hash<long>()(k.first) * 31 + k.second; }
};

}  // namespace

Accounting account(const std::map<std::string, std::vector<long>>& roots, const std::vector<ProcessStat>& now,
                   const std::vector<Baseline>& before) {
  std::unordered_map<long, std::size_t> by_pid;
  std::unordered_map<long, std::vector<long>> children;
  for (std::size_t i = 0; i < now.size(); ++i) {
    by_pid[now[i].pid] = i;
    children[now[i].ppid].push_back(now[i].pid);
  }
  std::unordered_map<Key, const Baseline*, KeyHash> known;
  for (const auto& b : before) known[{b.pid, b.start}] = &b;

  // Membership: the supervisord group's processes and their descendants first, then
  // processes charged before that left the tree, with their own descendants.
  std::unordered_map<long, const std::string*> owner;
  auto claim = [&](const std::string& partition, long pid) {
    std::deque<long> todo{pid};
    while (!todo.empty()) {
      long p = todo.front();
      todo.pop_front();
      if (owner.count(p) || !by_pid.count(p)) continue;
      owner[p] = &partition;
      if (auto it = children.find(p); it != children.end()) todo.insert(todo.end(), it->second.begin(), it->second.end());
    }
  };
  Accounting out;
  for (const auto& [partition, pids] : roots) {
    out.partitions[partition];
    for (long pid : pids) claim(partition, pid);
  }
  for (const auto& b : before) {
    auto it = by_pid.find(b.pid);
    if (it == by_pid.end() || now[it->second].start != b.start || owner.count(b.pid)) continue;
    if (auto r = roots.find(b.partition); r != roots.end()) claim(r->first, b.pid);
  }

  std::unordered_map<Key, bool, KeyHash> alive;
  for (const auto& [pid, partition] : owner) {
    const ProcessStat& s = now[by_pid[pid]];
    alive[{s.pid, s.start}] = true;
    Charge& c = out.partitions[*partition];
    std::int64_t ticks = s.own + s.reaped;
    if (auto k = known.find({s.pid, s.start}); k != known.end())
      ticks = std::max<std::int64_t>(0, (s.own - k->second->own) + (s.reaped - k->second->reaped));
    c.ticks += ticks;
    c.rss += s.rss;
    c.processes += 1;
    out.baselines.push_back({*partition, s.pid, s.ppid, s.start, s.own, s.reaped});
  }

  // A charged process that is gone: its final totals went into its reaper's reaped times.
  // When that reaper is charged (alive, or gone too and reaped in turn by a charged one),
  // what the process was charged already is taken back from the reaper's partition.
  std::unordered_map<long, const Baseline*> gone;
  for (const auto& b : before)
    if (!alive.count({b.pid, b.start})) gone[b.pid] = &b;
  for (const auto& [pid, b] : gone) {
    const Baseline* at = b;
    for (int depth = 0; depth < 64; ++depth) {
      long parent = at->ppid;
      if (auto p = by_pid.find(parent); p != by_pid.end() && owner.count(parent) && now[p->second].start <= at->start) {
        out.partitions[*owner[parent]].ticks -= b->own + b->reaped;
        break;
      }
      auto g = gone.find(parent);
      if (g == gone.end() || g->second->start > at->start) break;
      at = g->second;
    }
  }
  // Only a reaper that never waited for its children (or a child reparented between two
  // collections) could take back more than it was charged; a partition never gets CPU back.
  for (auto& [partition, c] : out.partitions) c.ticks = std::max<std::int64_t>(0, c.ticks);
  return out;
}

}  // namespace slap::usage
