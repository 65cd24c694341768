#include "slap/cache_store.hpp"

#include "cache/s3_store.hpp"

namespace slap::cache {

Result<std::optional<Storage::Peek>> Storage::peek_blob(std::string_view sha512, std::uint64_t max) const {
  auto size = SLAP_TRY(blob_size(sha512));
  if (!size) return std::optional<Peek>();
  Peek peek{*size, std::nullopt};
  if (*size <= max) {
    std::string bytes;
    bytes.reserve(*size);
    SLAP_CHECK(read_blob(sha512, 0, *size, [&](std::string_view piece) {
      bytes.append(piece);
      return true;
    }));
    peek.bytes = std::move(bytes);
  }
  return std::optional<Peek>(std::move(peek));
}

Result<std::unique_ptr<Storage>> make_storage(const ServerOptions& options, const Context&) {
  if (options.s3) {
    if (options.s3->access_key_id.empty() || options.s3->secret_access_key.empty())
      return fail(ErrorKind::usage, "S3 storage needs credentials: s3.access-key-id and s3.secret-access-key in "
                                    "slap.toml, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    if (options.s3->part_size < (5u << 20))
      return fail(ErrorKind::usage, "s3.part-size: S3 wants parts of at least 5 MiB (5242880 bytes)");
    // A verified blob is copied to its name in one request, which S3 limits to 5 GiB.
    if (options.max_upload > (5ull << 30))
      return fail(ErrorKind::usage, "--max-size: S3 storage takes blobs of at most 5 GiB (5368709120 bytes)");
    return std::unique_ptr<Storage>(new S3Store(*options.s3));
  }
  return std::unique_ptr<Storage>(new Store(options.root));
}

}  // namespace slap::cache
