// How `slap node` and `slap request` show things: the JSON documents of slap-node(1) and
// slap-request(1), and the human lines.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app.hpp"
#include "slap/node.hpp"
#include "slap/supervisor.hpp"

namespace slap::cli {

// --root DIR, else node.root; absolute.
std::string node_root(const Env& env, const std::string& root);

nlohmann::json instance_json(const node::Instance& i);
nlohmann::json request_json(const node::Instance& i);
void print_request(Terminal& t, const node::Instance& i);

nlohmann::json software_json(const std::vector<node::SoftwareOutcome>& outcomes);
void print_software(Terminal& t, const std::vector<node::SoftwareOutcome>& outcomes, bool failures_only);
nlohmann::json instance_report_json(const node::InstanceReport& report);
void print_instances(Terminal& t, const node::InstanceReport& report, bool failures_only);

// The error a run ends with when something failed: exit 1, or 4 when only promises did.
std::optional<Error> run_error(const std::vector<node::SoftwareOutcome>& software, const node::InstanceReport* instances);

struct NodeStatus {
  std::string root;
  bool supervisord = false;
  std::vector<node::Software> software;
  std::vector<node::Partition> partitions;
  std::vector<node::Instance> shared;
  std::vector<supervisor::ProcessInfo> processes;
};
nlohmann::json status_json(const NodeStatus& s);
void print_status(Terminal& t, const NodeStatus& s);

}  // namespace slap::cli
