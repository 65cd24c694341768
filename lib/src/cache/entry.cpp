// Shadir entries on the wire (spec/networkcache.md §2.2): [ENTRY_JSON, SIGNATURE] pairs where
// ENTRY_JSON is JSON text inside a JSON string, kept byte for byte because it is signed.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "slap/cache.hpp"

namespace slap::cache {

namespace {

// The "sha512" of an ENTRY_JSON object, or "" when there is no usable one.
std::string sha512_of(const std::string& info) {
  auto object = nlohmann::json::parse(info, nullptr, false);
  if (!object.is_object()) return "";
  auto it = object.find("sha512");
  if (it == object.end() || !it->is_string()) return "";
  std::string hex = it->get<std::string>();
  return is_sha512_hex(hex) ? hex : "";
}

}  // namespace

Result<std::vector<Entry>> parse_entries(std::string_view body) {
  auto list = nlohmann::json::parse(body, nullptr, false);
  if (!list.is_array()) return fail(ErrorKind::network, "Failed to parse json response: not a JSON list");
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& pair = list[i];
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
      return fail(ErrorKind::network,
                  fmt::format("Failed to parse json response: entry {} is not a pair of strings", i + 1));
    Entry e;
    e.info = pair[0].get<std::string>();
    e.signature = pair[1].get<std::string>();
    e.sha512 = sha512_of(e.info);
    entries.push_back(std::move(e));
  }
  return entries;
}

std::string entry_body(std::string_view info, std::string_view signature) {
  return nlohmann::json::array({std::string(info), std::string(signature)}).dump();
}

std::string make_entry_info(const std::string& sha512,
                            const std::vector<std::pair<std::string, std::string>>& fields) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : fields) object[name] = value;
  object["sha512"] = sha512;
  return object.dump();
}

}  // namespace slap::cache
