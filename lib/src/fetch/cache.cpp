#include "fetch/cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"

namespace slap::fetch {

namespace {

std::string url_key(const std::string& url) { return checksum::hex_digest(checksum::Algorithm::md5, url); }

Error io_error(std::string_view what, const std::string& path) {
  return Error(ErrorKind::io, fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

}  // namespace

std::string DownloadCache::by_checksum(const Checksum& sum) const {
  return path::join(dir_, fmt::format("by-{}/{}", checksum::name(sum.algorithm), sum.hex));
}

std::string DownloadCache::by_url(const std::string& url) const {
  return path::join(dir_, "by-url/" + url_key(url));
}

std::string DownloadCache::part_file(const std::string& url) const {
  return path::join(dir_, "partial/" + url_key(url) + ".part");
}

Result<FileLock> DownloadCache::lock(const std::string& url, const CancelToken* cancel) const {
  std::string dir = path::join(dir_, "partial");
  SLAP_CHECK(fs::make_dirs(dir));
  return FileLock::acquire(path::join(dir, url_key(url) + ".lock"), {}, cancel);
}

Status DownloadCache::publish(const std::string& part, const std::string& entry) const {
  std::string dir = path::dirname(entry);
  SLAP_CHECK(fs::make_dirs(dir));
  SLAP_CHECK(fs::sync_file(part));
  if (::rename(part.c_str(), entry.c_str()) != 0) return fail(io_error("cannot rename into", entry));
  return fs::sync_dir(dir);
}

std::string DownloadCache::adopt_by_url(const std::string& url, const Checksum& sum) const {
  std::string cached = by_url(url);
  if (!fs::exists(cached)) return {};
  auto digest = checksum::file_hex_digest(sum.algorithm, cached);
  if (!digest || *digest != sum.hex) return {};
  std::string entry = by_checksum(sum);
  if (!fs::make_dirs(path::dirname(entry))) return {};
  if (::link(cached.c_str(), entry.c_str()) != 0 && errno != EEXIST) return {};
  return entry;
}

}  // namespace slap::fetch
