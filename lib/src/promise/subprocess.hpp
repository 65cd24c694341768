// Running a promise's process: its own process group (so a timeout kills everything it
// started), stdin from /dev/null, stdout and stderr captured up to a bound, a deadline.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "slap/context.hpp"

namespace slap::promise {

inline constexpr std::size_t capture_limit = 64 * 1024;  // bytes kept of each stream (the end)

struct Command {
  std::vector<std::string> argv;         // argv[0] is a path, not looked up in PATH
  std::string cwd;
  std::vector<std::string> environment;  // KEY=VALUE
  std::chrono::steady_clock::time_point deadline;
  const CancelToken* cancel = nullptr;
};

struct Completion {
  enum class End { exited, signaled, timed_out, cancelled, not_started };
  End end = End::not_started;
  int status = 0;        // exit code, or signal number when signaled
  std::string out, err;  // the last capture_limit bytes of each stream
  std::string error;     // not_started: why
};

// On timeout or cancellation the whole process group gets SIGKILL. Processes it left
// behind that still hold its output open are killed 100 ms after it exits.
Completion run_command(const Command& command);

}  // namespace slap::promise
