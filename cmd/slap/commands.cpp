// The command table: every subcommand with its one-line summary, in `slap --help` order.
#include <algorithm>

#include "app.hpp"
#include "slap/strings.hpp"

namespace slap::cli {

void add_build_command(CLI::App& app, Action& action);
void add_instantiate_command(CLI::App& app, Action& action);
void add_show_command(CLI::App& app, Action& action);
void add_config_command(CLI::App& app, Action& action);
void add_cache_push_command(CLI::App& app, Action& action);
void add_cache_serve_command(CLI::App& app, Action& action);
void add_sync_command(CLI::App& app, Action& action);
void add_promise_command(CLI::App& app, Action& action);
void add_freeze_command(CLI::App& app, Action& action);
void add_release_command(CLI::App& app, Action& action);
void add_render_command(CLI::App& app, Action& action);
void add_request_command(CLI::App& app, Action& action);
void add_node_command(CLI::App& app, Action& action);
void add_usage_command(CLI::App& app, Action& action);
void add_completion_command(CLI::App& app, Action& action);

namespace {
const CommandSpec table[] = {
    {"build", "install the parts of a profile, in parallel and incrementally", add_build_command},
    {"instantiate", "deploy a built software release into a partition directory", add_instantiate_command},
    {"show", "print the resolved profile, with where each value comes from", add_show_command},
    {"config", "print slap's settings and where each comes from", add_config_command},
    {"cache-push", "upload files or the download cache to Shacache", add_cache_push_command},
    {"cache-serve", "serve a Shacache/Shadir cache from a directory", add_cache_serve_command},
    {"sync", "pull from or push to a peer cache what the other side lacks", add_sync_command},
    {"promise", "run a partition's promises (health checks), list them, show their history", add_promise_command},
    {"freeze", "pin every download checksum and git revision of a profile", add_freeze_command},
    {"release", "lint, freeze, update template hashes, tag, archive and pre-cache a release", add_release_command},
    {"render", "render a Jinja2 template with a JSON context", add_render_command},
    {"request", "ask the node for an instance and print its connection parameters", add_request_command},
    {"node", "deploy the requested instances on this machine, and keep them running", add_node_command},
    {"usage", "what each partition consumed: collect it into a ledger, report it, export it", add_usage_command},
    {"completion", "print a bash or zsh completion script for slap", add_completion_command},
};
}  // namespace

std::span<const CommandSpec> command_table() { return table; }

const CommandSpec* find_command(std::string_view name) {
  for (const auto& c : table)
    if (name == c.name) return &c;
  return nullptr;
}

std::string suggest_command(std::string_view name) {
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& c : table) {
    std::size_t d = str::edit_distance(name, c.name);
    if (std::string_view(c.name).starts_with(name) && !name.empty()) d = std::min<std::size_t>(d, 1);
    if (d < best_distance) {
      best_distance = d;
      best = c.name;
    }
  }
  return best;
}

nlohmann::json error_json(const Error& e) {
  nlohmann::json j = {{"kind", ""}, {"message", e.message}, {"exit_code", exit_code_for(e.kind)}};
  static const char* kinds[] = {"usage", "input", "io", "network", "checksum", "recipe",
                                "promise", "drift", "interrupted", "internal"};
  j["kind"] = kinds[static_cast<int>(e.kind)];
  if (!e.where.file.empty()) {
    j["file"] = e.where.file;
    if (e.where.line > 0) j["line"] = e.where.line;
    if (e.where.column > 0) j["column"] = e.where.column;
  }
  if (!e.cls.empty()) j["class"] = e.cls;
  if (!e.context.empty()) j["context"] = e.context;
  return j;
}

}  // namespace slap::cli
