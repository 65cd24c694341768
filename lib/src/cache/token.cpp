// The shared secret that authorises uploads to `slap cache-serve`.
#include <openssl/rand.h>

#include <fmt/format.h>

#include "slap/cache.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::cache {

Result<std::string> read_upload_token(const std::string& path, bool create) {
  if (!fs::exists(path) && create) {
    unsigned char random[32];
    if (RAND_bytes(random, sizeof random) != 1) return fail(ErrorKind::internal, "no random bytes for an upload token");
    std::string token;
    for (unsigned char c : random) token += fmt::format("{:02x}", c);
    SLAP_CHECK(fs::make_dirs(path::dirname(path)));
    SLAP_CHECK(fs::write_atomic(path, token + "\n", 0600));
  }
  auto text = fs::read_file(path);
  if (!text) return fail(ErrorKind::input, fmt::format("cannot read the upload token: {}", text.error().message));
  std::string token(str::strip(*text));
  if (token.empty()) return fail(ErrorKind::input, fmt::format("{}: the upload token file is empty", path));
  return token;
}

}  // namespace slap::cache
