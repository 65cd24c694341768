#include "terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>

namespace slap::cli {

namespace {
bool smart_terminal(int fd) {
  if (!::isatty(fd)) return false;
  const char* term = std::getenv("TERM");
  return !(term && std::string_view(term) == "dumb");
}

int terminal_width() {
  struct winsize ws {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10) return ws.ws_col;
  return 80;
}
}  // namespace

Terminal::Terminal(const TerminalSettings& s) : settings_(s) {
  stdout_tty_ = smart_terminal(STDOUT_FILENO);
  stderr_tty_ = smart_terminal(STDERR_FILENO);
  if (settings_.color == "always") color_ = true;
  else if (settings_.color == "never") color_ = false;
  else color_ = stdout_tty_ && !std::getenv("NO_COLOR");
  if (std::getenv("CLICOLOR_FORCE") && settings_.color == "auto") color_ = true;
  bars_ = stderr_tty_ && settings_.progress && !settings_.json && settings_.verbosity >= 0;
}

std::string Terminal::style(Style s, std::string_view text) const {
  if (!color_ || s == Style::none) return std::string(text);
  const char* code = "";
  switch (s) {
    case Style::bold: code = "1"; break;
    case Style::dim: code = "2"; break;
    case Style::good: code = "32"; break;
    case Style::warn: code = "33"; break;
    case Style::bad: code = "31;1"; break;
    case Style::path: code = "36"; break;
    case Style::none: break;
  }
  return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

void Terminal::out(std::string_view text) {
  std::lock_guard lock(mutex_);
  clear_status_locked();
  std::fwrite(text.data(), 1, text.size(), stdout);
}

void Terminal::note(std::string_view text) {
  if (settings_.verbosity < 0) return;
  std::lock_guard lock(mutex_);
  clear_status_locked();
  std::fflush(stdout);
  std::fprintf(stderr, "%.*s\n", static_cast<int>(text.size()), text.data());
}

void Terminal::log(LogLevel level, std::string_view message) {
  if (level == LogLevel::debug && settings_.verbosity < 1) return;
  if (level == LogLevel::info && settings_.verbosity < 0) return;
  std::lock_guard lock(mutex_);
  if (level == LogLevel::warning) warnings_.emplace_back(message);
  if (settings_.json && level != LogLevel::error && level != LogLevel::warning && settings_.verbosity < 1) return;
  clear_status_locked();
  std::fflush(stdout);
  std::string prefix;
  if (level == LogLevel::warning) prefix = style(Style::warn, "slap: warning: ");
  else if (level == LogLevel::error) prefix = style(Style::bad, "slap: error: ");
  std::fprintf(stderr, "%s%.*s\n", prefix.c_str(), static_cast<int>(message.size()), message.data());
}

void Terminal::start(std::string_view label, std::uint64_t total) {
  std::lock_guard lock(mutex_);
  label_ = label;
  total_ = total;
}

void Terminal::advance(std::uint64_t done) {
  if (!bars_) return;
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  if (status_shown_ && now - last_draw_ < std::chrono::milliseconds(80) && done != total_) return;
  last_draw_ = now;
  std::string line = total_ ? fmt::format("[{}/{}] {}", done, total_, label_) : fmt::format("[{}] {}", done, label_);
  auto width = static_cast<std::size_t>(terminal_width() - 1);
  if (line.size() > width) line = line.substr(0, width);
  std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
  std::fflush(stderr);
  status_shown_ = true;
}

void Terminal::finish() {
  std::lock_guard lock(mutex_);
  clear_status_locked();
}

void Terminal::clear_status_locked() {
  if (!status_shown_) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  status_shown_ = false;
}

}  // namespace slap::cli
