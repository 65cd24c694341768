#include "node/partition_log.hpp"

#include <sys/stat.h>

#include <ctime>

#include "slap/fs.hpp"
#include "slap/paths.hpp"

namespace slap::node::detail {

namespace {

constexpr off_t rotate_size = 20 * 1024 * 1024;

const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::debug: return "DEBUG";
    case LogLevel::info: return "INFO";
    case LogLevel::warning: return "WARNING";
    case LogLevel::error: return "ERROR";
  }
  return "?";
}

}  // namespace

PartitionLog::PartitionLog(const std::string& file, LogSink* next) : next_(next) {
  (void)fs::make_dirs(path::dirname(file));
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && st.st_size > rotate_size) std::rename(file.c_str(), (file + ".1").c_str());
  file_.reset(std::fopen(file.c_str(), "ae"));  // a log that cannot be written must not stop the run
}

void PartitionLog::log(LogLevel level, std::string_view message) {
  if (next_) next_->log(level, message);
  if (!file_) return;
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
  std::lock_guard lock(mutex_);
  std::fprintf(file_.get(), "%s %s %.*s\n", date, level_name(level), static_cast<int>(message.size()), message.data());
  std::fflush(file_.get());
}

}  // namespace slap::node::detail
