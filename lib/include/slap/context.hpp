// What library code receives instead of globals: configuration, where to log, where to
// report progress, and whether the user asked to stop.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace slap {

class Config;

enum class LogLevel { debug, info, warning, error };

class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void log(LogLevel level, std::string_view message) = 0;
};

// Long operations report progress here, each as a task of its own: tasks on different
// threads (parts built in parallel, downloads inside them) are shown side by side; the
// terminal printer decides whether and how to draw them. Implementations are thread-safe.
enum class ProgressUnit { items, bytes };

class ProgressSink {
 public:
  using Task = std::uint64_t;
  virtual ~ProgressSink() = default;
  // A new task; `total` 0 = unknown so far.
  virtual Task start(std::string_view label, std::uint64_t total, ProgressUnit unit) = 0;
  // `done` so far; a `total` other than 0 replaces the task's total (a download learns its
  // size from the response).
  virtual void advance(Task task, std::uint64_t done, std::uint64_t total) = 0;
  virtual void finish(Task task) = 0;
};

// Set from a signal handler (async-signal-safe: one atomic store), polled by workers.
class CancelToken {
 public:
  void request() noexcept { requested_.store(true, std::memory_order_relaxed); }
  bool requested() const noexcept { return requested_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> requested_{false};
};

class NullLog final : public LogSink {
 public:
  void log(LogLevel, std::string_view) override {}
};

struct Context {
  const Config* config = nullptr;
  LogSink* log = nullptr;
  ProgressSink* progress = nullptr;
  CancelToken* cancel = nullptr;

  void debug(std::string_view m) const { if (log) log->log(LogLevel::debug, m); }
  void info(std::string_view m) const { if (log) log->log(LogLevel::info, m); }
  void warn(std::string_view m) const { if (log) log->log(LogLevel::warning, m); }
  bool cancelled() const { return cancel && cancel->requested(); }
};

// One task on ctx.progress, from construction to destruction; nothing without a sink.
class Progress {
 public:
  Progress(const Context& ctx, std::string_view label, std::uint64_t total = 0,
           ProgressUnit unit = ProgressUnit::items)
      : sink_(ctx.progress), task_(sink_ ? sink_->start(label, total, unit) : 0) {}
  ~Progress() {
    if (sink_) sink_->finish(task_);
  }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::uint64_t done, std::uint64_t total = 0) const {
    if (sink_) sink_->advance(task_, done, total);
  }

 private:
  ProgressSink* sink_;
  ProgressSink::Task task_;
};

}  // namespace slap
