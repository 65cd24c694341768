// Shacache/Shadir URLs (slap/cache.hpp).
#include <fmt/format.h>

#include "cache/base64.hpp"
#include "slap/cache.hpp"
#include "slap/strings.hpp"

namespace slap::cache {

namespace {

// Keys go into the path verbatim (':' included), except what a URL cannot carry raw.
std::string path_escape(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    if (c <= 0x20 || c >= 0x7f || c == '%' || c == '#' || c == '?') out += fmt::format("%{:02X}", c);
    else out += static_cast<char>(c);
  }
  return out;
}

}  // namespace

Endpoint endpoint(const std::string& base, const std::string& token) {
  Endpoint e{base, token.empty() ? "" : "Bearer " + token};
  auto scheme_end = base.find("://");
  if (scheme_end == std::string::npos) return e;
  auto host_start = scheme_end + 3;
  auto at = base.find('@', host_start);
  if (at == std::string::npos || at > base.find('/', host_start)) return e;
  e.authorization = "Basic " + base64_encode(base.substr(host_start, at - host_start));
  e.url = base.substr(0, host_start) + base.substr(at + 1);
  return e;
}

std::string join_url(const std::string& base, std::string_view name) {
  std::string url(str::rstrip_chars(base, "/"));
  if (!name.empty()) url += "/" + path_escape(name);
  return url;
}

}  // namespace slap::cache
