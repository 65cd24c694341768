// The binary cache of shared parts: a shared part's directory (SHARED/NAME/DIGEST) is
// published as a reproducible tar.gz in Shacache under the Shadir key
// "slap-shared-part:NAME:DIGEST", so another machine with the same options downloads it
// instead of building it. Only entries signed by a trusted certificate are used.
#pragma once

#include <string>

#include "slap/cache.hpp"
#include "slap/context.hpp"
#include "slap/error.hpp"

namespace slap::build {

std::string shared_part_key(const std::string& part, const std::string& location);

// Fills `location` from the cache; false when the cache has no trusted entry for it.
Result<bool> restore_shared_part(const cache::Settings& settings, const Context& ctx, const std::string& part,
                                 const std::string& location);

// Uploads `location` (a complete shared part) and publishes its entry.
Status upload_shared_part(const cache::Settings& settings, const Context& ctx, const std::string& part,
                          const std::string& location);

}  // namespace slap::build
