// slapos.recipe.build:download and :download-unpacked.
#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/archive.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"

namespace slap::recipes {

namespace {

class Download final : public Recipe {
 public:
  std::optional<std::string> shared_location() const override {
    return shared ? std::optional<std::string>(location) : std::nullopt;
  }
  Env env;
  std::string url, location, target;
  std::optional<fetch::Checksum> sum;
  std::optional<unsigned> file_mode;
  std::string signature;
  bool shared = false, has_destination = false;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    if (shared && shared_part_complete(location)) return std::vector<std::string>{};
    log_line(ic, fmt::format("download {} -> {}", url, target));
    std::string file = SLAP_TRY(download(env, url, sum));
    if (!has_destination) SLAP_CHECK(fs::make_dirs(location));
    else SLAP_CHECK(fs::make_dirs(path::dirname(target)));
    auto data = SLAP_TRY(fs::read_file(file));
    SLAP_CHECK(fs::write_atomic(target, data, file_mode.value_or(0644), false));
    if (shared) {
      SLAP_CHECK(mark_shared_part_complete(location, signature));
      make_read_only(location);
      return std::vector<std::string>{};
    }
    return std::vector<std::string>{has_destination ? target : location};
  }
};

class DownloadUnpacked final : public Recipe {
 public:
  std::optional<std::string> shared_location() const override {
    return shared ? std::optional<std::string>(location) : std::nullopt;
  }
  Env env;
  std::string url, location;
  std::optional<fetch::Checksum> sum;
  archive::ExtractOptions extract;
  std::string signature;
  bool shared = false;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    if (shared && shared_part_complete(location)) return std::vector<std::string>{};
    log_line(ic, fmt::format("download and unpack {} -> {}", url, location));
    std::string file = SLAP_TRY(download(env, url, sum));
    SLAP_CHECK(fs::remove_all(location));
    SLAP_CHECK(archive::extract(file, location, extract));
    if (shared) {
      SLAP_CHECK(mark_shared_part_complete(location, signature));
      make_read_only(location);
      return std::vector<std::string>{};
    }
    return std::vector<std::string>{location};
  }
};

}  // namespace

Result<std::unique_ptr<Recipe>> make_download(profile::Resolver& resolver, profile::Options& options, const Env& env) {
  auto r = std::make_unique<Download>();
  r->env = env;
  r->url = SLAP_TRY(options.at("url"));
  r->sum = SLAP_TRY(checksum(options, "md5sum"));
  r->file_mode = SLAP_TRY(mode(options, "mode"));
  // `filename` names the file under the part's directory; a `destination` replaces both
  // (profiles often keep a `filename` that only builds their url).
  std::string filename = SLAP_TRY(optional(options, "filename"));
  std::string destination = SLAP_TRY(optional(options, "destination"));
  auto place = SLAP_TRY(shared_place(resolver, options, env));
  r->location = place.location;
  r->shared = place.shared();
  r->signature = place.signature;
  r->has_destination = !destination.empty();
  r->target = r->has_destination ? destination : path::join(r->location, filename.empty() ? options.name() : filename);
  options.set("location", r->location);
  options.set("target", r->target);
  return std::unique_ptr<Recipe>(std::move(r));
}

Result<std::unique_ptr<Recipe>> make_download_unpacked(profile::Resolver& resolver, profile::Options& options,
                                                       const Env& env) {
  auto r = std::make_unique<DownloadUnpacked>();
  r->env = env;
  r->url = SLAP_TRY(options.at("url"));
  r->sum = SLAP_TRY(checksum(options, "md5sum"));
  std::string strip = SLAP_TRY(optional(options, "strip-top-level-dir"));
  if (strip.empty()) r->extract.strip = archive::Strip::automatic;
  else r->extract.strip = SLAP_TRY(flag(options, "strip-top-level-dir", false)) ? archive::Strip::always : archive::Strip::never;
  r->extract.subdirectory = SLAP_TRY(optional(options, "extract-directory"));
  std::string destination = SLAP_TRY(optional(options, "destination"));
  auto place = SLAP_TRY(shared_place(resolver, options, env));
  if (!destination.empty() && SLAP_TRY(strict_flag(options, "shared", false)))
    return fail(option_error(options, "destination", "When shared=true, option 'destination' can't be set"));
  r->location = destination.empty() ? place.location : destination;
  r->shared = destination.empty() && place.shared();
  r->signature = place.signature;
  options.set("location", r->location);
  options.set("target", r->location);
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
