// What each partition of a node consumed (slap-usage(1), docs/usage.md). A collection
// samples, per partition: the CPU time (user + system) of the processes of its
// supervisord group and their descendants, their resident memory, their count, and the
// disk usage of the partition's directory. Samples go to an append-only ledger,
// ROOT/usage.db (SQLite, WAL): one transaction per collection holds the samples and the
// per-process baselines the next collection derives its deltas from, so a collection
// killed at any point is either wholly recorded or not at all, and never counted twice.
//
// CPU accounting over /proc, without cgroups: a process is known by (pid, start time),
// so a reused pid is a new process. A process seen again is charged what its own and its
// reaped children's times (utime+stime, cutime+cstime) grew by; a new one all of them.
// A known process that is gone was reaped by its parent, whose cutime+cstime now holds
// its final totals: what the process had already been charged is taken back once, so
// the parent's growth charges exactly the rest. Processes that leave the tree (a daemon
// reparented to init) stay charged to their partition while they live.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "slap/context.hpp"
#include "slap/error.hpp"
#include "slap/node.hpp"

namespace slap::usage {

// One process as /proc/PID/stat shows it. Times in clock ticks.
struct ProcessStat {
  long pid = 0;
  long ppid = 0;
  std::uint64_t start = 0;    // start time, ticks after boot: (pid, start) names a process
  std::int64_t own = 0;       // utime + stime
  std::int64_t reaped = 0;    // cutime + cstime: children it waited for
  std::int64_t rss = 0;       // resident bytes
};

// Parses the text of /proc/PID/stat (the command name may hold spaces and parentheses).
std::optional<ProcessStat> parse_stat(std::string_view text, long page_size);
// Every process of `proc_root` (normally /proc); processes that vanish meanwhile are left out.
std::vector<ProcessStat> read_processes(const std::string& proc_root = "/proc");

// What the previous collection recorded of a process it charged to a partition.
struct Baseline {
  std::string partition;
  long pid = 0;
  long ppid = 0;
  std::uint64_t start = 0;
  std::int64_t own = 0;
  std::int64_t reaped = 0;
};

struct Charge {
  std::int64_t ticks = 0;     // CPU charged since the previous collection
  std::int64_t rss = 0;       // resident bytes now, summed
  int processes = 0;
};

struct Accounting {
  std::map<std::string, Charge> partitions;  // every partition of `roots`
  std::vector<Baseline> baselines;           // for the next collection
};

// The accounting of one collection (pure): `roots` are the pids supervisord runs for
// each partition, `now` every process of the machine, `before` the baselines recorded last.
Accounting account(const std::map<std::string, std::vector<long>>& roots, const std::vector<ProcessStat>& now,
                   const std::vector<Baseline>& before);

// Bytes a directory tree occupies on disk (allocated blocks, hard links once, symlinks
// not followed), as `du -s` counts them.
std::int64_t disk_usage(const std::string& dir);

// ROOT/usage.db.
std::string ledger_path(const node::Layout& layout);

struct Target {
  std::string partition;
  std::string directory;
  std::string instance;      // title of the instance the partition holds, "" when free
  std::string reference;     // its SlapOS reference (SOFT-N), "" when free
  std::vector<long> pids;    // the supervisord group's running processes
};

struct CollectOptions {
  std::string ledger;
  std::vector<Target> targets;
  std::string proc_root = "/proc";
  long disk_period = 600;    // seconds between two measures of a partition's directory
  std::int64_t now_ms = 0;   // 0: the clock
};

struct Sample {
  std::string partition;
  std::string instance;
  std::int64_t time_ms = 0;   // Unix time, milliseconds
  std::int64_t interval_ms = 0;  // since the partition's previous sample, 0 for its first
  std::int64_t cpu_ms = 0;    // charged in that interval
  std::int64_t rss = 0;
  std::optional<std::int64_t> disk;  // measured in this collection
  int processes = 0;
};

struct Collection {
  std::vector<Sample> samples;
  double cpu_ms = 0;          // what the collection itself cost (this process's CPU)
};

// One collection of `options.targets` into the ledger.
Result<Collection> collect(const CollectOptions& options);

// The node's partitions as targets: their instances from the node's state, their
// processes from supervisord (none when it is not running).
Result<std::vector<Target>> node_targets(const node::Layout& layout, const process::Environment& environment);

struct Query {
  std::string partition;      // "" = every partition
  std::optional<std::int64_t> since_ms;
  std::optional<std::int64_t> until_ms;
};

// One partition while it held one instance, over the query's period.
struct Totals {
  std::string partition;
  std::string instance;
  std::string reference;
  std::int64_t first_ms = 0, last_ms = 0;  // first and last sample
  std::int64_t samples = 0;
  std::int64_t measured_ms = 0;            // sum of intervals
  double cpu_seconds = 0;
  std::int64_t memory_peak = 0;            // bytes, highest sample
  double memory_byte_seconds = 0;          // time-weighted: average = this / measured seconds
  std::int64_t disk_peak = 0;
  double disk_byte_seconds = 0;
  int processes_peak = 0;
  std::int64_t rss_last = 0;               // the latest sample's
  double memory_average() const;
  double disk_average() const;
};

Result<std::vector<Totals>> report(const std::string& ledger, const Query& query);

// Prices per unit (slap.toml [usage.price]); absent = not charged.
struct Prices {
  std::optional<double> cpu_hour;          // per CPU-hour
  std::optional<double> memory_gib_hour;   // per GiB-hour of resident memory
  std::optional<double> disk_gib_hour;     // per GiB-hour of disk
  std::string currency;
};

struct CostLine {
  std::string resource;    // cpu, memory, disk
  double quantity = 0;
  std::string unit;        // CPU-hour, GiB-hour
  double price = 0;
  double cost = 0;
};
std::vector<CostLine> costs(const Totals& t, const Prices& prices);

// The consumption document a SlapOS node sends its master (slapos.core's
// slapos.collect ConsumptionReport: <journal><transaction><movement>...), docs/usage.md.
std::string slapos_document(const std::vector<Totals>& totals, const std::string& computer_id, std::int64_t since_ms,
                            std::int64_t until_ms);

// Times on the command line: 2026-12-03, 2026-12-03T04:00[:00][Z], @UNIX, or an age
// (30s, 15m, 1h, 2d: that long before `now_ms`). ErrorKind::usage otherwise.
Result<std::int64_t> parse_time(std::string_view text, std::int64_t now_ms);
// 2026-12-03T04:00:00Z
std::string format_time(std::int64_t ms);
std::int64_t now_ms();

}  // namespace slap::usage
