// Verified downloads with a content cache. A file is checked against its checksum before
// it is used or enters the cache; a mismatch leaves nothing behind.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "slap/cache.hpp"
#include "slap/checksum.hpp"
#include "slap/context.hpp"
#include "slap/error.hpp"

namespace slap::fetch {

struct Checksum {
  checksum::Algorithm algorithm = checksum::Algorithm::md5;
  std::string hex;  // lower-case
};

// "md5sum" values as SlapOS writes them (32 hex digits), or "sha256:HEX"/"sha512:HEX".
Result<Checksum> parse_checksum(std::string_view text);

struct Options {
  std::string cache_dir;       // e.g. ~/.cache/slap/download
  bool offline = false;        // only the cache; a missing file is an error naming the URL
  int attempts = 4;            // network retries (with backoff)
  long retry_delay_ms = 500;   // first backoff delay, doubled after each failure
  // The networkcache (Shacache/Shadir), as slapos.buildout uses it: a download with a
  // checksum is first looked up under "file-urlmd5:<md5 of the URL>". Unset: not used.
  std::optional<cache::Settings> network_cache;
};

// The Shadir key under which the networkcache holds the file at `url`:
// "file-urlmd5:<md5 of the URL>".
std::string network_cache_key(const std::string& url);

// cache_dir from `build.download-cache`, offline from `core.offline`, the networkcache
// from the cache settings (cache.shacache-url and cache.shadir-url, or cache.slapos-cfg).
Result<Options> options_from_config(const Config& config);

class Fetcher {
 public:
  Fetcher(Options options, const Context& ctx);
  ~Fetcher();

  // Returns the path of a verified copy of `url` (http, https, ftp, file://, absolute or
  // relative local path; relative to `base_dir`, or the current directory when empty).
  // Remote files are kept in the cache (by checksum, or by URL when no checksum is given:
  // such a file is not downloaded again); local files are verified in place. Errors:
  // ErrorKind::checksum with expected and actual digests; ErrorKind::network (offline and
  // not cached: message names the URL). Safe to call from several threads at once.
  Result<std::string> fetch(const std::string& url, const std::optional<Checksum>& expected,
                            const std::string& base_dir = {});

  // Whole body of a small text (profiles given by URL or path). Remote texts are downloaded
  // again when online (the cached copy is refreshed, and used when the network fails);
  // offline, only the cached copy is read.
  Result<std::string> read_text(const std::string& url);

  const Options& options() const { return options_; }
  // From now on, only the download cache (call before any fetch starts).
  void go_offline() { options_.offline = true; }

 private:
  struct Impl;
  Options options_;
  const Context& ctx_;
  std::unique_ptr<Impl> impl_;
};

// A profile::UrlReader (remote `extends`) backed by its own Fetcher; `ctx` must outlive it.
std::function<Result<std::string>(const std::string& url)> url_reader(Options options, const Context& ctx);

}  // namespace slap::fetch
