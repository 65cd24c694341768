// What the node's converge steps share (slap/node.hpp has the public side).
#pragma once

#include <string>
#include <vector>

#include "slap/node.hpp"
#include "slap/supervisor.hpp"

namespace slap::node::detail {

struct Run {
  const Options& options;
  const Context& ctx;
  State& state;
  supervisor::Supervisor& supervisor;
};

// One partition (spec/slapos-node.md §5): skipped when up to date (then only its
// promises' anomalies are checked, with `anomaly`), processed, or destroyed.
PartitionOutcome process_partition(Run& run, const Partition& partition, bool anomaly);
// Stops the partition's services, empties it and frees it (honouring the retention lock).
PartitionOutcome destroy_partition(Run& run, const Partition& partition, const Instance& instance);

// The partition's etc/service/* and etc/run/* as a supervisord group.
supervisor::Group service_group(const std::string& partition_id, const std::string& dir, bool started);
// Makes supervisord run the group (starting supervisord when the group has programs).
Status update_services(Run& run, const supervisor::Group& group);

// Deployment check after processing: failing promises are measured again until they pass
// or Options::promise_wait has gone by. "" when all pass, else what failed.
Result<std::string> check_promises(Run& run, const std::string& dir);
// One deployment check whose verdict is not used: the results of a partition whose
// processing failed stay current (what check_partition_deployment_state reports).
void refresh_promises(Run& run, const std::string& dir);
// Periodic anomaly check of an up-to-date partition; true when a promise banged.
Result<bool> check_anomalies(Run& run, const std::string& dir);

// Stores what the partition published, for itself and for the shared instances it hosts.
Status collect_connections(Run& run, const Instance& instance, const std::string& dir);

// The titles the partition's request recipes asked for during this processing.
std::string request_transaction_file(const std::string& dir, const std::string& partition_id);
std::vector<std::string> read_request_transaction(const std::string& file);

}  // namespace slap::node::detail
