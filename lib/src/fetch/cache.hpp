// The download cache directory: verified files by checksum (`by-md5/HEX`, `by-sha256/HEX`,
// `by-sha512/HEX`), files fetched without a checksum by URL (`by-url/MD5(URL)`), and
// downloads in progress (`partial/MD5(URL).part`, resumed by the next run).
#pragma once

#include <string>

#include "slap/error.hpp"
#include "slap/fetch.hpp"
#include "slap/lock.hpp"

namespace slap::fetch {

class DownloadCache {
 public:
  explicit DownloadCache(std::string dir) : dir_(std::move(dir)) {}

  const std::string& dir() const { return dir_; }
  std::string by_checksum(const Checksum& sum) const;
  std::string by_url(const std::string& url) const;
  std::string part_file(const std::string& url) const;

  // One download per URL at a time, across threads and processes.
  Result<FileLock> lock(const std::string& url, const CancelToken* cancel) const;
  // Makes a finished download an entry: fsync, then an atomic rename.
  Status publish(const std::string& part, const std::string& entry) const;
  // A file cached by URL that matches `sum` also becomes its checksum entry (so a profile
  // that pins a checksum later still finds it offline). Returns the entry, or "" when none.
  std::string adopt_by_url(const std::string& url, const Checksum& sum) const;

 private:
  std::string dir_;
};

}  // namespace slap::fetch
