// Destroying a partition's instance: its services stop, its content goes, the partition
// is free again. A release may ask for a delay (.slapos-retention-lock-delay, in days):
// the services are stopped, the rest waits until the date recorded in
// .slapos-retention-lock-date.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "node/run.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::node::detail {

namespace {

// Seconds since the epoch before which the partition must not be emptied; 0 = now.
Result<long long> retained_until(const std::string& dir) {
  auto delay_text = fs::read_file(path::join(dir, ".slapos-retention-lock-delay"));
  if (!delay_text) return 0LL;
  double days = 0;
  try {
    days = std::stod(std::string(str::strip(*delay_text)));
  } catch (const std::exception&) {
    return 0LL;
  }
  if (!(days > 0)) return 0LL;
  std::string date_file = path::join(dir, ".slapos-retention-lock-date");
  if (auto date = fs::read_file(date_file)) {
    try {
      return std::stoll(std::string(str::strip(*date)));
    } catch (const std::exception&) {
    }
  }
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  long long until = now + static_cast<long long>(std::llround(days * 86400));
  SLAP_CHECK(fs::write_atomic(date_file, std::to_string(until) + "\n", 0644));
  return until;
}

Status empty_directory(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> entries;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) entries.push_back(e.path().string());
  for (const auto& e : entries) SLAP_CHECK(fs::remove_all(e));
  return {};
}

}  // namespace

PartitionOutcome destroy_partition(Run& run, const Partition& p, const Instance& i) {
  PartitionOutcome out;
  out.partition = p.id;
  out.title = i.title;
  std::string dir = run.options.layout.partition_dir(p.id);
  auto failed = [&](const Error& e) {
    out.action = PartitionOutcome::Action::failed;
    out.status = "error";
    out.error = e.describe();
    (void)run.state.report(i.id, "error", out.error);
    return out;
  };
  // Stopped at once, as slapgrid does, also while the retention lock delays the rest.
  if (Status s = update_services(run, service_group(p.id, dir, false)); !s) return failed(s.error());
  auto until = retained_until(dir);
  if (!until) return failed(until.error());
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (*until > now) {
    out.action = PartitionOutcome::Action::skipped;
    out.status = "destroying";
    std::string message = fmt::format("retention lock: destroyed in {} s", *until - now);
    (void)run.state.report(i.id, "pending", message);
    return out;
  }
  run.ctx.info(fmt::format("{}: destroying '{}'", p.id, i.title));
  if (Status s = run.supervisor.remove(p.id); !s) return failed(s.error());
  if (Status s = empty_directory(dir); !s) return failed(s.error());
  if (Status s = run.state.free_partition(p.id); !s) return failed(s.error());
  out.action = PartitionOutcome::Action::destroyed;
  out.status = "destroyed";
  return out;
}

}  // namespace slap::node::detail
