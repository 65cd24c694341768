#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>

#include "archive/entry_guard.hpp"
#include "slap/archive.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"

namespace slap::archive {

namespace stdfs = std::filesystem;
using detail::ArchiveApi;

namespace {

bool real_dir(const stdfs::path& p) {
  std::error_code ec;
  return stdfs::symlink_status(p, ec).type() == stdfs::file_type::directory;
}

// A directory next to the destination that receives the archive first, so that a refused
// archive leaves nothing in the destination. Removed with whatever is still in it.
class StagingDir {
 public:
  static Result<StagingDir> create(const std::string& dest) {
    std::string parent = path::dirname(dest);
    SLAP_CHECK(fs::make_dirs(parent));
    std::string pattern = fs::staging_prefix(dest, "extract") + "XXXXXX";
    if (!::mkdtemp(pattern.data()))
      return fail(ErrorKind::io, fmt::format("cannot create a directory next to {}: {}", dest, std::strerror(errno)));
    std::error_code ec;
    std::string real = stdfs::canonical(pattern, ec).string();  // paths compared later are canonical
    return StagingDir(ec ? pattern : real);
  }
  StagingDir(StagingDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  StagingDir& operator=(StagingDir&&) = delete;
  ~StagingDir() {
    if (path_.empty()) return;
    std::error_code ec;
    // Directories restored read-only would stop the removal of their content.
    for (stdfs::recursive_directory_iterator it(path_, ec), end; !ec && it != end; it.increment(ec))
      if (real_dir(it->path())) stdfs::permissions(it->path(), stdfs::perms::owner_all, stdfs::perm_options::add, ec);
    stdfs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit StagingDir(std::string p) : path_(std::move(p)) {}
  std::string path_;
};

Error archive_error(const ArchiveApi& la, const std::string& archive_file, struct archive* a) {
  const char* why = la.archive_error_string(a);
  return Error(ErrorKind::input, fmt::format("cannot read archive {}: {}", archive_file, why ? why : "unknown error"));
}

Status copy_data(const ArchiveApi& la, struct archive* in, struct archive* disk, const std::string& archive_file,
                 std::string_view name) {
  const void* block = nullptr;
  std::size_t size = 0;
  la_int64_t offset = 0;
  while (true) {
    int r = la.archive_read_data_block(in, &block, &size, &offset);
    if (r == ARCHIVE_EOF) return {};
    if (r < ARCHIVE_WARN) return fail(archive_error(la, archive_file, in));
    // libarchive reports a failed or short write (a full disk) as ARCHIVE_WARN.
    if (la.archive_write_data_block(disk, block, size, offset) != ARCHIVE_OK) {
      int err = la.archive_errno(disk);
      return fail(ErrorKind::io, fmt::format("cannot extract '{}' from {}: {}{}", name, archive_file,
                                             la.archive_error_string(disk), err > 0 ? std::string(": ") + std::strerror(err) : ""));
    }
  }
}

// Writes every entry of the archive under `root`, refusing the whole archive at the
// first entry that could escape it.
Status unpack(const ArchiveApi& la, const std::string& archive_file, const std::string& root) {
  auto in = detail::make_reader(la);
  la.archive_read_support_filter_all(in.get());
  la.archive_read_support_format_tar(in.get());
  la.archive_read_support_format_zip(in.get());
  if (la.archive_read_open_filename(in.get(), archive_file.c_str(), 1 << 16) != ARCHIVE_OK) {
    if (fs::exists(archive_file) && !fs::is_dir(archive_file))
      return fail(archive_error(la, archive_file, in.get()));
    return fail(ErrorKind::io,
                fmt::format("cannot open archive {}: {}", archive_file, std::strerror(la.archive_errno(in.get()))));
  }
  auto disk = detail::make_disk_writer(la);
  la.archive_write_disk_set_options(disk.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME);
  EntryGuard guard(la, root, archive_file);
  archive_entry* entry = nullptr;
  while (true) {
    int r = la.archive_read_next_header(in.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return fail(archive_error(la, archive_file, in.get()));
    std::string name = la.archive_entry_pathname(entry) ? la.archive_entry_pathname(entry) : "";
    std::string rel = SLAP_TRY(guard.check(entry));
    if (rel.empty()) continue;  // the archive's "./" itself
    la.archive_entry_copy_pathname(entry, path::join(root, rel).c_str());
    if (const char* hardlink = la.archive_entry_hardlink(entry))
      la.archive_entry_copy_hardlink(entry, path::join(root, path::normpath(hardlink)).c_str());
    la.archive_entry_set_perm(entry, la.archive_entry_perm(entry) & 0777);  // no setuid, setgid, sticky
    if (la.archive_write_header(disk.get(), entry) < ARCHIVE_WARN)
      return fail(ErrorKind::io, fmt::format("cannot extract '{}' from {}: {}", name, archive_file,
                                             la.archive_error_string(disk.get())));
    if (la.archive_entry_size(entry) > 0) SLAP_CHECK(copy_data(la, in.get(), disk.get(), archive_file, name));
    if (la.archive_write_finish_entry(disk.get()) < ARCHIVE_WARN)
      return fail(ErrorKind::io, fmt::format("cannot extract '{}' from {}: {}", name, archive_file,
                                             la.archive_error_string(disk.get())));
  }
  if (la.archive_write_close(disk.get()) < ARCHIVE_WARN)  // applies directory modes and times
    return fail(ErrorKind::io,
                fmt::format("cannot extract {}: {}", archive_file, la.archive_error_string(disk.get())));
  return {};
}

// The part of the unpacked tree that ends up in the destination (strip, subdirectory).
Result<std::string> kept_tree(const std::string& root, const ExtractOptions& options, const std::string& archive_file) {
  std::vector<stdfs::path> top;
  std::error_code ec;
  for (stdfs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) top.push_back(it->path());
  if (ec) return fail(ErrorKind::io, fmt::format("cannot list {}: {}", root, ec.message()));
  bool one_dir = top.size() == 1 && real_dir(top.front());
  if (options.strip == Strip::always && !one_dir)
    return fail(ErrorKind::input,
                fmt::format("{}: cannot strip the top-level directory: the archive holds {} top-level entries, "
                            "expected exactly one directory", archive_file, top.size()));
  std::string kept = (options.strip != Strip::never && one_dir) ? top.front().string() : root;
  if (options.subdirectory.empty()) return kept;
  std::string sub = path::normpath(options.subdirectory);
  std::string wanted = path::join(kept, sub);
  if (path::is_abs(sub) || sub == ".." || sub.starts_with("../") || !real_dir(wanted))
    return fail(ErrorKind::input, fmt::format("{}: no directory '{}' in the archive", archive_file, options.subdirectory));
  return wanted;
}

bool inside(const stdfs::path& p, const stdfs::path& base) {
  auto rel = p.lexically_relative(base);
  return !rel.empty() && *rel.begin() != "..";
}

// Symlinks must resolve inside what lands in the destination; stripping or keeping a
// subdirectory can move a link's target out.
Status check_symlinks(const std::string& kept, const std::string& root, const std::string& archive_file) {
  stdfs::path base(kept);
  std::error_code ec;
  for (stdfs::recursive_directory_iterator it(kept, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_symlink(ec)) continue;
    stdfs::path target = stdfs::read_symlink(it->path(), ec);
    std::error_code unresolved;
    stdfs::path resolved = stdfs::weakly_canonical(it->path().parent_path() / target, unresolved);
    if (unresolved) continue;  // a loop: it leads nowhere
    if (!inside(resolved, base))
      return fail(refusal(archive_file, it->path().lexically_relative(root).string(),
                          fmt::format("symlink to '{}' outside the destination", target.string())));
  }
  if (ec) return fail(ErrorKind::io, fmt::format("cannot list {}: {}", kept, ec.message()));
  return {};
}

Status move_into_place(const std::string& kept, const std::string& dest, bool whole_staging_dir) {
  if (!fs::exists(dest)) {
    if (whole_staging_dir) ::chmod(kept.c_str(), 0755);  // mkdtemp made it 0700
    if (::rename(kept.c_str(), dest.c_str()) != 0)
      return fail(ErrorKind::io, fmt::format("cannot move the extracted files into {}: {}", dest, std::strerror(errno)));
    return {};
  }
  if (!fs::is_dir(dest)) return fail(ErrorKind::io, fmt::format("cannot extract into {}: not a directory", dest));
  std::vector<stdfs::path> children;
  std::error_code ec;
  for (stdfs::directory_iterator it(kept, ec), end; !ec && it != end; it.increment(ec)) children.push_back(it->path());
  if (ec) return fail(ErrorKind::io, fmt::format("cannot list {}: {}", kept, ec.message()));
  for (const auto& child : children) {
    std::string target = path::join(dest, child.filename().string());
    if (fs::exists(target)) SLAP_CHECK(fs::remove_all(target));
    if (::rename(child.c_str(), target.c_str()) != 0)
      return fail(ErrorKind::io, fmt::format("cannot move the extracted files into {}: {}", dest, std::strerror(errno)));
  }
  return {};
}

}  // namespace

Status extract(const std::string& archive_file, const std::string& dest, const ExtractOptions& options) {
  std::string target = path::normpath(path::abspath(dest, fs::current_dir()));
  const ArchiveApi& la = *SLAP_TRY(detail::archive_api());
  auto staging = SLAP_TRY(StagingDir::create(target));
  SLAP_CHECK(unpack(la, archive_file, staging.path()));
  std::string kept = SLAP_TRY(kept_tree(staging.path(), options, archive_file));
  SLAP_CHECK(check_symlinks(kept, staging.path(), archive_file));
  return move_into_place(kept, target, kept == staging.path());
}

}  // namespace slap::archive
