// The cache server module: cache::Server::bind() with cpp-httplib (and through it libssl
// and brotli) in a shared object that `slap cache-serve` loads, so that no other command
// loads those libraries at start.
//
// The module carries its own, hidden copy of the parts of libslapcore it uses (linked with
// --exclude-libs): nothing resolves to the executable or the other way round. That is
// sound because libslapcore keeps no mutable global state, and only ServerOptions,
// Context, Error and the Server interface cross over, laid out by the same headers in the
// same build; the version check refuses a module from another slap.
#pragma once

#include <memory>

#include "slap/cache.hpp"

namespace slap::cli {

using BindServer = Result<std::unique_ptr<cache::Server>> (*)(cache::ServerOptions options, const Context& ctx);

// The module's exported symbols: cache::Server::bind, and the slap version it was built for.
inline constexpr const char* bind_server_symbol = "slap_cache_server_bind";
inline constexpr const char* module_version_symbol = "slap_cache_server_version";

// Loads the module from the executable's directory (the build tree) or from its installed
// place, SLAP_SERVER_MODULE_DIR relative to the executable's directory.
Result<BindServer> load_server_module();

}  // namespace slap::cli
