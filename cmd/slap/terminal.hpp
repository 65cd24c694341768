// The only code that writes to the terminal: results to stdout, diagnostics and progress
// to stderr. Colour and progress bars only on a TTY, never with --json, -q, NO_COLOR or
// TERM=dumb.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "slap/context.hpp"

namespace slap::cli {

enum class Style { none, bold, dim, good, warn, bad, path };

struct TerminalSettings {
  std::string color = "auto";  // auto | always | never
  bool progress = true;
  bool json = false;
  int verbosity = 0;  // -1 quiet, 0 normal, 1+ verbose
};

class Terminal final : public LogSink, public ProgressSink {
 public:
  explicit Terminal(const TerminalSettings& s);

  // Results (stdout).
  void out(std::string_view text);
  void out_line(std::string_view text) { out(std::string(text) + "\n"); }
  // Diagnostics (stderr), shown unless -q.
  void note(std::string_view text);
  std::string style(Style s, std::string_view text) const;

  // LogSink: debug needs -v; info is hidden by -q; warnings always (collected with --json).
  void log(LogLevel level, std::string_view message) override;
  const std::vector<std::string>& warnings() const { return warnings_; }

  // ProgressSink: on a TTY, one line per task running for more than a moment (its label,
  // count or bytes, elapsed time), redrawn in place as tasks advance and every quarter
  // second while any runs.
  Task start(std::string_view label, std::uint64_t total, ProgressUnit unit) override;
  void advance(Task task, std::uint64_t done, std::uint64_t total) override;
  void finish(Task task) override;
  ~Terminal() override;

  bool json() const { return settings_.json; }
  int verbosity() const { return settings_.verbosity; }
  bool stdout_is_tty() const { return stdout_tty_; }

 private:
  struct Running {
    std::string label;
    std::uint64_t done = 0, total = 0;
    ProgressUnit unit = ProgressUnit::items;
    std::chrono::steady_clock::time_point started;
  };
  void draw_locked(bool force);
  void clear_status_locked();
  void tick(std::stop_token stop);
  TerminalSettings settings_;
  bool stdout_tty_ = false;
  bool stderr_tty_ = false;
  bool color_ = false;
  bool bars_ = false;
  std::mutex mutex_;
  std::vector<std::string> warnings_;
  std::map<Task, Running> tasks_;  // in start order
  Task next_task_ = 1;
  int lines_shown_ = 0;  // status lines on screen, the cursor at the end of the last
  std::chrono::steady_clock::time_point last_draw_{};
  std::condition_variable_any ticked_;
  std::jthread ticker_;  // last: stopped and joined before the members above go
};

// One status line: "[3/10] building 1m05s", "gcc 12s", "https://.../x.tar.gz 1.2/8.0 MiB 3s";
// at most `width` bytes. Public for its tests.
std::string progress_line(std::string_view label, std::uint64_t done, std::uint64_t total, ProgressUnit unit,
                          std::chrono::steady_clock::duration elapsed, std::size_t width);

}  // namespace slap::cli
