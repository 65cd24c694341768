// Requests checked as `slap instantiate` checks parameters: against the schema the
// release's software.cfg.json gives for the software type.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "slap/fs.hpp"
#include "slap/node.hpp"
#include "slap/paths.hpp"
#include "slap/schema.hpp"

namespace slap::node {

namespace {

using json = nlohmann::json;

// The request schema of the shared type serving `type`: an entry declared "shared": true
// whose key or "software-type" is `type`. "" when the release declares none.
Result<std::string> shared_schema(const std::string& file, const std::string& type) {
  json doc = json::parse(SLAP_TRY(fs::read_file(file)), nullptr, false);
  if (!doc.is_object()) return fail(ErrorKind::input, fmt::format("{}: not a JSON object", file));
  const json types = doc.value("software-type", json::object());
  for (const auto& [key, entry] : types.items()) {
    if (!entry.is_object() || !entry.value("shared", false)) continue;
    if (key != type && entry.value("software-type", "") != type) continue;
    std::string request = entry.value("request", "");
    return request.empty() ? std::string() : path::join(path::dirname(file), request);
  }
  return std::string();
}

}  // namespace

Status check_request(const InstanceRequest& r) {
  if (path::is_url(r.software_url)) return {};
  std::string file = path::join(path::dirname(r.software_url), "software.cfg.json");
  if (!fs::exists(file) || r.state == "destroyed") return {};
  std::string schema;
  if (r.shared) {
    schema = SLAP_TRY(shared_schema(file, r.software_type));
  } else {
    auto st = schema::software_type_of(file, r.software_type);
    if (!st) return fail(std::move(st.error()));
    schema = st->request_schema;
  }
  if (schema.empty()) return {};
  json params = json::parse(r.parameters_json, nullptr, false);
  if (params.is_object() && params.size() == 1 && params.contains("_") && params["_"].is_string())
    params = json::parse(params["_"].get<std::string>(), nullptr, false);
  return schema::validate(params.dump(), schema);
}

}  // namespace slap::node
