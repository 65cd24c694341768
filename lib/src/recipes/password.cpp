// slapos.cookbook:generate.password: a random password, kept in `storage-path` so that it
// stays the same from one run to the next.
#include <fmt/format.h>
#include <openssl/rand.h>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {

class Password final : public Recipe {
 public:
  std::string storage, password;

  Result<std::vector<std::string>> install(const InstallContext&) override {
    if (storage.empty()) return std::vector<std::string>{};
    SLAP_CHECK(fs::make_dirs(path::dirname(storage)));
    SLAP_CHECK(fs::write_atomic(storage, password, 0600));
    return std::vector<std::string>{};  // kept on uninstall: the password must not change
  }
  Result<std::vector<std::string>> update(const InstallContext& ic) override { return install(ic); }
};

Result<std::string> random_password(std::size_t length) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  while (out.size() < length) {
    unsigned char byte = 0;
    if (RAND_bytes(&byte, 1) != 1) return fail(ErrorKind::internal, "no random bytes available");
    if (byte < 248) out += alphabet[byte % alphabet.size()];  // 248 = 4 * 62: no modulo bias
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Recipe>> make_password(profile::Resolver& resolver, profile::Options& options, const Env&) {
  auto r = std::make_unique<Password>();
  auto storage = SLAP_TRY(options.get("storage-path"));
  r->storage = storage ? *storage : SLAP_TRY(part_location(resolver, options));
  std::string preset = SLAP_TRY(optional(options, "passwd"));
  std::string length_text = SLAP_TRY(optional(options, "bytes"));
  std::size_t length = 16;
  if (!length_text.empty()) {
    try {
      length = std::stoul(length_text);
    } catch (...) {
      return fail(option_error(options, "bytes", fmt::format("'{}' is not a number", length_text)));
    }
  }
  if (!preset.empty()) r->password = preset;
  else if (!r->storage.empty() && fs::exists(r->storage)) r->password = std::string(str::strip(SLAP_TRY(fs::read_file(r->storage))));
  else r->password = SLAP_TRY(random_password(length));
  options.set("passwd", r->password);
  options.set("storage-path", r->storage);
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
