// The partition's promise lock: one run at a time (cron runs may overlap).
#pragma once

#include <string>

#include "util/unique_fd.hpp"
#include "slap/error.hpp"

namespace slap::promise {

class RunLock {
 public:
  // Fails at once, without waiting, when another process holds `lock_file`; the message
  // names `partition`.
  static Result<RunLock> acquire(const std::string& lock_file, const std::string& partition);

 private:
  explicit RunLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;  // the flock lasts as long as the descriptor
};

}  // namespace slap::promise
