#include "release/push.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "release/freeze_scan.hpp"
#include "release/recipe_outputs.hpp"
#include "slap/cache.hpp"
#include "slap/checksum.hpp"
#include "slap/fetch.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::release {

namespace {

struct PinnedDownload {
  std::string section;
  std::string url;
  std::string md5;
};

bool is_remote(const std::string& url) { return path::is_url(url) && !url.starts_with("file://"); }

// Remote URLs with their md5sum: part downloads and `patches` entries written URL#MD5.
Result<std::vector<PinnedDownload>> pinned_downloads(const profile::Profile& profile) {
  RecipeOutputsHook hook(profile);
  profile::Resolver resolver(profile, &hook);
  std::vector<PinnedDownload> out;
  auto add = [&](const std::string& section, std::string url, std::string md5) {
    if (!is_remote(url) || md5.empty()) return;
    if (std::none_of(out.begin(), out.end(), [&](const PinnedDownload& d) { return d.url == url; }))
      out.push_back({section, std::move(url), std::move(md5)});
  };
  for (const auto& part : SLAP_TRY(resolve_parts(resolver))) {
    profile::Options& o = *SLAP_TRY(resolver.section(part));
    if (!is_download_recipe(SLAP_TRY(o.get("recipe")).value_or(""))) continue;
    add(part, SLAP_TRY(o.get("url")).value_or(""), SLAP_TRY(o.get("md5sum")).value_or(""));
    for (const auto& entry : str::split_ws(SLAP_TRY(o.get("patches")).value_or(""))) {
      auto hash = entry.rfind('#');
      if (hash != std::string::npos) add(part, entry.substr(0, hash), entry.substr(hash + 1));
    }
  }
  return out;
}

Result<Change> push_download(const PinnedDownload& d, fetch::Fetcher& fetcher, cache::Client& cache) {
  auto expected = SLAP_TRY(fetch::parse_checksum(d.md5));
  std::string local = SLAP_TRY(fetcher.fetch(d.url, expected));
  auto pushed = SLAP_TRY(cache.upload(local));
  std::string key = "file-urlmd5:" + checksum::hex_digest(checksum::Algorithm::md5, d.url);
  auto entries = SLAP_TRY(cache.entries(key));
  bool already_published = std::any_of(entries.begin(), entries.end(), [&](const cache::Entry& e) {
    return e.sha512 == pushed.sha512 && str::contains(e.info, d.url);
  });
  if (!already_published) SLAP_CHECK(cache.publish(key, cache::make_entry_info(pushed.sha512, {{"url", d.url}})));
  std::string what = pushed.uploaded ? "uploaded" : "already cached";
  return Change{{}, 0, d.section, fmt::format("{} {} (sha512 {}){}", what, d.url, pushed.sha512, already_published ? "" : ", published")};
}

}  // namespace

Result<std::vector<Change>> push_release(const profile::Profile& profile, const std::string& archive,
                                         fetch::Fetcher& fetcher, cache::Client& cache, const Context& ctx) {
  std::vector<Change> changes;
  auto downloads = SLAP_TRY(pinned_downloads(profile));
  std::optional<Progress> progress(std::in_place, ctx, "push", downloads.size());
  for (std::size_t i = 0; i < downloads.size(); ++i) {
    if (ctx.cancelled()) return fail(ErrorKind::interrupted, "push interrupted");
    auto change = push_download(downloads[i], fetcher, cache);
    if (!change) return fail(std::move(change.error()).add_context(fmt::format("while pre-caching {}", downloads[i].url)));
    changes.push_back(std::move(*change));
    progress->advance(i + 1);
  }
  progress.reset();
  if (!archive.empty()) {
    auto pushed = SLAP_TRY(cache.upload(archive));
    changes.push_back({archive, 0, {}, fmt::format("{} archive (sha512 {})", pushed.uploaded ? "uploaded" : "already cached", pushed.sha512)});
  }
  return changes;
}

}  // namespace slap::release
