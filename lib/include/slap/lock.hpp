// Exclusive advisory locks on files (flock(2)), held while the object lives and released
// by the kernel however the process ends (kill -9 included). The holder writes its pid
// into the file, so that a process that finds the lock taken can name who holds it.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "slap/error.hpp"

namespace slap {

class CancelToken;

class FileLock {
 public:
  // Takes the lock without waiting; nullopt when another process (or another descriptor
  // of this one) holds it. The file is created when missing.
  static Result<std::optional<FileLock>> try_acquire(const std::string& file);
  // Waits for the lock. `on_wait()` is called once when it is taken at first; a requested
  // `cancel` ends the wait with ErrorKind::interrupted.
  static Result<FileLock> acquire(const std::string& file, const std::function<void()>& on_wait,
                                  const CancelToken* cancel);
  // The pid written by the process that holds (or last held) `file`; 0 when unknown.
  static long holder(const std::string& file);
  // " (pid N)" naming that holder, or "" when unknown: the end of a "someone holds it" message.
  static std::string holder_note(const std::string& file);

  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace slap
