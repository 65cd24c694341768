// One `slap sync` at a time per local store: an exclusive flock(2) on ROOT/sync.lock, held
// for the life of the object and dropped by the kernel however the process ends.
#pragma once

#include <string>

#include "slap/error.hpp"

namespace slap::sync {

class RootLock {
 public:
  // Fails at once, without waiting, when another process holds the lock.
  static Result<RootLock> acquire(const std::string& root);
  RootLock(RootLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  RootLock& operator=(RootLock&&) = delete;
  RootLock(const RootLock&) = delete;
  ~RootLock();

 private:
  explicit RootLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace slap::sync
