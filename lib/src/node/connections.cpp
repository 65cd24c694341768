// What a partition publishes (slapos.cookbook:publish writes it under .slap/) and what it
// requested (request recipes record it in .slapos-request-transaction-ID).
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "node/run.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::node::detail {

namespace {

using json = nlohmann::json;

std::vector<std::string> json_files(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

Result<json> read_object(const std::string& file) {
  json doc = json::parse(SLAP_TRY(fs::read_file(file)), nullptr, false);
  if (!doc.is_object()) return fail(ErrorKind::io, fmt::format("{}: not a JSON object", file));
  return doc;
}

// Connection values are strings, as a master keeps them.
std::string as_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

Status collect_connections(Run& run, const Instance& instance, const std::string& dir) {
  json own = json::object();
  // publish-early's files (.early-*) stand until another publication replaces them.
  auto files = json_files(path::join(dir, ".slap/connection"));
  auto early = [](const std::string& f) { return path::basename(f).starts_with(".early-"); };
  if (std::any_of(files.begin(), files.end(), [&](const std::string& f) { return !early(f); }))
    std::erase_if(files, early);
  for (const auto& f : files) {
    json doc = SLAP_TRY(read_object(f));
    for (const auto& [k, v] : doc.items()) own[k] = as_text(v);
  }
  SLAP_CHECK(run.state.publish(instance.id, own.dump()));
  // For shared instances: {"reference": "SOFT-N", "parameters": {...}} per publishing section.
  std::map<std::string, json> shared;
  for (const auto& f : json_files(path::join(dir, ".slap/connection-shared"))) {
    json doc = SLAP_TRY(read_object(f));
    std::string reference = doc.value("reference", "");
    json& target = shared[reference];
    if (target.is_null()) target = json::object();
    if (doc.contains("parameters") && doc["parameters"].is_object())
      for (const auto& [k, v] : doc["parameters"].items()) target[k] = as_text(v);
  }
  for (const auto& hosted : SLAP_TRY(run.state.hosted_by(instance.id))) {
    auto it = shared.find(hosted.guid());
    SLAP_CHECK(run.state.publish(hosted.id, it == shared.end() ? "{}" : it->second.dump()));
  }
  return {};
}

std::string request_transaction_file(const std::string& dir, const std::string& partition_id) {
  return path::join(dir, ".slapos-request-transaction-" + partition_id);
}

std::vector<std::string> read_request_transaction(const std::string& file) {
  std::vector<std::string> titles;
  auto text = fs::read_file(file);
  if (!text) return titles;
  for (const auto& line : str::split(*text, "\n"))
    if (!line.empty()) titles.push_back(line);
  return titles;
}

}  // namespace slap::node::detail
