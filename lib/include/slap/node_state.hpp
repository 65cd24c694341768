// The node's state database (ROOT/node.db, SQLite in WAL mode) and where a node keeps
// things (slap/node.hpp shows the whole layout): the desired state `slap request` and the
// request recipes record, and the state `slap node` reports. A module of its own, below
// the recipes, because request recipes write to it while the node builds with them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slap/error.hpp"

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

// `slap node format`: the state database, the directories and N partitions.
Result<std::vector<std::string>> format(const Layout& layout, unsigned partitions);

}  // namespace slap::node
