#include "archive/archive_builder.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <memory>
#include <stdexcept>

namespace slap::test {

namespace {

void add_filter(struct archive* a, ArchiveKind kind) {
  switch (kind) {
    case ArchiveKind::tar_gz: archive_write_add_filter_gzip(a); break;
    case ArchiveKind::tar_bz2: archive_write_add_filter_bzip2(a); break;
    case ArchiveKind::tar_xz: archive_write_add_filter_xz(a); break;
    case ArchiveKind::tar_zst: archive_write_add_filter_zstd(a); break;
    case ArchiveKind::tar_lz: archive_write_add_filter_lzip(a); break;
    case ArchiveKind::tar:
    case ArchiveKind::zip: break;
  }
}

void set_type(archive_entry* e, const Member& m) {
  switch (m.type) {
    case Member::Type::file:
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_size(e, static_cast<la_int64_t>(m.data.size()));
      break;
    case Member::Type::dir: archive_entry_set_filetype(e, AE_IFDIR); break;
    case Member::Type::symlink:
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_copy_symlink(e, m.data.c_str());
      break;
    case Member::Type::hardlink:
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_copy_hardlink(e, m.data.c_str());
      break;
    case Member::Type::device:
      archive_entry_set_filetype(e, AE_IFCHR);
      archive_entry_set_rdev(e, makedev(1, 3));
      break;
  }
}

}  // namespace

void make_archive(const std::string& path, const std::vector<Member>& members, ArchiveKind kind) {
  std::unique_ptr<struct archive, decltype(&archive_write_free)> a(archive_write_new(), &archive_write_free);
  if (kind == ArchiveKind::zip) archive_write_set_format_zip(a.get());
  else archive_write_set_format_pax_restricted(a.get());
  add_filter(a.get(), kind);
  if (archive_write_open_filename(a.get(), path.c_str()) != ARCHIVE_OK)
    throw std::runtime_error(archive_error_string(a.get()));
  for (const auto& m : members) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), &archive_entry_free);
    archive_entry_copy_pathname(e.get(), m.name.c_str());
    set_type(e.get(), m);
    archive_entry_set_perm(e.get(), m.mode);
    archive_entry_set_mtime(e.get(), 1700000000, 0);
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a.get()));
    if (m.type == Member::Type::file) archive_write_data(a.get(), m.data.data(), m.data.size());
  }
  archive_write_close(a.get());
}

}  // namespace slap::test
