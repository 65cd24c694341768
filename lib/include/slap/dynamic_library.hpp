// Shared libraries slap loads on first use instead of at start (libcurl, libarchive): the
// loading and binding both do, with the same errors.
#pragma once

#include <string_view>

#include "slap/error.hpp"

namespace slap::dl {

// Loads `soname` for the rest of the process. `library` names it and `package` is the
// Debian package that ships it, for the error (ErrorKind::io).
Result<void*> open(const char* soname, std::string_view library, std::string_view package);

// The address of `name` in `lib`; "LIBRARY has no NAME" (ErrorKind::io) when absent.
Result<void*> symbol(void* lib, const char* name, std::string_view library);

// Sets the function pointer `slot` to `name` in `lib`.
template <typename Fn>
Status bind(void* lib, const char* name, Fn& slot, std::string_view library) {
  slot = reinterpret_cast<Fn>(SLAP_TRY(symbol(lib, name, library)));
  return {};
}

}  // namespace slap::dl
