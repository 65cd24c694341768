#include "archive/archive_api.hpp"

#include <dlfcn.h>

#include <fmt/format.h>
#include <string>
#include <type_traits>

namespace slap::archive::detail {

namespace {

Result<ArchiveApi> load() {
  void* lib = ::dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = ::dlerror();
    return fail(ErrorKind::io, fmt::format("cannot load libarchive (Debian package libarchive13): {}",
                                           why ? why : "unknown error"));
  }
  ArchiveApi api;
  std::string missing;
  auto bind = [&](const char* name, auto& slot) {
    if (!missing.empty()) return;
    if (void* symbol = ::dlsym(lib, name)) slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(symbol);
    else missing = name;
  };
#define SLAP_ARCHIVE_BIND(name) bind(#name, api.name);
  SLAP_ARCHIVE_FUNCTIONS(SLAP_ARCHIVE_BIND)
#undef SLAP_ARCHIVE_BIND
  if (!missing.empty()) return fail(ErrorKind::io, fmt::format("cannot use libarchive: it has no {}", missing));
  return api;  // the library stays loaded until the process ends
}

}  // namespace

Result<const ArchiveApi*> archive_api() {
  static const Result<ArchiveApi> loaded = load();  // initialised once, thread-safely
  if (!loaded) return fail(loaded.error());
  return &*loaded;
}

}  // namespace slap::archive::detail
