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

namespace {

std::string human_bytes(std::uint64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n) / 1024;
  int u = 0;
  for (; v >= 1024 && u < 3; ++u) v /= 1024;
  return fmt::format("{:.1f} {}", v, units[u]);
}

std::string human_duration(std::chrono::steady_clock::duration d) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
}

// Tasks younger than this are not drawn: most finish before anyone could read them.
constexpr auto show_after = std::chrono::milliseconds(300);
constexpr auto redraw_every = std::chrono::milliseconds(100);
constexpr std::size_t max_lines = 8;

}  // namespace

std::string progress_line(std::string_view label, std::uint64_t done, std::uint64_t total, ProgressUnit unit,
                          std::chrono::steady_clock::duration elapsed, std::size_t width) {
  std::string head, tail;  // around the label
  if (unit == ProgressUnit::items && total) head = fmt::format("[{}/{}] ", done, total);
  if (unit == ProgressUnit::bytes && (done || total)) {
    std::string d = human_bytes(done);
    if (!total) tail = " " + d;
    else {
      // "1.2/8.0 MiB" when both sides have one unit, else "900 B/8.0 MiB".
      std::string t = human_bytes(total);
      bool same = d.substr(d.rfind(' ')) == t.substr(t.rfind(' '));
      tail = " " + (same ? d.substr(0, d.rfind(' ')) : d) + "/" + t;
    }
  }
  tail += " " + human_duration(elapsed);
  // A long label (a URL) loses its middle, keeping the file name at its end.
  std::size_t room = width > head.size() + tail.size() ? width - head.size() - tail.size() : 0;
  std::string shown(label);
  if (shown.size() > room) {
    if (room < 8) shown = shown.substr(0, room);
    else shown = shown.substr(0, room / 3) + "..." + shown.substr(shown.size() - (room - room / 3 - 3));
  }
  std::string line = head + shown + tail;
  return line.size() > width ? line.substr(0, width) : line;
}

ProgressSink::Task Terminal::start(std::string_view label, std::uint64_t total, ProgressUnit unit) {
  std::lock_guard lock(mutex_);
  Task id = next_task_++;
  tasks_[id] = Running{std::string(label), 0, total, unit, std::chrono::steady_clock::now()};
  if (bars_ && !ticker_.joinable()) ticker_ = std::jthread([this](std::stop_token stop) { tick(stop); });
  return id;
}

void Terminal::advance(Task task, std::uint64_t done, std::uint64_t total) {
  if (!bars_) return;
  std::lock_guard lock(mutex_);
  auto it = tasks_.find(task);
  if (it == tasks_.end()) return;
  it->second.done = done;
  if (total) it->second.total = total;
  draw_locked(false);
}

void Terminal::finish(Task task) {
  std::lock_guard lock(mutex_);
  tasks_.erase(task);
  if (tasks_.empty()) clear_status_locked();
  else if (bars_) draw_locked(true);
}

Terminal::~Terminal() {
  if (ticker_.joinable()) {
    ticker_.request_stop();
    ticker_.join();
  }
  std::lock_guard lock(mutex_);
  clear_status_locked();
}

void Terminal::tick(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    ticked_.wait_for(lock, stop, std::chrono::milliseconds(250), [] { return false; });
    if (!stop.stop_requested() && !tasks_.empty()) draw_locked(true);
  }
}

void Terminal::draw_locked(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && lines_shown_ > 0 && now - last_draw_ < redraw_every) return;
  last_draw_ = now;
  auto width = static_cast<std::size_t>(terminal_width() - 1);
  std::vector<std::string> lines;
  std::size_t hidden = 0;
  for (const auto& [id, t] : tasks_) {
    if (now - t.started < show_after) continue;
    if (lines.size() == max_lines) {
      ++hidden;
      continue;
    }
    lines.push_back(progress_line(t.label, t.done, t.total, t.unit, now - t.started, width));
  }
  if (hidden) lines.back() = fmt::format("... and {} more", hidden + 1);
  if (lines.empty() && lines_shown_ == 0) return;
  std::string out = lines_shown_ > 1 ? fmt::format("\r\x1b[{}A", lines_shown_ - 1) : std::string("\r");
  out += "\x1b[J";
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
  lines_shown_ = static_cast<int>(lines.size());
}

void Terminal::clear_status_locked() {
  if (lines_shown_ == 0) return;
  std::fputs(lines_shown_ > 1 ? fmt::format("\r\x1b[{}A\x1b[J", lines_shown_ - 1).c_str() : "\r\x1b[J", stderr);
  std::fflush(stderr);
  lines_shown_ = 0;
}

}  // namespace slap::cli
