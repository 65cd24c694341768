// slapos.cookbook:request, requestoptional and their .serialised forms: the partition asks
// the node for another instance (or a shared one), and reads back what it published as
// `connection-KEY` options. Upstream asks a master; slap's partitions are deployed by
// `slap node`, whose state the instance file names ("node-state"), and the request is
// recorded there while the section initialises, as upstream's constructor does.
//
// `request` fails its install while a `return` key is not published yet (the node then
// processes the partition again); `requestoptional` only warns. The titles requested
// during the run are recorded in .slapos-request-transaction-PARTITION: the node destroys
// the instances the partition requested before and no longer does.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"
#include "slap/node_state.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"
#include "slap/typed.hpp"

namespace slap::recipes {

namespace {

using json = nlohmann::json;

struct RequestVariant {
  bool optional = false;
  bool serialised = false;
};

class Request final : public Recipe {
 public:
  RequestVariant variant;
  std::string section;
  std::optional<Error> request_error;  // the request itself failed
  std::string missing;                 // first `return` key not published yet
  std::string status;                  // of the requested instance

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    if (request_error) {
      if (!variant.optional) return fail(*request_error);
      log_line(ic, "Optional request failed: " + request_error->message);
    } else if (!missing.empty()) {
      std::string message =
          variant.optional
              ? fmt::format("Connection parameter {} not found. Requested instance is currently {}. If this error "
                            "persists, check status of this instance.", missing, status)
              : fmt::format("Connection parameter {} not found. Status of requested instance is: {}. If this error "
                            "persists, check status of this instance.", missing, status);
      if (!variant.optional) return fail(ErrorKind::recipe, message);
      log_line(ic, message);
    }
    return std::vector<std::string>{};
  }
  Result<std::vector<std::string>> update(const InstallContext& ic) override { return install(ic); }
};

// The node's root, from the instance file `server-url` names ("slap-local:FILE").
Result<std::string> node_root(profile::Options& options) {
  std::string url = SLAP_TRY(options.at("server-url"));
  constexpr std::string_view scheme = "slap-local:";
  std::string root;
  if (url.starts_with(scheme)) {
    auto text = fs::read_file(url.substr(scheme.size()));
    if (text) {
      json doc = json::parse(*text, nullptr, false);
      if (doc.is_object()) root = doc.value("node-state", "");
    }
  }
  if (root.empty())
    return fail(option_error(options, "server-url",
                             fmt::format("'{}' is no slap node: only partitions deployed by `slap node` can request "
                                         "other instances (`slap request` + `slap node`)", url)));
  return root;
}

// config-KEY options: the parameters (typed values keep their type when serialised).
json parameters(profile::Options& options, bool serialised) {
  json out = json::object();
  for (const auto& key : options.keys()) {
    if (!key.starts_with("config-")) continue;
    auto value = options.get(key);
    if (!value || !*value) continue;
    auto text = typed::json_text(**value);
    out[key.substr(7)] = serialised && text ? json::parse(*text, nullptr, false) : json(typed::textual(**value));
  }
  return out;
}

// What the instance published, for the `return` keys.
std::map<std::string, std::string> published(const node::Instance& i, bool serialised) {
  std::map<std::string, std::string> out;
  json c = json::parse(i.connection_json, nullptr, false);
  if (!c.is_object()) return out;
  if (serialised) {
    if (!c.contains("_") || !c["_"].is_string()) return out;
    c = json::parse(c["_"].get<std::string>(), nullptr, false);
    if (!c.is_object()) return out;
  }
  for (const auto& [k, v] : c.items()) out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  return out;
}

Status record_transaction(profile::Resolver& resolver, const std::string& partition_id, const std::string& title) {
  std::string dir = SLAP_TRY(SLAP_TRY(resolver.section("buildout"))->at("directory"));
  std::string file = path::join(dir, ".slapos-request-transaction-" + partition_id);
  auto text = fs::read_file(file).value_or("");
  for (const auto& line : str::split(text, "\n"))
    if (line == title) return {};
  return fs::write_atomic(file, text + title + "\n", 0644, false);
}

Result<node::Instance> do_request(profile::Resolver& resolver, profile::Options& options, const node::InstanceRequest& r) {
  std::string partition_id = SLAP_TRY(options.at("partition-id"));
  SLAP_TRY(options.at("computer-id"));
  std::string root = SLAP_TRY(node_root(options));
  auto state = SLAP_TRY(node::State::open(node::Layout{root}));
  node::InstanceRequest request = r;
  if (auto requester = SLAP_TRY(state.instance_on(partition_id))) request.requester = requester->id;
  node::Instance i = SLAP_TRY(state.request(request));
  SLAP_CHECK(record_transaction(resolver, partition_id, r.title));
  return i;
}

Result<std::unique_ptr<Recipe>> make(profile::Resolver& resolver, profile::Options& options, RequestVariant variant) {
  auto recipe = std::make_unique<Request>();
  recipe->variant = variant;
  recipe->section = options.name();
  if (options.has("config") || options.has("sla"))
    return fail(option_error(options, options.has("config") ? "config" : "sla",
                             "'config' & 'sla' options are obsolete. Clean up your software release."));
  node::InstanceRequest r;
  r.software_url = SLAP_TRY(options.at("software-url"));
  r.title = SLAP_TRY(optional(options, "name"));
  if (r.title.empty()) {
    r.title = options.name();
    options.set("name", r.title);
  }
  r.software_type = SLAP_TRY(optional(options, "software-type"));
  if (r.software_type.empty() || r.software_type == "RootSoftwareInstance") r.software_type = "default";
  r.parameters_json = parameters(options, variant.serialised).dump();
  r.shared = SLAP_TRY(flag(options, "shared", SLAP_TRY(flag(options, "slave", false))));
  // The parent's state by default, unless it is being destroyed: that would destroy the
  // whole tree by accident.
  std::string fallback = "started";
  if (auto connection = resolver.section("slap-connection"))
    if (auto requested = (*connection)->get("requested"); requested && *requested &&
                                                          (**requested == "started" || **requested == "stopped"))
      fallback = **requested;
  r.state = SLAP_TRY(optional(options, "state"));
  if (r.state.empty()) r.state = fallback;
  options.set("requested-state", r.state);
  std::vector<std::string> returned = str::split_ws(SLAP_TRY(optional(options, "return")));

  std::map<std::string, std::string> values;
  auto instance = do_request(resolver, options, r);
  if (!instance) {
    recipe->request_error = options.located(std::move(instance.error()), "software-url");
  } else {
    values = published(*instance, variant.serialised);
    recipe->status = instance->status;
    if (!r.shared) {
      options.set("instance-guid", instance->guid());
      options.set("instance_guid", instance->guid());
      options.set("instance-state", instance->state);
      options.set("instance-status", instance->status);
    }
  }
  for (const auto& key : returned) {
    auto it = values.find(key);
    if (it == values.end() && recipe->missing.empty()) recipe->missing = key;
    options.set("connection-" + key, it == values.end() ? "" : it->second);
  }
  return std::unique_ptr<Recipe>(std::move(recipe));
}

}  // namespace

Result<std::unique_ptr<Recipe>> make_request(profile::Resolver& resolver, profile::Options& options, const Env&) {
  return make(resolver, options, {false, false});
}

Result<std::unique_ptr<Recipe>> make_request_serialised(profile::Resolver& resolver, profile::Options& options,
                                                        const Env&) {
  return make(resolver, options, {false, true});
}

Result<std::unique_ptr<Recipe>> make_request_optional(profile::Resolver& resolver, profile::Options& options,
                                                      const Env&) {
  return make(resolver, options, {true, false});
}

Result<std::unique_ptr<Recipe>> make_request_optional_serialised(profile::Resolver& resolver,
                                                                 profile::Options& options, const Env&) {
  return make(resolver, options, {true, true});
}

}  // namespace slap::recipes
