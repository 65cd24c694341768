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

// Long operations report progress here; the terminal printer decides whether to draw.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void start(std::string_view label, std::uint64_t total) = 0;  // total 0 = unknown
  virtual void advance(std::uint64_t done) = 0;
  virtual void finish() = 0;
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

class NullProgress final : public ProgressSink {
 public:
  void start(std::string_view, std::uint64_t) override {}
  void advance(std::uint64_t) override {}
  void finish() override {}
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

}  // namespace slap
