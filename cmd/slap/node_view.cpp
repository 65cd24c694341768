#include "node_view.hpp"

#include <fmt/format.h>

#include "slap/paths.hpp"
#include "slap/promise.hpp"
#include "slap/strings.hpp"

namespace slap::cli {

namespace {

using json = nlohmann::json;

// Connection parameters to show: a serialised {"_": "<json object>"} is unwrapped.
json shown_connection(const std::string& text) {
  json c = json::parse(text, nullptr, false);
  if (c.is_object() && c.size() == 1 && c.contains("_") && c["_"].is_string()) {
    json inner = json::parse(c["_"].get<std::string>(), nullptr, false);
    if (inner.is_object()) return inner;
  }
  return c.is_object() ? c : json::object();
}

std::string value_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

std::string node_root(const Env& env, const std::string& root) {
  return path::normpath(path::abspath(root.empty() ? env.config.get("node.root") : root, env.cwd));
}

json instance_json(const node::Instance& i) {
  return {{"title", i.title},
          {"guid", i.guid()},
          {"software_url", i.software_url},
          {"software_type", i.software_type},
          {"shared", i.shared},
          {"state", i.state},
          {"status", i.status},
          {"message", i.message},
          {"partition", i.partition.empty() ? json(nullptr) : json(i.partition)},
          {"parameters", json::parse(i.parameters_json, nullptr, false)},
          {"connection", shown_connection(i.connection_json)},
          {"timestamp", i.timestamp}};
}

json request_json(const node::Instance& i) {
  json j = instance_json(i);
  j["ready"] = i.ready();
  return j;
}

void print_request(Terminal& t, const node::Instance& i) {
  json c = shown_connection(i.connection_json);
  if (i.state != "destroyed")
    for (const auto& [k, v] : c.items()) t.out(fmt::format("{} = {}\n", k, value_text(v)));
  if (i.ready()) {
    if (i.state == "destroyed") t.note(fmt::format("'{}' is destroyed", i.title));
    return;
  }
  std::string why = i.message.empty() ? "" : ": " + first_line(i.message);
  if (i.state == "destroyed")
    t.note(fmt::format("'{}' will be destroyed by the next `slap node instance` ({}{})", i.title, i.status, why));
  else
    t.note(fmt::format("'{}' is not ready yet ({}{}): `slap node` deploys it", i.title, i.status, why));
}

json software_json(const std::vector<node::SoftwareOutcome>& outcomes) {
  json out = json::array();
  for (const auto& o : outcomes)
    out.push_back({{"url", o.url}, {"path", o.path}, {"action", node::action_name(o.action)}, {"seconds", o.seconds},
                   {"error", o.error.empty() ? json(nullptr) : json(o.error)}});
  return out;
}

void print_software(Terminal& t, const std::vector<node::SoftwareOutcome>& outcomes, bool failures_only) {
  for (const auto& o : outcomes) {
    bool failed = o.action == node::SoftwareOutcome::Action::failed;
    if (o.action == node::SoftwareOutcome::Action::kept || (failures_only && !failed)) continue;
    t.out(fmt::format("{} {} ({:.1f} s){}\n", t.style(failed ? Style::bad : Style::good, std::string(node::action_name(o.action))),
                      o.url, o.seconds, failed ? ": " + o.error : ""));
  }
}

json instance_report_json(const node::InstanceReport& report) {
  json parts = json::array();
  for (const auto& p : report.partitions)
    parts.push_back({{"partition", p.partition},
                     {"title", p.title.empty() ? json(nullptr) : json(p.title)},
                     {"action", node::action_name(p.action)},
                     {"status", p.status},
                     {"error", p.error.empty() ? json(nullptr) : json(p.error)},
                     {"promise_failed", p.promise_failed},
                     {"seconds", p.seconds}});
  return {{"partitions", parts}, {"passes", report.passes}};
}

void print_instances(Terminal& t, const node::InstanceReport& report, bool failures_only) {
  for (const auto& p : report.partitions) {
    bool failed = p.action == node::PartitionOutcome::Action::failed;
    bool quiet = p.action == node::PartitionOutcome::Action::skipped || p.action == node::PartitionOutcome::Action::free;
    if ((quiet && t.verbosity() < 1) || (failures_only && !failed)) continue;
    std::string what = fmt::format("{} {} '{}'", p.partition, node::action_name(p.action), p.title);
    if (p.action == node::PartitionOutcome::Action::free) what = p.partition + " free";
    if (failed) t.out(fmt::format("{}: {}\n", t.style(Style::bad, what), p.error));
    else t.out(fmt::format("{} ({}{})\n", what, p.status, p.seconds > 0 ? fmt::format(", {:.1f} s", p.seconds) : ""));
  }
}

std::optional<Error> run_error(const std::vector<node::SoftwareOutcome>& software, const node::InstanceReport* instances) {
  std::vector<std::string> failed;
  bool promises_only = true;
  for (const auto& s : software)
    if (s.action == node::SoftwareOutcome::Action::failed) {
      failed.push_back(s.url);
      promises_only = false;
    }
  if (instances)
    for (const auto& p : instances->partitions)
      if (p.action == node::PartitionOutcome::Action::failed) {
        failed.push_back(p.partition);
        promises_only = promises_only && p.promise_failed;
      }
  if (failed.empty()) return std::nullopt;
  return Error(promises_only ? ErrorKind::promise : ErrorKind::recipe,
               fmt::format("{} failed: {}", failed.size() == 1 ? "1 release or partition" : fmt::format("{} releases or partitions", failed.size()),
                           str::join(failed, ", ")));
}

json status_json(const NodeStatus& s) {
  json software = json::array();
  for (const auto& sw : s.software)
    software.push_back({{"url", sw.url}, {"state", sw.state}, {"status", sw.status},
                        {"message", sw.message.empty() ? json(nullptr) : json(sw.message)}});
  json partitions = json::array();
  for (const auto& p : s.partitions) {
    json services = json::array();
    for (const auto& proc : s.processes)
      if (proc.group == p.id)
        services.push_back({{"name", proc.name}, {"state", proc.state}, {"up", proc.up()},
                            {"pid", proc.pid ? json(proc.pid) : json(nullptr)}, {"description", proc.description}});
    json promises = json::array();
    std::string dir = path::join(path::join(s.root, "instance"), p.id);
    for (const auto& pr : promise::discover(dir).value_or(std::vector<promise::Promise>{})) {
      auto st = promise::load_status(dir, pr);
      promises.push_back({{"title", pr.title},
                          {"failed", st ? json(st->failed) : json(nullptr)},
                          {"message", st ? json(st->message) : json(nullptr)},
                          {"date", st ? json(st->date) : json(nullptr)}});
    }
    partitions.push_back({{"id", p.id},
                          {"instance", p.instance ? instance_json(*p.instance) : json(nullptr)},
                          {"services", services},
                          {"promises", promises}});
  }
  json shared = json::array();
  for (const auto& i : s.shared) shared.push_back(instance_json(i));
  return {{"root", s.root}, {"supervisord", {{"running", s.supervisord}}}, {"software", software},
          {"partitions", partitions}, {"shared", shared}};
}

void print_status(Terminal& t, const NodeStatus& s) {
  json j = status_json(s);
  t.out(fmt::format("node {} (supervisord {})\n", s.root, s.supervisord ? "running" : "not running"));
  for (const auto& sw : j["software"])
    t.out(fmt::format("release {} {}\n", sw["url"].get<std::string>(),
                      sw["status"].get<std::string>().empty() ? "not built" : sw["status"].get<std::string>()));
  for (const auto& p : j["partitions"]) {
    if (p["instance"].is_null()) {
      t.out(fmt::format("{} free\n", p["id"].get<std::string>()));
      continue;
    }
    const json& i = p["instance"];
    std::string message = i["message"].get<std::string>();
    t.out(fmt::format("{} '{}' {} {}: {}{}\n", p["id"].get<std::string>(), i["title"].get<std::string>(),
                      i["software_type"].get<std::string>(), i["state"].get<std::string>(), i["status"].get<std::string>(),
                      message.empty() ? "" : " (" + first_line(message) + ")"));
    for (const auto& svc : p["services"])
      t.out(fmt::format("  service {} {}{}\n", svc["name"].get<std::string>(), svc["state"].get<std::string>(),
                        svc["pid"].is_null() ? "" : fmt::format(" pid {}", svc["pid"].get<long>())));
    for (const auto& pr : p["promises"])
      t.out(fmt::format("  promise {} {}\n", pr["title"].get<std::string>(),
                        pr["failed"].is_null() ? "not run" : pr["failed"].get<bool>() ? "FAILED: " + first_line(pr["message"].get<std::string>()) : "OK"));
  }
  for (const auto& i : j["shared"])
    t.out(fmt::format("shared '{}' {}: {}\n", i["title"].get<std::string>(), i["state"].get<std::string>(),
                      i["status"].get<std::string>()));
}

}  // namespace slap::cli
