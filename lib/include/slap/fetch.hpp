// Verified downloads with a content cache. A file is checked against its checksum before
// it is used or enters the cache; a mismatch leaves nothing behind.
#pragma once

#include <optional>
#include <string>

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
};

class Fetcher {
 public:
  Fetcher(Options options, const Context& ctx);
  ~Fetcher();

  // Returns the path of a verified copy of `url` (http, https, ftp, file://, absolute or
  // relative local path; relative to `base_dir`). Remote files are kept in the cache;
  // local files are verified in place. Errors: ErrorKind::checksum with expected and
  // actual digests; ErrorKind::network (offline and not cached: message names the URL).
  Result<std::string> fetch(const std::string& url, const std::optional<Checksum>& expected,
                            const std::string& base_dir = {});

  // Whole body of a small remote text (profiles given by URL).
  Result<std::string> read_text(const std::string& url);

  const Options& options() const { return options_; }

 private:
  struct Impl;
  Options options_;
  const Context& ctx_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slap::fetch
