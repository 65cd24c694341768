// From argv to a finished command: global options, config, the selected command's action.
#pragma once

#include <string>

#include "app.hpp"

namespace slap::cli {

struct Invocation {
  std::string command;        // empty when only --help/--version/help ran
  Outcome outcome;
  bool json = false;
  std::vector<std::string> warnings;
};

// Parses argv and runs the command. Errors (usage, config, the command's own) come back
// as the Result's error; `json` and `command` (the command's name, "" when there is none)
// are known even then, from a pre-scan of argv.
Result<Invocation> run_command_line(int argc, char** argv, bool& json, std::string& command, CancelToken& cancel);

}  // namespace slap::cli
