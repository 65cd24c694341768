#include <fmt/format.h>

#include "fetch/cache.hpp"
#include "fetch/download.hpp"
#include "fetch/network_cache.hpp"
#include "fetch/verify.hpp"
#include "slap/config.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::fetch {

namespace {

// Where `url` lives on this machine, or "" when it must be downloaded.
Result<std::string> local_path(const std::string& url, const std::string& base_dir) {
  if (!path::is_url(url)) {
    if (path::is_abs(url)) return url;
    return path::join(base_dir.empty() ? fs::current_dir() : base_dir, url);
  }
  std::string scheme = str::to_lower(url.substr(0, url.find("://")));
  if (scheme == "http" || scheme == "https" || scheme == "ftp") return std::string();
  if (scheme != "file")
    return fail(ErrorKind::input, fmt::format("unsupported URL scheme '{}' in {} (http, https, ftp, file)", scheme, url));
  std::string_view rest = std::string_view(url).substr(7);  // after "file://"
  std::string_view host = rest.substr(0, rest.find('/'));
  if (!host.empty() && host != "localhost")
    return fail(ErrorKind::input, fmt::format("cannot read {}: file URLs on another host are not supported", url));
  return str::percent_decode(rest.substr(host.size()));
}

Error offline_miss(const std::string& url, const std::string& cache_dir) {
  return Error(ErrorKind::network, fmt::format("offline: {} is not in the download cache ({})", url, cache_dir));
}

// Downloads into `part` and checks it; a mismatch removes `part`.
Status download_verified(const std::string& url, const std::string& part, const std::optional<Checksum>& expected,
                         const Options& options, const Context& ctx) {
  bool resumed = SLAP_TRY(download_file(url, part, options, ctx));
  if (!expected) return {};
  auto verified = verify_file(part, *expected, url);
  if (!verified && resumed) {
    // The file may have changed on the server since the interrupted run: start over once.
    ctx.info(fmt::format("{}; downloading {} again from the start", verified.error().message, url));
    SLAP_CHECK(fs::remove_all(part));
    SLAP_TRY(download_file(url, part, options, ctx));
    verified = verify_file(part, *expected, url);
  }
  if (!verified) {
    SLAP_CHECK(fs::remove_all(part));
    return verified;
  }
  return {};
}

// A cache entry is checked on every use, as zc.buildout does: a file changed in the cache
// since it was stored is removed (and downloaded again), never installed.
Result<bool> usable(const std::string& entry, const std::optional<Checksum>& expected, const std::string& url,
                    const Context& ctx) {
  if (!fs::exists(entry)) return false;
  if (!expected) return true;
  auto verified = verify_file(entry, *expected, url);
  if (verified) return true;
  if (verified.error().kind != ErrorKind::checksum) return fail(std::move(verified.error()));
  ctx.warn(fmt::format("{}: the download cache's copy {} was changed; removing it", verified.error().message, entry));
  SLAP_CHECK(fs::remove_all(entry));
  return false;
}

}  // namespace

Result<Options> options_from_config(const Config& config) {
  Options options;
  options.cache_dir = config.get("build.download-cache");
  options.offline = config.get_bool("core.offline");
  auto settings = SLAP_TRY(cache::settings_from_config(config));
  if (settings.can_download()) options.network_cache = std::move(settings);
  return options;
}

struct Fetcher::Impl {
  DownloadCache cache;
};

Fetcher::Fetcher(Options options, const Context& ctx)
    : options_(std::move(options)), ctx_(ctx), impl_(std::make_unique<Impl>(Impl{DownloadCache(options_.cache_dir)})) {}
Fetcher::~Fetcher() = default;

Result<std::string> Fetcher::fetch(const std::string& url, const std::optional<Checksum>& expected,
                                   const std::string& base_dir) {
  std::string local = SLAP_TRY(local_path(url, base_dir));
  if (!local.empty()) {
    if (expected) SLAP_CHECK(verify_file(local, *expected, url));
    else if (!fs::exists(local) || fs::is_dir(local))
      return fail(ErrorKind::io, fmt::format("cannot open {}: no such file", local));
    return local;
  }
  const DownloadCache& cache = impl_->cache;
  if (cache.dir().empty()) return fail(ErrorKind::internal, fmt::format("no download cache directory to fetch {} into", url));
  std::string entry = expected ? cache.by_checksum(*expected) : cache.by_url(url);
  if (SLAP_TRY(usable(entry, expected, url, ctx_))) return entry;
  if (expected) {
    std::string adopted = cache.adopt_by_url(url, *expected);
    if (!adopted.empty()) return adopted;
  }
  if (options_.offline) return fail(offline_miss(url, cache.dir()));
  FileLock lock = SLAP_TRY(cache.lock(url, ctx_.cancel));
  if (SLAP_TRY(usable(entry, expected, url, ctx_))) return entry;  // another process finished it while we waited
  std::string part = cache.part_file(url);
  std::string from_network_cache;  // why the networkcache did not have it
  if (expected && options_.network_cache) {
    auto got = download_from_network_cache(url, *expected, part, *options_.network_cache, ctx_);
    if (got && *got) {
      SLAP_CHECK(cache.publish(part, entry));
      return entry;
    }
    from_network_cache = got ? "not in the networkcache" : got.error().message;
  }
  auto downloaded = download_verified(url, part, expected, options_, ctx_);
  if (!downloaded) {
    if (!from_network_cache.empty())
      downloaded.error().message += fmt::format(" (networkcache: {})", from_network_cache);
    return fail(std::move(downloaded.error()));
  }
  SLAP_CHECK(cache.publish(part, entry));
  return entry;
}

Result<std::string> Fetcher::read_text(const std::string& url) {
  std::string local = SLAP_TRY(local_path(url, {}));
  if (!local.empty()) return fs::read_file(local);
  const DownloadCache& cache = impl_->cache;
  std::string cached = cache.dir().empty() ? std::string() : cache.by_url(url);
  bool have_copy = !cached.empty() && fs::exists(cached);
  if (options_.offline) {
    if (!have_copy) return fail(offline_miss(url, cache.dir()));
    return fs::read_file(cached);
  }
  auto text = download_text(url, options_, ctx_);
  if (!text) {
    if (!have_copy || text.error().kind != ErrorKind::network) return text;
    ctx_.warn(fmt::format("{}; using the cached copy {}", text.error().message, cached));
    return fs::read_file(cached);
  }
  if (!cached.empty()) {
    SLAP_CHECK(fs::make_dirs(path::dirname(cached)));
    SLAP_CHECK(fs::write_atomic(cached, *text));
  }
  return text;
}

std::function<Result<std::string>(const std::string& url)> url_reader(Options options, const Context& ctx) {
  auto fetcher = std::make_shared<Fetcher>(std::move(options), ctx);
  return [fetcher](const std::string& url) { return fetcher->read_text(url); };
}

}  // namespace slap::fetch
