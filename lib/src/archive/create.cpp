#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <optional>

#include "archive/handles.hpp"
#include "slap/archive.hpp"
#include "slap/fd.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::archive {

namespace stdfs = std::filesystem;
using detail::ArchiveApi;
using detail::Entry;

namespace {

// Entry name in the archive -> file on disk; std::map keeps entries sorted byte-wise.
using Members = std::map<std::string, std::string>;

Status add_tree(Members& members, const std::string& root, const std::string& rel) {
  std::string top = rel.empty() ? root : path::join(root, rel);
  struct stat st {};
  if (::lstat(top.c_str(), &st) != 0)
    return fail(ErrorKind::io, fmt::format("cannot archive {}: {}", top, std::strerror(errno)));
  if (!rel.empty()) members.emplace(rel, top);
  if (!S_ISDIR(st.st_mode)) return {};
  std::error_code ec;
  for (stdfs::recursive_directory_iterator it(top, ec), end; !ec && it != end; it.increment(ec))
    members.emplace(it->path().lexically_relative(root).string(), it->path().string());
  if (ec) return fail(ErrorKind::io, fmt::format("cannot list {}: {}", top, ec.message()));
  return {};
}

Result<Members> collect(const std::string& root, const std::vector<std::string>& paths) {
  Members members;
  if (paths.empty()) SLAP_CHECK(add_tree(members, root, ""));
  for (const auto& p : paths) {
    std::string rel = path::normpath(p);
    if (path::is_abs(rel) || rel == ".." || rel.starts_with("../"))
      return fail(ErrorKind::usage, fmt::format("cannot archive {}: not inside {}", p, root));
    SLAP_CHECK(add_tree(members, root, rel == "." ? "" : rel));
  }
  return members;
}

Entry new_entry(const ArchiveApi& la, const std::string& name, std::int64_t mtime) {
  Entry entry = detail::make_entry(la);
  la.archive_entry_copy_pathname(entry.get(), name.c_str());
  la.archive_entry_set_uid(entry.get(), 0);
  la.archive_entry_set_gid(entry.get(), 0);
  la.archive_entry_copy_uname(entry.get(), "root");
  la.archive_entry_copy_gname(entry.get(), "root");
  la.archive_entry_set_mtime(entry.get(), mtime, 0);
  return entry;
}

Error write_error(const ArchiveApi& la, struct archive* out, const std::string& what) {
  return Error(ErrorKind::io, fmt::format("cannot archive {}: {}", what, la.archive_error_string(out)));
}

Status write_content(const ArchiveApi& la, struct archive* out, const std::string& file, std::uint64_t size) {
  UniqueFile in(std::fopen(file.c_str(), "rb"));
  if (!in) return fail(ErrorKind::io, fmt::format("cannot open {}: {}", file, std::strerror(errno)));
  char buffer[1 << 16];
  std::uint64_t copied = 0;
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, in.get())) {
    if (la.archive_write_data(out, buffer, n) < 0) return fail(write_error(la, out, file));
    copied += n;
  }
  if (std::ferror(in.get()) || copied != size)
    return fail(ErrorKind::io, fmt::format("cannot archive {}: it changed while being read", file));
  return {};
}

// One member with normalised metadata: only the type, the executable bit and the content
// of the file on disk show in the archive.
Status write_member(const ArchiveApi& la, struct archive* out, const std::string& name, const std::string& file,
                    std::int64_t mtime) {
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0)
    return fail(ErrorKind::io, fmt::format("cannot archive {}: {}", file, std::strerror(errno)));
  Entry entry = new_entry(la, name, mtime);
  archive_entry* e = entry.get();
  if (S_ISDIR(st.st_mode)) {
    la.archive_entry_set_filetype(e, AE_IFDIR);
    la.archive_entry_set_perm(e, 0755);
  } else if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    std::string target = stdfs::read_symlink(file, ec).string();
    if (ec) return fail(ErrorKind::io, fmt::format("cannot read symlink {}: {}", file, ec.message()));
    la.archive_entry_set_filetype(e, AE_IFLNK);
    la.archive_entry_set_perm(e, 0777);
    la.archive_entry_copy_symlink(e, target.c_str());
  } else if (S_ISREG(st.st_mode)) {
    la.archive_entry_set_filetype(e, AE_IFREG);
    la.archive_entry_set_perm(e, (st.st_mode & 0111) ? 0755 : 0644);
    la.archive_entry_set_size(e, st.st_size);
  } else {
    return fail(ErrorKind::io, fmt::format("cannot archive {}: not a file, directory or symlink", file));
  }
  if (la.archive_write_header(out, e) < ARCHIVE_WARN) return fail(write_error(la, out, file));
  if (S_ISREG(st.st_mode)) SLAP_CHECK(write_content(la, out, file, static_cast<std::uint64_t>(st.st_size)));
  return {};
}

struct Sink {
  fs::AtomicFile file;
  std::optional<Error> error;
};

la_ssize_t write_to_sink(struct archive*, void* data, const void* buffer, std::size_t size) {
  auto& sink = *static_cast<Sink*>(data);
  auto written = sink.file.write({static_cast<const char*>(buffer), size});
  if (!written) {
    sink.error = written.error();
    return -1;
  }
  return static_cast<la_ssize_t>(size);
}

Status open_writer(const ArchiveApi& la, struct archive* out, Sink& sink, CreateOptions::Format format) {
  la.archive_write_set_format_pax_restricted(out);  // pax headers only for long names / big files
  if (format == CreateOptions::Format::tar_gz) {
    la.archive_write_add_filter_gzip(out);
    la.archive_write_set_options(out, "gzip:!timestamp");  // the gzip header holds no time
  }
  if (la.archive_write_open(out, &sink, nullptr, write_to_sink, nullptr) != ARCHIVE_OK)
    return fail(ErrorKind::io,
                fmt::format("cannot write {}: {}", sink.file.writing_path(), la.archive_error_string(out)));
  return {};
}

}  // namespace

Status create(const std::string& out_file, const std::string& root_dir, const std::vector<std::string>& paths,
              const CreateOptions& options) {
  Members members = SLAP_TRY(collect(root_dir, paths));
  const ArchiveApi& la = *SLAP_TRY(detail::archive_api());
  Sink sink{SLAP_TRY(fs::AtomicFile::create(out_file, 0644)), std::nullopt};
  auto out = detail::make_writer(la);
  SLAP_CHECK(open_writer(la, out.get(), sink, options.format));
  for (std::size_t slash = options.prefix.find('/'); slash != std::string::npos;
       slash = options.prefix.find('/', slash + 1)) {
    Entry dir = new_entry(la, options.prefix.substr(0, slash + 1), options.mtime);
    la.archive_entry_set_filetype(dir.get(), AE_IFDIR);
    la.archive_entry_set_perm(dir.get(), 0755);
    if (la.archive_write_header(out.get(), dir.get()) < ARCHIVE_WARN)
      return fail(write_error(la, out.get(), out_file));
  }
  for (const auto& [name, file] : members)
    SLAP_CHECK(write_member(la, out.get(), options.prefix + name, file, options.mtime));
  if (la.archive_write_close(out.get()) != ARCHIVE_OK) {
    if (sink.error) return fail(std::move(*sink.error));
    return fail(write_error(la, out.get(), out_file));
  }
  return sink.file.commit();
}

}  // namespace slap::archive
