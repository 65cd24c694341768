// A partition's own log of node runs, .slapgrid/log/instance.log (rotated to .1 past
// 20 MB): every message of its processing, dated, also passed on to the run's log.
#pragma once

#include <mutex>
#include <string>

#include "slap/context.hpp"
#include "slap/fd.hpp"

namespace slap::node::detail {

class PartitionLog final : public LogSink {
 public:
  PartitionLog(const std::string& file, LogSink* next);
  PartitionLog(const PartitionLog&) = delete;
  PartitionLog& operator=(const PartitionLog&) = delete;
  void log(LogLevel level, std::string_view message) override;

 private:
  std::mutex mutex_;
  UniqueFile file_;
  LogSink* next_;
};

}  // namespace slap::node::detail
