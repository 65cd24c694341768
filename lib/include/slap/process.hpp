// Running a child program: its own process group (a timeout or Ctrl-C stops everything it
// started), stdin from /dev/null, output appended to a log file or captured (the last
// bytes), a deadline, cancellation.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "slap/context.hpp"
#include "slap/error.hpp"

namespace slap::process {

using Environment = std::vector<std::pair<std::string, std::string>>;

struct Spec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH (of `env`) when it has no '/'
  std::string cwd;                // empty: inherit
  Environment env;                // the child's whole environment
  std::string log_file;           // when set, stdout and stderr are appended to it
  std::size_t capture_limit = 64 * 1024;  // otherwise: bytes kept of each stream (the end)
  std::optional<std::chrono::steady_clock::time_point> deadline;
  const CancelToken* cancel = nullptr;
};

struct Outcome {
  enum class End { exited, signaled, timed_out, cancelled };
  End end = End::exited;
  int status = 0;        // exit code, or the signal number when signaled
  std::string out, err;  // captured output (empty with log_file)

  bool ok() const { return end == End::exited && status == 0; }
  // "exited with status 2", "killed by signal 9", "timed out", "interrupted".
  std::string describe() const;
};

// Fails only when the program cannot be started (ErrorKind::io, naming it).
Result<Outcome> run(const Spec& spec);

// KEY=VALUE strings (environ) to pairs; later duplicates win.
Environment parse_environment(char** environ);
// Value of `key` in env, or "".
std::string lookup(const Environment& env, std::string_view key);
// Sets or replaces `key`.
void set(Environment& env, const std::string& key, std::string value);

// Shell quoting for display and for generated scripts: 'a b' -> "'a b'".
std::string shell_quote(std::string_view word);

}  // namespace slap::process
