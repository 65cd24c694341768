// Processing one partition, as `slapos node instance` does (spec/slapos-node.md §5):
// skip it when up to date, else build its instance profile, publish what it published,
// destroy what it no longer requests, run its services, check its promises, and only
// then record the timestamp that makes the next run skip it.
#include <fmt/format.h>
#include <sys/stat.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "node/partition_log.hpp"
#include "node/run.hpp"
#include "slap/fs.hpp"
#include "slap/instance.hpp"
#include "slap/paths.hpp"
#include "slap/schema.hpp"
#include "slap/strings.hpp"

namespace slap::node::detail {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

std::optional<std::int64_t> mtime(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return std::nullopt;
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

// Seconds after which an unchanged partition is processed anyway: the release's
// `periodicity` file, else maximum_periodicity (negative: never).
long periodicity(const Run& run, const std::string& software_dir) {
  auto text = fs::read_file(path::join(software_dir, "periodicity"));
  if (text) {
    try {
      return std::stol(std::string(str::strip(*text)));
    } catch (const std::exception&) {
    }
  }
  return run.options.maximum_periodicity;
}

bool up_to_date(const Run& run, const std::string& dir, const std::string& software_dir, long long timestamp) {
  std::string file = path::join(dir, ".timestamp");
  auto text = fs::read_file(file);
  if (!text || str::strip(*text) != std::to_string(timestamp)) return false;
  auto written = mtime(file);
  auto built = mtime(path::join(software_dir, ".completed"));
  if (!written || (built && *built > *written)) return false;  // the release was rebuilt since
  long period = periodicity(run, software_dir);
  if (period < 0) return true;
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() <=
         *written + static_cast<std::int64_t>(period) * 1000000000;
}

// Where the release describes its software types: beside a local software.cfg.
std::string software_json(const Options& o, const Instance& i) {
  if (path::is_url(i.software_url)) return path::join(o.layout.software_dir(i.software_url), "software.cfg.json");
  return path::join(path::dirname(i.software_url), "software.cfg.json");
}

Result<std::string> shared_instance_list(Run& run, const Instance& host, const std::string& json_file) {
  auto st = schema::software_type_of(json_file, host.software_type);
  bool serialised = st && st->serialised;
  json list = json::array();
  for (const auto& s : SLAP_TRY(run.state.hosted_by(host.id))) {
    json params = json::parse(s.parameters_json, nullptr, false);
    json entry = serialised ? json{{"_", params.dump()}} : params;
    entry["slave_reference"] = s.guid();
    entry["slave_title"] = s.title;
    list.push_back(std::move(entry));
  }
  return list.dump();
}

Result<instance::Request> instance_request(Run& run, const Partition& p, const Instance& i) {
  const Options& o = run.options;
  instance::Request r;
  r.software_dir = o.layout.software_dir(i.software_url);
  r.partition = o.layout.partition_dir(p.id);
  r.software_type = i.software_type;
  r.parameters_json = i.parameters_json;
  r.partition_id = p.id;
  r.computer_id = o.computer_id;
  r.build = o.build;
  if (r.build.shared_dirs.empty()) r.build.shared_dirs = {o.layout.shared_parts()};
  r.software_url = i.software_url;
  r.software_json = software_json(o, i);
  r.state = i.state;
  r.title = i.title;
  r.root_title = SLAP_TRY(run.state.root_title(i.id));
  r.guid = i.guid();
  r.timestamp = std::to_string(i.timestamp);
  r.shared_instances_json = SLAP_TRY(shared_instance_list(run, i, r.software_json));
  r.ipv4 = o.ipv4;
  r.ipv6 = o.ipv6;
  r.node_state = o.layout.root;
  return r;
}

// Builds, publishes, garbage-collects the tree, runs the services: "" when all went well.
Result<std::string> deploy(Run& run, const Partition& p, const Instance& i, const Context& ctx) {
  std::string dir = run.options.layout.partition_dir(p.id);
  instance::Request r = SLAP_TRY(instance_request(run, p, i));
  std::string transaction = request_transaction_file(dir, p.id);
  SLAP_CHECK(fs::remove_all(transaction));
  auto built = instance::instantiate(r, ctx);
  // What was published before a failure stays published, as with a master.
  SLAP_CHECK(collect_connections(run, i, dir));
  if (!built) {
    if (built.error().kind == ErrorKind::interrupted) return fail(std::move(built.error()));
    std::string message = built.error().describe();
    for (const auto& c : built.error().context) message += "\n  while " + c;
    return message;
  }
  auto destroyed = SLAP_TRY(run.state.keep_only_children(i.id, read_request_transaction(transaction)));
  for (const auto& title : destroyed) ctx.info(fmt::format("{}: '{}' is no longer requested: destroying it", p.id, title));
  SLAP_CHECK(update_services(run, service_group(p.id, dir, i.state == "started")));
  return std::string();
}

}  // namespace

PartitionOutcome process_partition(Run& run, const Partition& p, bool anomaly) {
  PartitionOutcome out;
  out.partition = p.id;
  if (!p.instance) return out;
  const Instance& i = *p.instance;
  out.title = i.title;
  if (i.state == "destroyed") return destroy_partition(run, p, i);
  auto started = Clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
  const Options& o = run.options;
  std::string dir = o.layout.partition_dir(p.id);
  std::string software_dir = o.layout.software_dir(i.software_url);
  PartitionLog plog(path::join(dir, ".slapgrid/log/instance.log"), run.ctx.log);
  Context ctx = run.ctx;
  ctx.log = &plog;
  std::string error_log = path::join(dir, fmt::format(".slapgrid-{}-error.log", p.id));
  auto failed = [&](std::string message, bool promise = false) {
    out.action = PartitionOutcome::Action::failed;
    out.status = "error";
    out.error = message;
    out.promise_failed = promise;
    out.seconds = seconds();
    // Not an error for the run's log yet: a later pass may well succeed (a request
    // answered meanwhile); the command reports what failed in the end.
    plog.log(LogLevel::info, fmt::format("{}: failed: {}", p.id, message));
    if (auto r = run.state.report(i.id, "error", message); !r) ctx.warn(r.error().describe());
    // What check_partition_deployment_state reads (promise failures are not written).
    if (!promise) (void)fs::write_atomic(error_log, message + "\n", 0644, false);
    return out;
  };
  auto done = [&](Status s) -> std::optional<PartitionOutcome> {
    if (s) return std::nullopt;
    if (s.error().kind == ErrorKind::interrupted) {
      out.action = PartitionOutcome::Action::failed;
      out.error = "interrupted";
      return out;
    }
    return failed(s.error().describe());
  };

  if (!fs::exists(path::join(software_dir, ".completed")))
    return failed(fmt::format("software release {} is not installed yet (`slap node software` builds it)", i.software_url));
  if (!o.force && up_to_date(run, dir, software_dir, i.timestamp)) {
    out.action = PartitionOutcome::Action::skipped;
    out.status = i.status;
    if (anomaly && i.state == "started") {
      auto banged = check_anomalies(run, dir);
      if (!banged) ctx.warn(fmt::format("{}: {}", p.id, banged.error().describe()));
      else if (*banged) {
        ctx.info(fmt::format("{}: a promise banged: the partition is processed at the next run", p.id));
        if (auto b = run.state.bang(i.id); !b) ctx.warn(b.error().describe());
      }
    }
    return out;
  }
  plog.log(LogLevel::info, fmt::format("{}: processing '{}' ({} {}, {})", p.id, i.title, i.software_url,
                                       i.software_type, i.state));
  if (auto e = done(fs::remove_all(path::join(dir, ".timestamp")))) return *e;
  if (auto e = done(fs::remove_all(error_log))) return *e;
  auto deployed = deploy(run, p, i, ctx);
  if (!deployed) {
    if (auto e = done(Status(std::unexpected(std::move(deployed.error()))))) return *e;
  }
  if (!deployed->empty()) {
    auto outcome = failed(*deployed);
    // As slapgrid: a stopped instance is stopped even when its build failed; a started
    // one has its promises' results brought up to date.
    if (i.state == "stopped") {
      if (Status s = update_services(run, service_group(p.id, dir, false)); !s) ctx.warn(s.error().describe());
    } else {
      refresh_promises(run, dir);
    }
    return outcome;
  }
  if (i.state == "started") {
    auto promises = check_promises(run, dir);
    if (!promises) {
      if (auto e = done(Status(std::unexpected(std::move(promises.error()))))) return *e;
    }
    if (!promises->empty()) return failed(*promises, true);
  }
  if (auto e = done(fs::write_atomic(path::join(dir, ".timestamp"), std::to_string(i.timestamp) + "\n", 0644))) return *e;
  if (auto e = done(run.state.report(i.id, i.state, ""))) return *e;
  for (const auto& hosted : run.state.hosted_by(i.id).value_or(std::vector<Instance>{}))
    if (auto r = run.state.report(hosted.id, i.state, ""); !r) ctx.warn(r.error().describe());
  out.action = PartitionOutcome::Action::processed;
  out.status = i.state;
  out.seconds = seconds();
  plog.log(LogLevel::info, fmt::format("{}: {} in {:.1f} s", p.id, i.state, out.seconds));
  return out;
}

}  // namespace slap::node::detail
