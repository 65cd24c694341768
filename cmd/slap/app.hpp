// Shared types of the command layer: global options, what a command receives (Env) and
// returns (Outcome), and the command table.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>

#include "slap/config.hpp"
#include "slap/context.hpp"
#include "slap/error.hpp"
#include "slap/process.hpp"
#include "terminal.hpp"

namespace CLI {
class App;
}

namespace slap::cli {

struct Globals {
  std::string chdir;
  std::string config_file;
  std::string color = "auto";
  int verbose = 0;
  bool quiet = false;
  bool json = false;
  bool no_progress = false;
  bool offline = false;
  int jobs = 0;  // 0 = from config
};

struct Env {
  Globals& globals;
  Terminal& term;
  const Config& config;
  Context ctx;
  std::string cwd;
  std::map<std::string, std::string> environ;
};

// slap's environment, as the processes it starts (and git, supervisord...) inherit it.
inline process::Environment environment_of(const Env& env) { return {env.environ.begin(), env.environ.end()}; }

// What a command produced: the --json "result", its exit code, and an error that still
// comes with a result (e.g. `slap show` on a profile whose parts cannot be installed).
struct Outcome {
  nlohmann::json result = nullptr;
  int exit_code = 0;
  std::optional<Error> error;
};

using Action = std::function<Result<Outcome>(Env&)>;

struct CommandSpec {
  const char* name;
  const char* summary;
  // Adds the subcommand to `app`; when it is selected, its callback stores the action.
  void (*add)(CLI::App& app, Action& action);
};

std::span<const CommandSpec> command_table();
const CommandSpec* find_command(std::string_view name);
// "did you mean" candidates for an unknown command name.
std::string suggest_command(std::string_view name);

nlohmann::json error_json(const Error& e);

}  // namespace slap::cli
