// Instances: deploying a built software release into a partition directory, as
// `slapos node instance` does (spec/slapos-node.md), without a master: parameters come
// from a file and the command line, and published connection parameters are read back
// from the partition.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "slap/build.hpp"
#include "slap/context.hpp"
#include "slap/error.hpp"

namespace slap::instance {

// Instance parameters as JSON text (an object). Loaded from .json, .yaml/.yml or .toml
// (by extension), then `key=value` (a string) and `key:=json` (a JSON value) assignments.
Result<std::string> load_parameters(const std::string& file, const std::vector<std::string>& assignments);

// The partition layout of spec/slapos-node.md §3 (etc/, etc/promise, etc/plugin,
// etc/service, etc/run, bin/, srv/, var/log, var/run, tmp/, .slapgrid/...).
Status make_layout(const std::string& partition);

struct Request {
  std::string software_dir;    // built software release: instance.cfg (or template.cfg) lives here
  std::string partition;       // partition directory (created)
  std::string software_type = "default";
  std::string parameters_json = "{}";
  std::string partition_id = "slappart0";
  std::string computer_id = "slap-local";
  build::Options build;        // profile/cwd are set by instantiate()
  // What a node sets (slap node instance); `slap instantiate` keeps the defaults.
  std::string software_url;    // software-release-url; default SOFTWARE_DIR/software.cfg
  // The software.cfg.json describing the types; default SOFTWARE_DIR/software.cfg.json.
  // When set and absent, the type is taken as it is, without schema.
  std::string software_json;
  std::string state = "started";
  std::string title;           // instance-title; default: the partition id
  std::string root_title;      // root-instance-title; default: the title
  std::string guid;            // instance-guid; default: SOFT-<partition id>
  std::string timestamp;       // default: a digest of the request
  std::string shared_instances_json = "[]";  // slave_instance_list
  std::vector<std::string> ipv4{"127.0.0.1"};
  std::vector<std::string> ipv6{"::1"};
  std::string node_state;      // the node's state database, for request recipes; "" outside a node
};

struct Result_ {
  std::map<std::string, std::string> connection;  // published connection parameters
  build::Report build;
};

// Lays out the partition, validates the parameters, writes the partition's buildout.cfg
// (the software's instance.cfg plus the tail SlapOS instance profiles expect), builds it,
// and returns the published connection parameters.
Result<Result_> instantiate(const Request& request, const Context& ctx);

}  // namespace slap::instance
