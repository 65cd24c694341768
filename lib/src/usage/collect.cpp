// One collection: measure what is due of each partition's directory, then, inside one
// immediate transaction, read the previous baselines, the process table, charge, append
// the samples and replace the baselines.
#include <sys/resource.h>
#include <unistd.h>

#include <map>
#include <set>

#include "slap/fs.hpp"
#include "slap/usage.hpp"
#include "usage/ledger.hpp"

namespace slap::usage {

namespace {

struct PartitionState {
  std::int64_t time = 0;
  std::int64_t rss = 0;
  std::optional<std::int64_t> disk;
  std::int64_t disk_time = 0;
};

double cpu_ms_of_self() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

long long ll(std::int64_t v) { return static_cast<long long>(v); }

Result<std::map<std::string, PartitionState>> partition_states(sql::Database& db) {
  std::map<std::string, PartitionState> out;
  auto s = SLAP_TRY(db.prepare("SELECT partition, time, rss, disk, disk_time FROM partition_state"));
  while (SLAP_TRY(s.step())) {
    PartitionState p{s.integer(1), s.integer(2), s.optional_integer(3), s.integer(4)};
    out[s.text(0)] = p;
  }
  return out;
}

Result<std::vector<Baseline>> baselines(sql::Database& db, const std::set<std::string>& partitions) {
  std::vector<Baseline> out;
  auto s = SLAP_TRY(db.prepare("SELECT partition, pid, ppid, start, own, reaped FROM process"));
  while (SLAP_TRY(s.step())) {
    Baseline b{s.text(0), static_cast<long>(s.integer(1)), static_cast<long>(s.integer(2)),
               static_cast<std::uint64_t>(s.integer(3)), s.integer(4), s.integer(5)};
    if (partitions.count(b.partition)) out.push_back(std::move(b));
  }
  return out;
}

// Byte-seconds over an interval from two readings (trapezoid).
std::int64_t integral(std::int64_t before, std::int64_t after, std::int64_t interval_ms) {
  return static_cast<std::int64_t>((static_cast<double>(before) + static_cast<double>(after)) / 2.0 *
                                   static_cast<double>(interval_ms) / 1000.0);
}

Status record(sql::Database& db, const CollectOptions& o, std::int64_t now,
              const std::map<std::string, std::int64_t>& measured, Collection& out) {
  std::set<std::string> names;
  std::map<std::string, std::vector<long>> roots;
  for (const auto& t : o.targets) {
    names.insert(t.partition);
    roots[t.partition] = t.pids;
  }
  auto states = SLAP_TRY(partition_states(db));
  auto before = SLAP_TRY(baselines(db, names));
  Accounting acc = account(roots, read_processes(o.proc_root), before);
  const long hz = ::sysconf(_SC_CLK_TCK);
  auto insert = SLAP_TRY(db.prepare(
      "INSERT INTO sample (time, partition, instance, reference, interval, cpu_ms, rss, rss_integral, disk, "
      "disk_integral, processes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  auto state = SLAP_TRY(db.prepare(
      "INSERT OR REPLACE INTO partition_state (partition, time, rss, disk, disk_time) VALUES (?1, ?2, ?3, ?4, ?5)"));
  for (const auto& t : o.targets) {
    const Charge& c = acc.partitions[t.partition];
    auto prev = states.find(t.partition);
    bool has_prev = prev != states.end();
    Sample s{t.partition, t.instance, now, has_prev ? std::max<std::int64_t>(0, now - prev->second.time) : 0,
             c.ticks * 1000 / hz, c.rss, std::nullopt, c.processes};
    std::optional<std::int64_t> disk = has_prev ? prev->second.disk : std::nullopt;
    std::int64_t disk_time = has_prev ? prev->second.disk_time : 0;
    if (auto m = measured.find(t.partition); m != measured.end()) {
      s.disk = m->second;
      disk_time = now;
    }
    std::optional<std::int64_t> disk_now = s.disk ? s.disk : disk;
    std::int64_t rss_area = has_prev ? integral(prev->second.rss, s.rss, s.interval_ms) : 0;
    std::int64_t disk_area = has_prev && disk_now ? integral(disk.value_or(*disk_now), *disk_now, s.interval_ms) : 0;
    insert.bind(1, ll(now)).bind(2, t.partition).bind(3, t.instance).bind(4, t.reference).bind(5, ll(s.interval_ms));
    insert.bind(6, ll(s.cpu_ms)).bind(7, ll(s.rss)).bind(8, ll(rss_area));
    if (s.disk) insert.bind(9, ll(*s.disk));
    else insert.bind(9, nullptr);
    insert.bind(10, ll(disk_area)).bind(11, static_cast<long long>(s.processes));
    SLAP_CHECK(insert.run());
    SLAP_CHECK(insert.reset());
    state.bind(1, t.partition).bind(2, ll(now)).bind(3, ll(s.rss)).bind(5, ll(disk_time));
    if (disk_now) state.bind(4, ll(*disk_now));
    else state.bind(4, nullptr);
    SLAP_CHECK(state.run());
    SLAP_CHECK(state.reset());
    out.samples.push_back(std::move(s));
  }
  auto forget = SLAP_TRY(db.prepare("DELETE FROM process WHERE partition = ?1"));
  for (const auto& name : names) {
    forget.bind(1, name);
    SLAP_CHECK(forget.run());
    SLAP_CHECK(forget.reset());
  }
  auto keep = SLAP_TRY(db.prepare(
      "INSERT OR REPLACE INTO process (pid, start, partition, ppid, own, reaped) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  for (const auto& b : acc.baselines) {
    keep.bind(1, static_cast<long long>(b.pid)).bind(2, static_cast<long long>(b.start)).bind(3, b.partition);
    keep.bind(4, static_cast<long long>(b.ppid)).bind(5, ll(b.own)).bind(6, ll(b.reaped));
    SLAP_CHECK(keep.run());
    SLAP_CHECK(keep.reset());
  }
  return {};
}

}  // namespace

Result<Collection> collect(const CollectOptions& o) {
  double cpu_start = cpu_ms_of_self();
  auto db = SLAP_TRY(detail::open_ledger(o.ledger, true));
  std::int64_t now = o.now_ms ? o.now_ms : now_ms();
  // Directory walks can be long: done before the transaction, which only needs their results.
  auto states = SLAP_TRY(partition_states(db));
  std::map<std::string, std::int64_t> measured;
  for (const auto& t : o.targets) {
    auto it = states.find(t.partition);
    if (it == states.end() || !it->second.disk || now - it->second.disk_time >= o.disk_period * 1000)
      measured[t.partition] = fs::is_dir(t.directory) ? disk_usage(t.directory) : 0;
  }
  Collection out;
  SLAP_CHECK(db.transaction([&]() -> Status { return record(db, o, now, measured, out); }));
  out.cpu_ms = cpu_ms_of_self() - cpu_start;
  return out;
}

}  // namespace slap::usage
