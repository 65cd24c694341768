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

// A program slap talks to while it runs (a helper process), started like run() starts
// one: its own process group, a guard that kills the group if slap dies, stdin from
// /dev/null. Destroying it stops it (SIGTERM to the group, SIGKILL after a grace time).
class Child {
 public:
  Child() = default;
  Child(Child&& o) noexcept : pid_(o.pid_), ended_(std::move(o.ended_)) { o.pid_ = -1; }
  Child& operator=(Child&& o) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() { stop(); }

  int pid() const { return pid_; }
  // How it ended, once it has (never blocks).
  std::optional<Outcome> poll();
  // Stops the whole group and reaps the program; returns how it ended.
  Outcome stop(std::chrono::milliseconds grace = std::chrono::milliseconds(1000));

 private:
  friend Result<Child> start(const Spec& spec, const std::vector<int>& inherit);
  int pid_ = -1;
  std::optional<Outcome> ended_;
};

// Starts spec.argv without waiting for it. `inherit` are descriptors of slap's that the
// program receives as 3, 4, ... (slap keeps its own). Its stdout and stderr go to
// spec.log_file, or to /dev/null when that is empty; deadline and cancel are not used.
Result<Child> start(const Spec& spec, const std::vector<int>& inherit);

// KEY=VALUE strings to pairs; later duplicates win.
Environment parse_environment(const std::vector<std::string>& assignments);
// Value of `key` in env, or "".
std::string lookup(const Environment& env, std::string_view key);
// Sets or replaces `key`.
void set(Environment& env, const std::string& key, std::string value);

// Shell quoting for display and for generated scripts: 'a b' -> "'a b'".
std::string shell_quote(std::string_view word);

}  // namespace slap::process
