// A cache store in an S3-compatible bucket, for servers that share it (stateless: several
// `slap cache-serve --storage s3://...` behind one load balancer). Under PREFIX/:
//   shacache/ab/cd/<sha512>                 complete, verified blobs (as in a directory store)
//   shadir/<sha256(key)>/<time>-<pair hash> one object per [info, signature] pair:
//                                           {"key", "info", "signature"}; appends never
//                                           rewrite an object, so servers cannot lose each
//                                           other's entries
//   incoming/<random>                       large uploads being received (multipart), copied
//                                           to their name once verified; an interrupted one
//                                           is left for a bucket lifecycle rule to expire
// A blob appears under its name only after its sha512 was checked.
#pragma once

#include <memory>

#include "cache/s3.hpp"
#include "slap/cache_store.hpp"

namespace slap::cache {

class S3Store final : public Storage {
 public:
  explicit S3Store(S3Settings settings) : s3_(std::make_shared<S3Client>(std::move(settings))) {}

  // Checks that the bucket answers; removes nothing (other servers may be uploading).
  Status prepare() override;
  std::string describe() const override { return s3_->describe(); }

  Result<std::optional<std::uint64_t>> blob_size(std::string_view sha512) const override;
  Status read_blob(std::string_view sha512, std::uint64_t offset, std::uint64_t length,
                   const BlobSink& sink) const override;
  // One ranged GET of the first `max` bytes, whose Content-Range tells the size.
  Result<std::optional<Peek>> peek_blob(std::string_view sha512, std::uint64_t max) const override;
  Result<std::unique_ptr<BlobUpload>> upload() override;
  // From listings: one page of names per run of requested digests, never a blob.
  Result<std::vector<std::string>> missing(const std::vector<std::string>& sha512s) const override;
  Result<std::vector<StoredBlob>> list_blobs(std::string_view after, std::size_t limit) const override;
  Result<std::vector<StoredKey>> list_keys(std::string_view after, std::size_t limit, std::string_view glob,
                                           std::uint64_t max_bytes = UINT64_MAX) const override;
  Result<std::optional<std::string>> entries(std::string_view key) const override;
  Status append_entry(std::string_view key, const std::string& info, const std::string& signature) override;

  // Object names, relative to the prefix.
  static std::string blob_name(std::string_view sha512);
  static std::string key_dir(std::string_view key);  // "shadir/<sha256(key)>/"

 private:
  struct Pairs {
    std::string key;
    std::vector<std::pair<std::string, std::string>> pairs;  // oldest first, no repeats
    std::uint64_t bytes = 0;
  };
  // The pairs stored as `names` (one key's objects, in name order).
  Result<Pairs> read_pairs(const std::vector<std::string>& names) const;

  std::shared_ptr<S3Client> s3_;  // shared with uploads in flight
};

}  // namespace slap::cache
