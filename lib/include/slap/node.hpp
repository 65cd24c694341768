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
// The converge loop reads requests through State only, so that a remote master can later
// take its place as the source of requests.
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
#include "slap/supervisor.hpp"

namespace slap::node {

struct Layout {
  std::string root;

  std::string database() const;
  std::string software_root() const;                      // ROOT/software
  std::string software_dir(const std::string& url) const; // ROOT/software/<md5(url)>
  std::string instance_root() const;                      // ROOT/instance
  std::string partition_dir(const std::string& id) const;
  std::string shared_parts() const;                       // ROOT/shared
  std::string etc_dir() const;                            // ROOT/etc
  std::string run_dir() const;                            // ROOT/var/run
  std::string log_dir() const;                            // ROOT/var/log
};

// What `slap request` (or a partition's request recipe) asks for.
struct InstanceRequest {
  std::string title;
  std::string software_url;
  std::string software_type = "default";
  std::string parameters_json = "{}";  // a JSON object; {"_": "<json>"} is unwrapped
  bool shared = false;
  std::string state = "started";       // started | stopped | destroyed
  std::optional<long long> requester;  // the instance whose partition requested it
};

struct Instance {
  long long id = 0;
  std::string title;
  std::string software_url;
  std::string software_type;
  std::string parameters_json;
  bool shared = false;
  std::string state;        // requested: started | stopped | destroyed
  std::string status;       // reported: pending | started | stopped | error | destroyed
  std::string message;      // why it is in error or pending
  std::string partition;    // "" when none is allocated (shared ones never get one)
  std::optional<long long> requester;
  std::optional<long long> host;  // shared: the instance that serves it
  std::string connection_json = "{}";
  long long timestamp = 0;  // changes whenever anything the partition sees changes

  std::string guid() const { return "SOFT-" + std::to_string(id); }
  // Published: connection parameters exist (destroyed: once its partition is freed).
  bool ready() const;
};

struct Partition {
  std::string id;  // slappartN
  int number = 0;
  std::optional<Instance> instance;
};

struct Software {
  std::string url;
  std::string state;    // requested: available | destroyed
  std::string status;   // reported: "" (not built yet) | available | error | destroyed
  std::string message;
};

// The node's state database. Every change is one transaction.
class State {
 public:
  static Result<State> open(const Layout& layout);
  State(State&&) noexcept;
  State& operator=(State&&) noexcept;
  ~State();

  // Makes partitions slappart0..N-1 known (never forgets one that holds an instance).
  // Returns the ids of the partitions added.
  Result<std::vector<std::string>> format(unsigned count);

  // Records a request: creates or updates the instance (same title = same instance),
  // supplies its software release, allocates a free partition or a host (shared), and on
  // `destroyed` destroys the instances it requested. Returns the instance as it is now.
  Result<Instance> request(const InstanceRequest& request);
  Result<std::optional<Instance>> find(const std::string& title);
  Result<Instance> instance(long long id);
  Result<std::optional<Instance>> instance_on(const std::string& partition);
  Result<std::vector<Instance>> instances();
  Result<std::vector<Partition>> partitions();
  // The shared instances `host` serves, for its slave_instance_list.
  Result<std::vector<Instance>> hosted_by(long long host);
  // Title of the root of the tree `id` belongs to.
  Result<std::string> root_title(long long id);

  // Allocates partitions and hosts to instances still waiting for one.
  Status allocate();
  // Connection parameters an instance published (for itself or, shared, for it by its
  // host). A change makes its requester's partition reprocess.
  Status publish(long long id, const std::string& connection_json);
  Status report(long long id, const std::string& status, const std::string& message);
  // A promise anomaly: the instance's partition is processed again at the next run.
  Status bang(long long id);
  // The partition of a destroyed instance is empty again.
  Status free_partition(const std::string& partition);
  // Instances `requester` requested before but not in this run: destroyed (the garbage
  // collection of the tree, SlapOS's setComputerPartitionRelatedInstanceList).
  Result<std::vector<std::string>> keep_only_children(long long requester, const std::vector<std::string>& titles);

  Result<std::vector<Software>> software();
  // available: build it; destroyed: remove it (refused while instances use it).
  Status supply(const std::string& url, const std::string& state);
  Status report_software(const std::string& url, const std::string& status, const std::string& message);
  // Removes a destroyed release once its directory is gone.
  Status forget_software(const std::string& url);

  // Grows with every change of desired state or published parameters.
  Result<long long> clock();

 private:
  struct Impl;
  explicit State(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

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

// `slap node format`: the state database, the directories and N partitions.
Result<std::vector<std::string>> format(const Layout& layout, unsigned partitions);

// `slap node software`: builds each release still to build, removes destroyed ones. One
// run at a time (ROOT/var/run/software.lock: a second one fails at once).
Result<std::vector<SoftwareOutcome>> converge_software(const Options& options, const Context& ctx);

// `slap node instance`: processes each partition (spec/slapos-node.md §5), again while a
// pass changed what another partition depends on (a child publishing for its parent), at
// most a few passes. One run at a time (ROOT/var/run/instance.lock).
Result<InstanceReport> converge_instances(const Options& options, const Context& ctx);

}  // namespace slap::node
