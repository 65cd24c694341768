#include "promise/lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

namespace slap::promise {

Result<RunLock> RunLock::acquire(const std::string& lock_file, const std::string& partition) {
  UniqueFd fd(::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.open()) return fail(ErrorKind::io, fmt::format("cannot open {}: {}", lock_file, std::strerror(errno)));
  int rc;
  do rc = ::flock(fd.get(), LOCK_EX | LOCK_NB);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    if (errno == EWOULDBLOCK) return fail(ErrorKind::io, fmt::format("another slap promise run holds the lock on {}", partition));
    return fail(ErrorKind::io, fmt::format("cannot lock {}: {}", lock_file, std::strerror(errno)));
  }
  return RunLock(std::move(fd));
}

}  // namespace slap::promise
