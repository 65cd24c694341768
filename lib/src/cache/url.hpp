// Shacache/Shadir URLs: where the upload token goes, and how names go into paths. Shared by
// the protocol client and `slap sync`.
#pragma once

#include <string>
#include <string_view>

namespace slap::cache {

// A base URL without its user:password@ part, which becomes a Basic Authorization header;
// otherwise a non-empty token is sent as "Bearer TOKEN".
struct Endpoint {
  std::string url;
  std::string authorization;
};

Endpoint endpoint(const std::string& base, const std::string& token);

// `url` without its user:password@ part: what messages and reports may show.
inline std::string without_credentials(const std::string& url) { return endpoint(url, "").url; }

// `base`/`name`, the name escaped only where a URL cannot carry it raw (keys keep their ':').
std::string join_url(const std::string& base, std::string_view name);

}  // namespace slap::cache
