// libarchive, loaded on first use. Only unpacking downloads, the binary cache and release
// archives need it, but linked, it made every slap start load it with libxml2, ICU and five
// compression libraries (~1.7 ms). Members have the names and types of the C functions
// they stand for: call sites read la.archive_read_new().
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include "slap/error.hpp"

namespace slap::archive::detail {

// The functions slap uses, listed once so that the table and its loading cannot disagree.
#define SLAP_ARCHIVE_FUNCTIONS(X)                                                                   \
  X(archive_errno) X(archive_error_string) X(archive_read_new) X(archive_read_free)                 \
  X(archive_read_support_filter_all) X(archive_read_support_format_tar)                             \
  X(archive_read_support_format_zip) X(archive_read_open_filename) X(archive_read_next_header)      \
  X(archive_read_data_block) X(archive_write_new) X(archive_write_free)                             \
  X(archive_write_set_format_pax_restricted) X(archive_write_add_filter_gzip)                       \
  X(archive_write_set_options) X(archive_write_open) X(archive_write_header) X(archive_write_data)  \
  X(archive_write_data_block) X(archive_write_finish_entry) X(archive_write_close)                  \
  X(archive_write_disk_new) X(archive_write_disk_set_options) X(archive_entry_new)                  \
  X(archive_entry_free) X(archive_entry_pathname) X(archive_entry_hardlink)                         \
  X(archive_entry_symlink) X(archive_entry_filetype) X(archive_entry_perm) X(archive_entry_size)    \
  X(archive_entry_copy_pathname) X(archive_entry_copy_hardlink) X(archive_entry_copy_symlink)       \
  X(archive_entry_copy_uname) X(archive_entry_copy_gname) X(archive_entry_set_filetype)             \
  X(archive_entry_set_perm) X(archive_entry_set_size) X(archive_entry_set_uid)                      \
  X(archive_entry_set_gid) X(archive_entry_set_mtime)

struct ArchiveApi {
#define SLAP_ARCHIVE_MEMBER(name) decltype(&::name) name = nullptr;
  SLAP_ARCHIVE_FUNCTIONS(SLAP_ARCHIVE_MEMBER)
#undef SLAP_ARCHIVE_MEMBER
};

// Loads libarchive once (thread-safe); an ErrorKind::io error saying why when it cannot.
Result<const ArchiveApi*> archive_api();

}  // namespace slap::archive::detail
