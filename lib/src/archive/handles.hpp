// RAII owners for libarchive handles, freed through the loaded library (archive_api.hpp).
#pragma once

#include <memory>

#include "archive/archive_api.hpp"

namespace slap::archive::detail {

struct ReadFree {
  decltype(&::archive_read_free) free;
  void operator()(struct archive* a) const noexcept { free(a); }
};
struct WriteFree {
  decltype(&::archive_write_free) free;
  void operator()(struct archive* a) const noexcept { free(a); }
};
struct EntryFree {
  decltype(&::archive_entry_free) free;
  void operator()(archive_entry* e) const noexcept { free(e); }
};

using Reader = std::unique_ptr<struct archive, ReadFree>;
using Writer = std::unique_ptr<struct archive, WriteFree>;  // also disk writers
using Entry = std::unique_ptr<archive_entry, EntryFree>;

inline Reader make_reader(const ArchiveApi& la) { return Reader(la.archive_read_new(), {la.archive_read_free}); }
inline Writer make_writer(const ArchiveApi& la) { return Writer(la.archive_write_new(), {la.archive_write_free}); }
inline Writer make_disk_writer(const ArchiveApi& la) {
  return Writer(la.archive_write_disk_new(), {la.archive_write_free});
}
inline Entry make_entry(const ArchiveApi& la) { return Entry(la.archive_entry_new(), {la.archive_entry_free}); }

}  // namespace slap::archive::detail
