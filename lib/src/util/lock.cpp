#include "slap/lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <thread>
#include <utility>

#include "slap/context.hpp"
#include "slap/fs.hpp"

namespace slap {

namespace {

Error lock_error(std::string_view what, const std::string& file, int err) {
  return Error(ErrorKind::io, fmt::format("{} {}: {}", what, file, std::strerror(err)));
}

// true: locked; false: held elsewhere.
Result<bool> try_flock(int fd, const std::string& file) {
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return false;
    if (errno != EINTR) return fail(lock_error("cannot lock", file, errno));
  }
  return true;
}

void record_holder(int fd) {
  std::string pid = fmt::format("{}\n", ::getpid());
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
}

Result<int> open_lock_file(const std::string& file) {
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return fail(lock_error("cannot open", file, errno));
  return fd;
}

}  // namespace

Result<std::optional<FileLock>> FileLock::try_acquire(const std::string& file) {
  FileLock lock(SLAP_TRY(open_lock_file(file)));
  if (!SLAP_TRY(try_flock(lock.fd_, file))) return std::optional<FileLock>();
  record_holder(lock.fd_);
  return std::optional<FileLock>(std::move(lock));
}

Result<FileLock> FileLock::acquire(const std::string& file, const std::function<void()>& on_wait,
                                   const CancelToken* cancel) {
  FileLock lock(SLAP_TRY(open_lock_file(file)));
  bool told = false;
  // Polled rather than blocking in flock(), so that Ctrl-C ends the wait.
  while (!SLAP_TRY(try_flock(lock.fd_, file))) {
    if (!told && on_wait) on_wait();
    told = true;
    if (cancel && cancel->requested())
      return fail(ErrorKind::interrupted, fmt::format("interrupted while waiting for the lock {}", file));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  record_holder(lock.fd_);
  return lock;
}

long FileLock::holder(const std::string& file) {
  auto text = fs::read_file(file);
  return text ? std::strtol(text->c_str(), nullptr, 10) : 0;
}

std::string FileLock::holder_note(const std::string& file) {
  long pid = holder(file);
  return pid > 0 ? fmt::format(" (pid {})", pid) : std::string();
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace slap
