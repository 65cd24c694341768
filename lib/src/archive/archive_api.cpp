#include "archive/archive_api.hpp"

#include "slap/dynamic_library.hpp"

namespace slap::archive::detail {

namespace {

Result<ArchiveApi> load() {
  void* lib = SLAP_TRY(dl::open("libarchive.so.13", "libarchive", "libarchive13"));
  ArchiveApi api;
#define SLAP_ARCHIVE_BIND(name) SLAP_CHECK(dl::bind(lib, #name, api.name, "libarchive"));
  SLAP_ARCHIVE_FUNCTIONS(SLAP_ARCHIVE_BIND)
#undef SLAP_ARCHIVE_BIND
  return api;  // the library stays loaded until the process ends
}

}  // namespace

Result<const ArchiveApi*> archive_api() {
  static const Result<ArchiveApi> loaded = load();  // initialised once, thread-safely
  if (!loaded) return fail(loaded.error());
  return &*loaded;
}

}  // namespace slap::archive::detail
