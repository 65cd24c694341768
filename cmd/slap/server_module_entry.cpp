// What the cache server module exports; everything else in it is hidden.
#include <type_traits>

#include "server_module.hpp"
#include "slap_version.h"

extern "C" {

[[gnu::visibility("default")]] extern const char slap_cache_server_version[] = SLAP_VERSION;

[[gnu::visibility("default")]] slap::Result<std::unique_ptr<slap::cache::Server>> slap_cache_server_bind(
    slap::cache::ServerOptions options, const slap::Context& ctx) {
  return slap::cache::Server::bind(std::move(options), ctx);
}

}  // extern "C"

static_assert(std::is_same_v<decltype(&slap_cache_server_bind), slap::cli::BindServer>);
