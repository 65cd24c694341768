#include "fetch/network_cache.hpp"

#include <fmt/format.h>

#include "fetch/verify.hpp"
#include "slap/checksum.hpp"
#include "slap/fs.hpp"

namespace slap::fetch {

std::string network_cache_key(const std::string& url) {
  return "file-urlmd5:" + checksum::hex_digest(checksum::Algorithm::md5, url);
}

Result<bool> download_from_network_cache(const std::string& url, const Checksum& expected, const std::string& part,
                                         const cache::Settings& settings, const Context& ctx) {
  auto client = SLAP_TRY(cache::Client::open(settings, ctx));
  std::string key = network_cache_key(url);
  // Without trusted certificates every entry is taken, as libnetworkcache does; the
  // checksum pinned by the profile is what makes the bytes safe to use.
  auto entries = settings.trusted_certificates.find("BEGIN CERTIFICATE") == std::string::npos
                     ? SLAP_TRY(client.entries(key))
                     : SLAP_TRY(client.trusted_entries(key));
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {  // the newest first
    if (it->sha512.empty()) continue;
    auto got = client.download(it->sha512, part);
    if (!got) {
      ctx.warn(fmt::format("networkcache: {}", got.error().message));
      continue;
    }
    auto verified = verify_file(part, expected, url);
    if (verified) {
      ctx.info(fmt::format("downloaded {} from the networkcache ({})", url, key));
      return true;
    }
    ctx.warn(fmt::format("networkcache: {} (entry under {} ignored)", verified.error().message, key));
    SLAP_CHECK(fs::remove_all(part));
  }
  return false;
}

}  // namespace slap::fetch
