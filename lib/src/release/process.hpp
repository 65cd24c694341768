// Running a helper program (git) and collecting what it prints.
#pragma once

#include <string>
#include <vector>

#include "slap/error.hpp"

namespace slap::release {

struct ProcessResult {
  int exit_code = 0;  // 128 + signal when killed
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up in PATH) in `cwd` with stdin from /dev/null. Failing to start it
// is an error; a non-zero exit is not.
Result<ProcessResult> run_process(const std::vector<std::string>& argv, const std::string& cwd);

}  // namespace slap::release
