// Downloads through the networkcache, as slapos.buildout does before it contacts a file's
// own URL: the Shadir key "file-urlmd5:<md5 of the URL>" names blobs in Shacache.
#pragma once

#include <string>

#include "slap/cache.hpp"
#include "slap/fetch.hpp"

namespace slap::fetch {

// Writes to `part` the newest entry's blob under network_cache_key(url) that matches
// `expected` (entries must be signed by a trusted certificate when any is configured).
// False when no entry gives it (each refusal is logged); an error when the cache cannot be
// reached.
Result<bool> download_from_network_cache(const std::string& url, const Checksum& expected, const std::string& part,
                                         const cache::Settings& settings, const Context& ctx);

}  // namespace slap::fetch
