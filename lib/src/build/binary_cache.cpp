#include "build/binary_cache.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "slap/archive.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"

namespace slap::build {

namespace {
constexpr const char* complete_marker = ".buildout-shared.json";
}

std::string shared_part_key(const std::string& part, const std::string& location) {
  return fmt::format("slap-shared-part:{}:{}", part, path::basename(location));
}

Result<bool> restore_shared_part(const cache::Settings& settings, const Context& ctx, const std::string& part,
                                 const std::string& location) {
  auto client = SLAP_TRY(cache::Client::open(settings, ctx));
  auto entries = SLAP_TRY(client.trusted_entries(shared_part_key(part, location)));
  if (entries.empty()) return false;
  std::string blob = location + fmt::format(".download-{}", ::getpid());
  SLAP_CHECK(fs::make_dirs(path::dirname(location)));
  auto got = client.download(entries.back().sha512, blob);
  if (!got) {
    (void)fs::remove_all(blob);
    return fail(std::move(got.error()));
  }
  SLAP_CHECK(fs::remove_all(location));
  auto extracted = archive::extract(blob, location, {archive::Strip::never, {}});
  (void)fs::remove_all(blob);
  if (!extracted) return fail(std::move(extracted.error()));
  if (!fs::exists(path::join(location, complete_marker))) {
    (void)fs::remove_all(location);
    return fail(ErrorKind::recipe, fmt::format("binary cache entry for part '{}' is not a complete shared part", part));
  }
  return true;
}

Status upload_shared_part(const cache::Settings& settings, const Context& ctx, const std::string& part,
                          const std::string& location) {
  auto client = SLAP_TRY(cache::Client::open(settings, ctx));
  std::string archive_file = location + fmt::format(".upload-{}.tar.gz", ::getpid());
  auto made = archive::create(archive_file, location, {});
  if (!made) return fail(std::move(made.error()));
  auto pushed = client.upload(archive_file);
  (void)fs::remove_all(archive_file);
  if (!pushed) return fail(std::move(pushed.error()));
  return client.publish(shared_part_key(part, location),
                        cache::make_entry_info(pushed->sha512, {{"part", part}, {"location", location}}));
}

}  // namespace slap::build
