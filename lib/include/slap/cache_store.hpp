// What `slap cache-serve` keeps its blobs and Shadir entries in: a directory (Store, below)
// or an S3-compatible bucket (lib/src/cache/s3_store.hpp), chosen by make_storage() from a
// URL as ccache chooses its remote storage. The server's handlers see only this interface.
//
// The directory store, which `slap sync` also reads and writes:
//   ROOT/shacache/ab/cd/<sha512>   complete, verified blobs (sharded by hash prefix)
//   ROOT/shadir/ab/<sha256(key)>   a key's entries: exactly the JSON array GET returns
//   ROOT/shadir/ab/<sha256(key)>.key   the key itself, so that keys can be listed
//   ROOT/incoming/                 uploads being received; emptied when the store opens
//   ROOT/partial/<sha512>.part     `slap sync pull` downloads, resumed by the next run
// A blob appears under its name only by rename(2) after its last byte was hashed and
// fsynced, so a reader never sees a partial or unverified blob, even after kill -9.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slap/cache.hpp"
#include "slap/checksum.hpp"
#include "slap/context.hpp"
#include "slap/error.hpp"
#include "slap/fs.hpp"

namespace slap::cache {

struct StoredBlob {
  std::string sha512;
  std::uint64_t size = 0;
};

struct StoredKey {
  std::string key;
  std::string cursor;  // the sha256 of the key, which names its file: the listing order
  std::vector<Entry> entries;
};

// An upload in progress. Destroying it without commit() discards what was written.
class BlobUpload {
 public:
  virtual ~BlobUpload() = default;
  virtual Status write(std::string_view data) = 0;
  virtual std::uint64_t size() const = 0;
  // Finishes the digest. When `expected` is given and differs: ErrorKind::checksum and
  // nothing is kept. Otherwise the blob becomes visible under its digest, which is returned.
  virtual Result<std::string> commit(std::string_view expected = {}) = 0;
};

// Receives the bytes of a blob being read; false stops the read.
using BlobSink = std::function<bool(std::string_view)>;

class Storage {
 public:
  virtual ~Storage() = default;

  // Creates what the store needs and removes what interrupted uploads left behind
  // (only where no other server may be using it).
  virtual Status prepare() = 0;
  // The store, for messages: a directory or s3://bucket/prefix.
  virtual std::string describe() const = 0;

  // The size of blob `sha512`, nullopt when the store does not have it.
  virtual Result<std::optional<std::uint64_t>> blob_size(std::string_view sha512) const = 0;
  // Sends `length` bytes of blob `sha512` from `offset` to `sink`, in pieces.
  virtual Status read_blob(std::string_view sha512, std::uint64_t offset, std::uint64_t length,
                           const BlobSink& sink) const = 0;
  // The size of blob `sha512` and, when it holds at most `max` bytes, those bytes (else
  // nullopt); nullopt when there is no such blob. One request to a remote store.
  struct Peek {
    std::uint64_t size = 0;
    std::optional<std::string> bytes;
  };
  virtual Result<std::optional<Peek>> peek_blob(std::string_view sha512, std::uint64_t max) const;
  virtual Result<std::unique_ptr<BlobUpload>> upload() = 0;
  // The members of `sha512s` that have no blob, in the same order.
  virtual Result<std::vector<std::string>> missing(const std::vector<std::string>& sha512s) const = 0;

  // Blobs in ascending sha512 order, strictly after `after` ("" = from the start), at most
  // `limit`.
  virtual Result<std::vector<StoredBlob>> list_blobs(std::string_view after, std::size_t limit) const = 0;
  // Keys matching the fnmatch(3) pattern `glob` ("" = all), ordered by cursor, with their
  // entries; `max_bytes` of entry lists end a page early (never before its first key).
  virtual Result<std::vector<StoredKey>> list_keys(std::string_view after, std::size_t limit, std::string_view glob,
                                                   std::uint64_t max_bytes = UINT64_MAX) const = 0;

  // The JSON array of [info, signature] pairs under `key`; nullopt for an unknown key.
  virtual Result<std::optional<std::string>> entries(std::string_view key) const = 0;
  // Appends one pair (an identical pair already there is not repeated).
  virtual Status append_entry(std::string_view key, const std::string& info, const std::string& signature) = 0;
};

// The store `options.storage` names (s3://BUCKET[/PREFIX]), else the directory options.root.
Result<std::unique_ptr<Storage>> make_storage(const ServerOptions& options, const Context& ctx);

// ---- The directory store ---------------------------------------------------------------

class Store;

// An upload in progress. Destroying it without commit() removes the temporary file.
class IncomingBlob final : public BlobUpload {
 public:
  Status write(std::string_view data) override;
  std::uint64_t size() const override { return size_; }
  Result<std::string> commit(std::string_view expected = {}) override;

 private:
  friend class Store;
  // The name is known only after the last byte: the file is committed under `staged`
  // in incoming/, then renamed into its shard.
  IncomingBlob(const Store& store, fs::AtomicFile file, std::string staged)
      : store_(&store), file_(std::move(file)), staged_(std::move(staged)) {}
  const Store* store_;
  fs::AtomicFile file_;
  std::string staged_;
  std::uint64_t size_ = 0;
  checksum::Hasher hasher_{checksum::Algorithm::sha512};
};

class Store final : public Storage {
 public:
  explicit Store(std::string root) : root_(std::move(root)) {}
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Creates the layout and removes what interrupted uploads and writes left behind.
  Status prepare() override;
  std::string describe() const override { return root_; }
  const std::string& root() const { return root_; }

  std::string blob_path(std::string_view sha512) const;
  Result<IncomingBlob> incoming() const;
  Result<std::unique_ptr<BlobUpload>> upload() override;
  Result<std::optional<std::uint64_t>> blob_size(std::string_view sha512) const override;
  Status read_blob(std::string_view sha512, std::uint64_t offset, std::uint64_t length,
                   const BlobSink& sink) const override;
  Result<std::vector<std::string>> missing(const std::vector<std::string>& sha512s) const override;
  // Makes the file `staged` (on the store's file system) blob `sha512` when its content
  // hashes to it; otherwise removes it and fails with ErrorKind::checksum.
  Status adopt(const std::string& staged, std::string_view sha512) const;

  // Directory walks, in ascending order, strictly after `after` ("" = from the start), at
  // most `limit` items. Blobs: files named by their sha512 in their own shard.
  Result<std::vector<StoredBlob>> list_blobs(std::string_view after, std::size_t limit) const override;
  // Keys matching the fnmatch(3) pattern `glob` ("" = all), ordered by cursor, with their
  // entries; `max_bytes` of entry lists end a page early (never before its first key).
  Result<std::vector<StoredKey>> list_keys(std::string_view after, std::size_t limit, std::string_view glob,
                                           std::uint64_t max_bytes = UINT64_MAX) const override;

  // The JSON array of [info, signature] pairs under `key`; nullopt for an unknown key.
  Result<std::optional<std::string>> entries(std::string_view key) const override;
  // Appends one pair (an identical pair already there is not repeated); atomic per key.
  Status append_entry(std::string_view key, const std::string& info, const std::string& signature) override;

 private:
  friend class IncomingBlob;
  // Renames the complete, verified file `staged` into the shard of `sha512`.
  Status place(const std::string& staged, std::string_view sha512) const;
  std::string entries_path(std::string_view key) const;
  std::string root_;
  mutable std::atomic<std::uint64_t> next_upload_{0};
  std::array<std::mutex, 64> key_locks_;  // striped by key hash: appends are read-modify-write
};

}  // namespace slap::cache
