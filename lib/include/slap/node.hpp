// The node: a machine that deploys instance trees without a remote master
// (spec/slapos-node.md). `slap request` records desired state; `slap node software|instance`
// converge the machine towards it with SlapOS's layout:
//
//   ROOT/node.db                     desired and reported state (SQLite, WAL)
//   ROOT/software/<md5(url)>/        one built software release per URL
//   ROOT/instance/slappartN/         partitions
//   ROOT/shared/                     shared parts (unless build.shared-parts says otherwise)
//   ROOT/etc/supervisord.conf        supervisord's configuration, one file per partition in
//   ROOT/etc/supervisord.conf.d/     (services: slap/supervisor.hpp)
//   ROOT/var/run/, ROOT/var/log/     locks, supervisord's socket, pid file and log
//
// The converge loop reads requests through State (slap/node_state.hpp) only, so that a
// remote master can later take its place as the source of requests.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slap/build.hpp"
#include "slap/context.hpp"
#include "slap/error.hpp"
#include "slap/node_state.hpp"
#include "slap/supervisor.hpp"

namespace slap::node {

// Checks a request against its release's software.cfg.json, when the release is a local
// software.cfg with one beside it: the software type exists (shared requests: a type
// declared "shared": true for it, when any is), the parameters follow its request schema.
// Errors are ErrorKind::input.
Status check_request(const InstanceRequest& request);

// What `slap node` runs with.
struct Options {
  Layout layout;
  std::string computer_id = "slap-local";
  build::Options build;                // downloads, environment, Python, jobs, binary cache
  std::vector<std::string> ipv4{"127.0.0.1"};
  std::vector<std::string> ipv6{"::1"};
  long maximum_periodicity = 86400;    // seconds before an unchanged partition is processed again
  std::chrono::seconds promise_timeout{20};
  // After services start, failing promises are checked again until they pass or this
  // much time has gone by (a web server needs a moment to listen).
  std::chrono::seconds promise_wait{10};
  unsigned promise_jobs = 16;
  bool force = false;                  // process every partition, whatever its timestamp
  std::vector<std::string> only;       // partitions (slappartN) or release URLs; empty = all
  process::Environment environment;    // what supervisord and promises start from
};

struct SoftwareOutcome {
  enum class Action { built, kept, removed, failed };
  std::string url;
  std::string path;
  Action action = Action::kept;
  double seconds = 0;
  std::string error;
};

struct PartitionOutcome {
  enum class Action { processed, skipped, destroyed, failed, free };
  std::string partition;
  std::string title;          // "" for a free partition
  Action action = Action::free;
  std::string status;         // reported status
  std::string error;
  bool promise_failed = false;  // failed because of promises only
  double seconds = 0;
};

struct InstanceReport {
  std::vector<PartitionOutcome> partitions;  // the last outcome of each, by partition number
  int passes = 0;
  std::size_t failed() const;
};

std::string_view action_name(SoftwareOutcome::Action a);
std::string_view action_name(PartitionOutcome::Action a);

// supervisord's files under the node's root (ROOT/etc, ROOT/var/run, ROOT/var/log).
supervisor::Settings supervisor_settings(const Layout& layout, const process::Environment& environment);

// `slap node software`: builds each release still to build, removes destroyed ones. One
// run at a time (ROOT/var/run/software.lock: a second one fails at once).
Result<std::vector<SoftwareOutcome>> converge_software(const Options& options, const Context& ctx);

// `slap node instance`: processes each partition (spec/slapos-node.md §5), again while a
// pass changed what another partition depends on (a child publishing for its parent), at
// most a few passes. One run at a time (ROOT/var/run/instance.lock).
Result<InstanceReport> converge_instances(const Options& options, const Context& ctx);

}  // namespace slap::node
