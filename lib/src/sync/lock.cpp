#include "sync/lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "slap/paths.hpp"

namespace slap::sync {

Result<RootLock> RootLock::acquire(const std::string& root) {
  std::string file = path::join(root, "sync.lock");
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return fail(ErrorKind::io, fmt::format("cannot open {}: {}", file, std::strerror(errno)));
  RootLock lock(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return lock;
  if (errno == EWOULDBLOCK)
    return fail(ErrorKind::io, fmt::format("another slap sync is running on {} (it holds {}): not starting", root, file));
  return fail(ErrorKind::io, fmt::format("cannot lock {}: {}", file, std::strerror(errno)));
}

RootLock::~RootLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace slap::sync
