#include "server_module.hpp"

#include <dlfcn.h>

#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <string>
#include <vector>

#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"
#include "slap_layout.h"
#include "slap_version.h"

namespace slap::cli {

namespace {

constexpr const char* module_file = "slap-cache-server.so";

// Relative to the executable, so that an installed tree still works once moved (or
// installed with DESTDIR). /proc/self/exe names the file itself, symlinks resolved.
Result<std::vector<std::string>> module_dirs() {
  std::error_code ec;
  std::string exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec)
    return fail(ErrorKind::io, fmt::format("cannot locate the slap executable (/proc/self/exe): {}", ec.message()));
  std::string dir = path::dirname(exe);
  return std::vector<std::string>{dir, path::normpath(path::join(dir, SLAP_SERVER_MODULE_DIR))};
}

Result<BindServer> open_module(const std::string& file) {
  void* lib = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);  // never closed: the server runs from it
  if (!lib) {
    const char* why = ::dlerror();
    return fail(ErrorKind::io, fmt::format("cannot load the cache server module: {}", why ? why : file));
  }
  auto* version = static_cast<const char*>(::dlsym(lib, module_version_symbol));
  if (!version || std::strcmp(version, SLAP_VERSION) != 0)
    return fail(ErrorKind::io, fmt::format("{} is not the cache server module of slap {}: reinstall slap", file,
                                           SLAP_VERSION));
  void* bind = ::dlsym(lib, bind_server_symbol);
  if (!bind) return fail(ErrorKind::io, fmt::format("{} has no {}: reinstall slap", file, bind_server_symbol));
  return reinterpret_cast<BindServer>(bind);
}

}  // namespace

Result<BindServer> load_server_module() {
  auto dirs = SLAP_TRY(module_dirs());
  for (const auto& dir : dirs) {
    std::string file = path::join(dir, module_file);
    if (fs::exists(file)) return open_module(file);
  }
  return fail(ErrorKind::io, fmt::format("cannot find the cache server module {} in {}: reinstall slap", module_file,
                                         str::join(dirs, " or ")));
}

}  // namespace slap::cli
