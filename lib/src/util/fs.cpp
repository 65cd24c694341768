#include "slap/fs.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>

#include "slap/fd.hpp"
#include "slap/paths.hpp"

namespace slap::fs {

namespace {
Error sys_error(std::string_view what, const std::string& path, int err) {
  return Error(ErrorKind::io, fmt::format("{} {}: {}", what, path, std::strerror(err)));
}
std::string str_without_trailing_slash(const std::string& p) {
  std::string out = p;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

Status sync_path(const std::string& path, int flags) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC));
  if (!fd.open()) return fail(sys_error("cannot open", path, errno));
  if (::fsync(fd.get()) != 0) return fail(sys_error("cannot sync", path, errno));
  return {};
}

}  // namespace

Result<std::string> read_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.open()) return fail(sys_error("cannot open", path, errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0 && S_ISDIR(st.st_mode)) return fail(sys_error("cannot read", path, EISDIR));
  std::string out;
  if (st.st_size > 0) out.reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(sys_error("cannot read", path, errno));
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

bool exists(const std::string& path) noexcept {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

bool is_dir(const std::string& path) noexcept {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::uint64_t size_or_zero(const std::string& path) noexcept {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

Status make_dirs(const std::string& path, unsigned mode) {
  if (path.empty() || is_dir(path)) return {};
  std::string parent = path::dirname(str_without_trailing_slash(path));
  if (!parent.empty() && parent != path) SLAP_CHECK(make_dirs(parent, mode));
  if (::mkdir(path.c_str(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST)
    return fail(sys_error("cannot create directory", path, errno));
  return {};
}

Status remove_all(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return fail(ErrorKind::io, fmt::format("cannot remove {}: {}", path, ec.message()));
  return {};
}

std::string current_dir() {
  std::error_code ec;
  auto p = std::filesystem::current_path(ec);
  return ec ? std::string(".") : p.string();
}

std::string staging_prefix(const std::string& target, std::string_view kind) {
  std::string parent = path::dirname(target);
  const std::string dir = parent.empty() ? std::string(".") : std::move(parent);
  std::string prefix = fmt::format(".{}.{}-", path::basename(target), kind);
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    std::error_code ignored;
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
      std::filesystem::remove_all(it->path(), ignored);
  }
  return path::join(dir, fmt::format("{}{}-", prefix, ::getpid()));
}

namespace {

// The file a path names once its symlinks are followed (the last one may dangle: the
// write creates its target). Relative links are relative to the link's directory.
Result<std::string> follow_symlinks(std::string target) {
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(target.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return target;
    std::string link(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 4096), '\0');
    ssize_t n = ::readlink(target.c_str(), link.data(), link.size());
    if (n < 0) return fail(sys_error("cannot read the symlink", target, errno));
    link.resize(static_cast<std::size_t>(n));
    target = path::is_abs(link) ? link : path::join(path::dirname(target), link);
  }
  return fail(sys_error("cannot write", target, ELOOP));
}

}  // namespace

Result<AtomicFile> AtomicFile::create(std::string target, unsigned mode) {
  target = SLAP_TRY(follow_symlinks(std::move(target)));
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) return fail(sys_error("cannot write", target, EISDIR));
    // A device or a FIFO is written in place, as any program's open-and-write would:
    // renaming over it would replace the node itself (as root, /dev/null).
    int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return fail(sys_error("cannot open", target, errno));
    return AtomicFile(std::move(target), std::string(), fd);
  }
  std::string temp = staging_prefix(target, "tmp") + "XXXXXX";
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return fail(sys_error("cannot create temporary file for", target, errno));
  ::fchmod(fd, static_cast<mode_t>(mode));
  return AtomicFile(std::move(target), std::move(temp), fd);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : target_(std::move(other.target_)), temp_(std::move(other.temp_)), fd_(other.fd_) {
  other.fd_ = -1;
  other.temp_.clear();
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

Status AtomicFile::write(std::string_view data) {
  const std::string& written = writing_path();
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(sys_error("cannot write", written, errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Status AtomicFile::commit(bool durable) {
  bool in_place = temp_.empty();
  const std::string& written = writing_path();
  if (durable && !in_place && ::fsync(fd_) != 0) return fail(sys_error("cannot sync", written, errno));
  int closed = ::close(fd_);  // NFS and quotas report a failed write only here
  fd_ = -1;
  if (closed != 0) return fail(sys_error("cannot write", written, errno));
  if (in_place) return {};
  if (::rename(temp_.c_str(), target_.c_str()) != 0)
    return fail(sys_error("cannot rename into", target_, errno));
  temp_.clear();
  return {};
}

Status sync_file(const std::string& path) { return sync_path(path, O_RDONLY); }
Status sync_dir(const std::string& dir) { return sync_path(dir, O_RDONLY | O_DIRECTORY); }

Status write_atomic(const std::string& path, std::string_view data, unsigned mode, bool durable) {
  auto file = SLAP_TRY(AtomicFile::create(path, mode));
  SLAP_CHECK(file.write(data));
  return file.commit(durable);
}

}  // namespace slap::fs
