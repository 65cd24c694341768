// RAII owners for libarchive handles.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace slap::archive::detail {

struct ReadFree {
  void operator()(struct archive* a) const noexcept { archive_read_free(a); }
};
struct WriteFree {
  void operator()(struct archive* a) const noexcept { archive_write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const noexcept { archive_entry_free(e); }
};

using Reader = std::unique_ptr<struct archive, ReadFree>;
using Writer = std::unique_ptr<struct archive, WriteFree>;  // also disk writers
using Entry = std::unique_ptr<archive_entry, EntryFree>;

}  // namespace slap::archive::detail
