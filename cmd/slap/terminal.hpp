// The only code that writes to the terminal: results to stdout, diagnostics and progress
// to stderr. Colour and progress bars only on a TTY, never with --json, -q, NO_COLOR or
// TERM=dumb.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
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

  // ProgressSink: a single overprinted status line on a TTY.
  void start(std::string_view label, std::uint64_t total) override;
  void advance(std::uint64_t done) override;
  void finish() override;

  bool json() const { return settings_.json; }
  int verbosity() const { return settings_.verbosity; }
  bool stdout_is_tty() const { return stdout_tty_; }

 private:
  void clear_status_locked();
  TerminalSettings settings_;
  bool stdout_tty_ = false;
  bool stderr_tty_ = false;
  bool color_ = false;
  bool bars_ = false;
  std::mutex mutex_;
  std::vector<std::string> warnings_;
  std::string label_;
  std::uint64_t total_ = 0;
  bool status_shown_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace slap::cli
