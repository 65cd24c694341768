// Pre-caching a release in Shacache (spec/release-process.md §7, networkcache.md §4).
#pragma once

#include <string>
#include <vector>

#include "slap/release.hpp"

namespace slap::release {

// Uploads every pinned remote download of the profile's parts (published under
// file-urlmd5:<md5 of the URL> with its url, as buildout's networkcache looks them up) and
// the archive when given.
Result<std::vector<Change>> push_release(const profile::Profile& profile, const std::string& archive,
                                         fetch::Fetcher& fetcher, cache::Client& cache, const Context& ctx);

}  // namespace slap::release
