// slap instantiate: the partition's buildout.cfg is the software's instance.cfg plus the
// tail a SlapOS node appends (spec/slapos-node.md §3.1), built with the build engine.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "slap/fs.hpp"
#include "slap/instance.hpp"
#include "slap/paths.hpp"
#include "slap/schema.hpp"
#include "slap/strings.hpp"

namespace slap::instance {

namespace {

using json = nlohmann::json;

Result<std::string> instance_profile(const std::string& software_dir) {
  for (const char* name : {"instance.cfg", "template.cfg"}) {
    std::string p = path::join(software_dir, name);
    if (fs::exists(p)) return p;
  }
  return fail(Error(ErrorKind::input,
                    fmt::format("software release {} is not correctly installed: missing file instance.cfg "
                                "(run `slap build` there first)", software_dir)));
}

std::string software_url(const Request& r) {
  return r.software_url.empty() ? path::join(r.software_dir, "software.cfg") : r.software_url;
}

std::string tail(const Request& r, const std::string& instance_file) {
  std::string shared = str::join(r.build.shared_dirs, "\n  ");
  return fmt::format(R"(
# This is beginning of zc.buildout profile's tail added by slap instantiate
[buildout]
bin-directory = ${{buildout:directory}}/sbin
offline = true

[slap-connection]
computer-id = {0}
partition-id = {1}
server-url = slap-local:{2}
software-release-url = {3}
key-file =
cert-file =
shared-part-list =
  {4}
requested-state = {5}

[slap_connection]
# Kept for backward compatiblity
computer_id = {0}
partition_id = {1}
server_url = slap-local:{2}
software_release_url = {3}
key_file =
cert_file =

[storage-configuration]
storage-home =

[network-information]
global-ipv4-network =
# This is end of zc.buildout profile's tail added by slap instantiate
)",
                     r.computer_id, r.partition_id, instance_file, software_url(r), shared, r.state);
}

// What the native slapconfiguration recipe reads instead of asking a master.
Status write_instance_file(const Request& r, const schema::SoftwareType& st, const std::string& file) {
  json params = json::parse(r.parameters_json);
  if (st.serialised) params = json{{"_", params.dump()}};
  std::string title = r.title.empty() ? r.partition_id : r.title;
  json doc = {{"software-type", st.name}, {"parameters", params}, {"partition-id", r.partition_id},
              {"computer-id", r.computer_id}, {"software-release-url", software_url(r)},
              {"state", r.state}, {"instance-title", title},
              {"root-instance-title", r.root_title.empty() ? title : r.root_title},
              {"instance-guid", r.guid.empty() ? "SOFT-" + r.partition_id : r.guid}, {"ipv4", r.ipv4}, {"ipv6", r.ipv6},
              {"slave-instance-list", json::parse(r.shared_instances_json)}};
  if (!r.node_state.empty()) doc["node-state"] = r.node_state;
  // The timestamp changes only when the request changes (as a master's would).
  doc["timestamp"] = r.timestamp.empty() ? std::to_string(std::hash<std::string>{}(doc.dump()) % 10000000000ULL)
                                         : r.timestamp;
  return fs::write_atomic(file, doc.dump(1) + "\n", 0640);
}

Result<std::map<std::string, std::string>> read_connection(const std::string& partition) {
  std::map<std::string, std::string> out;
  std::string dir = path::join(partition, ".slap/connection");
  if (!fs::is_dir(dir)) return out;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    json doc = json::parse(SLAP_TRY(fs::read_file(f)), nullptr, false);
    if (!doc.is_object()) return fail(Error(ErrorKind::io, fmt::format("{}: not a JSON object", f)));
    for (const auto& [k, v] : doc.items()) out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out;
}

// The files a request writes into the partition, as they were before it.
class PreviousRequest {
 public:
  explicit PreviousRequest(std::vector<std::string> files) {
    for (auto& f : files) {
      auto text = fs::read_file(f);
      saved_.push_back({std::move(f), text ? std::optional<std::string>(std::move(*text)) : std::nullopt});
    }
  }
  Status restore() const {
    for (const auto& [file, text] : saved_) SLAP_CHECK(text ? fs::write_atomic(file, *text, 0640) : fs::remove_all(file));
    return {};
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// The software type as software.cfg.json describes it.
Result<schema::SoftwareType> described_type(const Request& r) {
  if (r.software_json.empty()) return schema::software_type(r.software_dir, r.software_type);
  if (fs::exists(r.software_json)) return schema::software_type_of(r.software_json, r.software_type);
  return schema::SoftwareType{r.software_type == "RootSoftwareInstance" ? "default" : r.software_type, "", false};
}

}  // namespace

Result<Result_> instantiate(const Request& r, const Context& ctx) {
  schema::SoftwareType st = SLAP_TRY(described_type(r));
  if (!st.request_schema.empty())
    SLAP_CHECK(schema::validate(r.parameters_json, st.request_schema));
  std::string profile_file = SLAP_TRY(instance_profile(r.software_dir));
  SLAP_CHECK(make_layout(r.partition));
  std::string instance_file = path::join(r.partition, ".slap/instance.json");
  std::string buildout_cfg = path::join(r.partition, "buildout.cfg");
  PreviousRequest previous({instance_file, buildout_cfg});
  SLAP_CHECK(write_instance_file(r, st, instance_file));
  std::string profile = SLAP_TRY(fs::read_file(profile_file));
  SLAP_CHECK(fs::write_atomic(buildout_cfg, profile + (profile.ends_with('\n') ? "" : "\n") + tail(r, instance_file), 0640));

  build::Options bo = r.build;
  bo.profile = buildout_cfg;
  bo.cwd = r.partition;
  Result_ out;
  auto built = build::build(bo, ctx);
  if (!built) {
    // The partition goes on with the request it was built for: an error found before any
    // part changed (parameters, profile, templates) leaves it as it was.
    if (Status restored = previous.restore(); !restored)
      ctx.warn(fmt::format("could not restore the previous request: {}", restored.error().describe()));
    return fail(std::move(built.error()));
  }
  out.build = std::move(*built);
  out.connection = SLAP_TRY(read_connection(r.partition));
  return out;
}

}  // namespace slap::instance
