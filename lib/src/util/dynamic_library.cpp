#include "slap/dynamic_library.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

namespace slap::dl {

Result<void*> open(const char* soname, std::string_view library, std::string_view package) {
  void* lib = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);  // never closed
  if (!lib) {
    const char* why = ::dlerror();
    return fail(ErrorKind::io, fmt::format("cannot load {} (Debian package {}): {}", library, package,
                                           why ? why : "unknown error"));
  }
  return lib;
}

Result<void*> symbol(void* lib, const char* name, std::string_view library) {
  void* address = ::dlsym(lib, name);
  if (!address) return fail(ErrorKind::io, fmt::format("{} has no {}", library, name));
  return address;
}

}  // namespace slap::dl
