#include "slap/cache_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <functional>
#include <nlohmann/json.hpp>

#include "slap/fd.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"

namespace slap::cache {

namespace {

Error sys_error(std::string_view what, const std::string& path, int err) {
  return Error(ErrorKind::io, fmt::format("{} {}: {}", what, path, std::strerror(err)));
}

// Removes files named ".*" under `dir` and its subdirectories: temporary files of writes
// that a kill interrupted.
Status remove_temporaries(const std::string& dir) {
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename().string().starts_with(".")) std::filesystem::remove(it->path(), ec);
  }
  if (ec) return fail(ErrorKind::io, fmt::format("cannot clean {}: {}", dir, ec.message()));
  return {};
}

}  // namespace

// ---- IncomingBlob

Status IncomingBlob::write(std::string_view data) {
  hasher_.update(data);
  size_ += data.size();
  return file_.write(data);
}

Result<std::string> IncomingBlob::commit(std::string_view expected) {
  std::string digest = hasher_.hex();
  if (!expected.empty() && digest != expected)
    return fail(ErrorKind::checksum, fmt::format("content does not match its key: its sha512 is {}", digest));
  SLAP_CHECK(file_.commit());
  SLAP_CHECK(store_->place(staged_, digest));
  return digest;
}

// ---- Store

Status Store::prepare() {
  for (const char* sub : {"shacache", "shadir", "incoming"}) SLAP_CHECK(fs::make_dirs(path::join(root_, sub)));
  std::string incoming = path::join(root_, "incoming");
  SLAP_CHECK(fs::remove_all(incoming));
  SLAP_CHECK(fs::make_dirs(incoming));
  return remove_temporaries(path::join(root_, "shadir"));
}

std::string Store::blob_path(std::string_view sha512) const {
  return fmt::format("{}/shacache/{}/{}/{}", root_, sha512.substr(0, 2), sha512.substr(2, 2), sha512);
}

Result<IncomingBlob> Store::incoming() const {
  std::string staged = fmt::format("{}/incoming/{}-{}", root_, ::getpid(), next_upload_++);
  // Blobs are public (0644): a front web server may serve the store directly.
  auto file = SLAP_TRY(fs::AtomicFile::create(staged, 0644));
  return IncomingBlob(*this, std::move(file), std::move(staged));
}

Result<std::unique_ptr<BlobUpload>> Store::upload() {
  return std::unique_ptr<BlobUpload>(new IncomingBlob(SLAP_TRY(incoming())));
}

Result<std::optional<std::uint64_t>> Store::blob_size(std::string_view sha512) const {
  struct stat st {};
  std::string file = blob_path(sha512);
  if (::stat(file.c_str(), &st) == 0) return std::optional<std::uint64_t>(static_cast<std::uint64_t>(st.st_size));
  if (errno == ENOENT) return std::optional<std::uint64_t>();
  return fail(sys_error("cannot stat", file, errno));
}

Status Store::read_blob(std::string_view sha512, std::uint64_t offset, std::uint64_t length,
                        const BlobSink& sink) const {
  std::string file = blob_path(sha512);
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.open()) return fail(sys_error("cannot open", file, errno));
  char buffer[1 << 16];
  Status read;
  while (length > 0 && read) {
    ssize_t n = ::pread(fd.get(), buffer, std::min<std::uint64_t>(length, sizeof buffer), static_cast<off_t>(offset));
    if (n <= 0) read = fail(sys_error("cannot read", file, n < 0 ? errno : EIO));
    else if (!sink({buffer, static_cast<std::size_t>(n)})) read = fail(ErrorKind::interrupted, "the reader went away");
    offset += static_cast<std::uint64_t>(std::max<ssize_t>(n, 0));
    length -= static_cast<std::uint64_t>(std::max<ssize_t>(n, 0));
  }
  return read;
}

Result<std::vector<std::string>> Store::missing(const std::vector<std::string>& sha512s) const {
  std::vector<std::string> out;
  struct stat st {};
  for (const auto& hex : sha512s)
    if (::stat(blob_path(hex).c_str(), &st) != 0) out.push_back(hex);
  return out;
}

Status Store::place(const std::string& staged, std::string_view sha512) const {
  std::string target = blob_path(sha512);
  std::string dir = path::dirname(target);
  Status placed = fs::make_dirs(dir);
  if (placed && ::rename(staged.c_str(), target.c_str()) != 0) placed = fail(sys_error("cannot rename into", target, errno));
  if (!placed) {
    ::unlink(staged.c_str());
    return fail(std::move(placed.error()));
  }
  (void)fs::sync_dir(dir);  // the blob is complete either way; a power cut may lose it
  return {};
}

Status Store::adopt(const std::string& staged, std::string_view sha512) const {
  auto digest = checksum::file_hex_digest(checksum::Algorithm::sha512, staged);
  if (digest && *digest != sha512)
    digest = fail(ErrorKind::checksum, fmt::format("content does not match its key: its sha512 is {}", *digest));
  if (digest)
    if (Status synced = fs::sync_file(staged); !synced) digest = fail(std::move(synced.error()));
  if (!digest) {
    ::unlink(staged.c_str());
    return fail(std::move(digest.error()));
  }
  return place(staged, sha512);
}

std::string Store::entries_path(std::string_view key) const {
  std::string h = checksum::hex_digest(checksum::Algorithm::sha256, key);
  return fmt::format("{}/shadir/{}/{}", root_, h.substr(0, 2), h);
}

Result<std::optional<std::string>> Store::entries(std::string_view key) const {
  std::string file = entries_path(key);
  if (!fs::exists(file)) return std::optional<std::string>();
  return std::optional<std::string>(SLAP_TRY(fs::read_file(file)));
}

Status Store::append_entry(std::string_view key, const std::string& info, const std::string& signature) {
  std::string file = entries_path(key);
  std::lock_guard lock(key_locks_[std::hash<std::string_view>{}(key) % key_locks_.size()]);
  nlohmann::json list = nlohmann::json::array();
  if (fs::exists(file)) {
    list = nlohmann::json::parse(SLAP_TRY(fs::read_file(file)), nullptr, false);
    if (!list.is_array()) return fail(ErrorKind::io, fmt::format("{}: corrupt entry list", file));
  }
  nlohmann::json pair = nlohmann::json::array({info, signature});
  for (const auto& existing : list)
    if (existing == pair) return {};
  list.push_back(std::move(pair));
  SLAP_CHECK(fs::make_dirs(path::dirname(file)));
  // The key file comes first, so that every entry list can be listed under its key.
  if (std::string key_file = file + ".key"; !fs::exists(key_file)) SLAP_CHECK(fs::write_atomic(key_file, key));
  return fs::write_atomic(file, list.dump());
}

}  // namespace slap::cache
