#include "cache/s3_store.hpp"

#include <fnmatch.h>
#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <set>

#include "slap/checksum.hpp"
#include "slap/strings.hpp"

namespace slap::cache {

namespace {

constexpr std::size_t page_max = 1000;  // what one ListObjectsV2 answer holds at most

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  RAND_bytes(raw.data(), static_cast<int>(raw.size()));
  std::string hex;
  for (unsigned char c : raw) hex += fmt::format("{:02x}", c);
  return hex;
}

// Receives a blob: up to one part in memory; past that, a multipart upload to incoming/
// that commit() copies to the blob's name once its digest is known and checked.
class S3Upload final : public BlobUpload {
 public:
  explicit S3Upload(std::shared_ptr<S3Client> s3) : s3_(std::move(s3)), part_size_(s3_->settings().part_size) {
    buffer_.reserve(std::min<std::uint64_t>(part_size_, 1 << 20));
  }
  ~S3Upload() override {
    if (!upload_id_.empty()) s3_->abort_multipart(staged_, upload_id_);
  }

  Status write(std::string_view data) override {
    hasher_.update(data);
    size_ += data.size();
    while (!data.empty()) {
      std::size_t take = std::min<std::size_t>(data.size(), part_size_ - buffer_.size());
      // Small blobs stay small; a large one gets its part buffer at once rather than by
      // doublings (each a copy, with both buffers alive).
      if (buffer_.size() + take > buffer_.capacity()) buffer_.reserve(part_size_);
      buffer_.append(data.substr(0, take));
      data.remove_prefix(take);
      if (buffer_.size() == part_size_) SLAP_CHECK(send_part());
    }
    return {};
  }
  std::uint64_t size() const override { return size_; }

  Result<std::string> commit(std::string_view expected) override {
    std::string digest = hasher_.hex();
    if (!expected.empty() && digest != expected) {
      discard();
      return fail(ErrorKind::checksum, fmt::format("content does not match its key: its sha512 is {}", digest));
    }
    std::string name = S3Store::blob_name(digest);
    if (SLAP_TRY(s3_->head(name))) {  // already there (blobs never change): keep that one
      discard();
      return digest;
    }
    if (upload_id_.empty()) {
      SLAP_CHECK(s3_->put(name, std::move(buffer_)));
      return digest;
    }
    if (!buffer_.empty()) SLAP_CHECK(send_part());
    SLAP_CHECK(s3_->complete_multipart(staged_, upload_id_, etags_));
    upload_id_.clear();
    Status copied = s3_->copy(staged_, name);
    (void)s3_->remove(staged_);
    if (!copied) return fail(std::move(copied.error()));
    return digest;
  }

 private:
  Status send_part() {
    if (upload_id_.empty()) {
      staged_ = "incoming/" + random_hex(16);
      upload_id_ = SLAP_TRY(s3_->start_multipart(staged_));
    }
    // The buffer travels with the request and comes back for the next part.
    auto etag = s3_->upload_part(staged_, upload_id_, static_cast<unsigned>(etags_.size() + 1), buffer_);
    buffer_.clear();
    etags_.push_back(SLAP_TRY(std::move(etag)));
    return {};
  }
  void discard() {
    if (!upload_id_.empty()) s3_->abort_multipart(staged_, upload_id_);
    upload_id_.clear();
    buffer_.clear();
    buffer_.shrink_to_fit();
  }

  std::shared_ptr<S3Client> s3_;
  std::uint64_t part_size_;
  std::string buffer_;
  std::string staged_;
  std::string upload_id_;
  std::vector<std::string> etags_;
  std::uint64_t size_ = 0;
  checksum::Hasher hasher_{checksum::Algorithm::sha512};
};

std::string pair_hash(const std::string& info, const std::string& signature) {
  return checksum::hex_digest(checksum::Algorithm::sha256, info + '\0' + signature).substr(0, 32);
}

}  // namespace

std::string S3Store::blob_name(std::string_view sha512) {
  return fmt::format("shacache/{}/{}/{}", sha512.substr(0, 2), sha512.substr(2, 2), sha512);
}

std::string S3Store::key_dir(std::string_view key) {
  return fmt::format("shadir/{}/", checksum::hex_digest(checksum::Algorithm::sha256, key));
}

Status S3Store::prepare() {
  auto page = s3_->list("shacache/", "", "", 1);
  if (!page)
    return fail(ErrorKind::network, fmt::format("cannot use the bucket of {}: {}", describe(), page.error().message));
  return {};
}

Result<std::optional<std::uint64_t>> S3Store::blob_size(std::string_view sha512) const {
  return s3_->head(blob_name(sha512));
}

Status S3Store::read_blob(std::string_view sha512, std::uint64_t offset, std::uint64_t length,
                          const BlobSink& sink) const {
  if (!SLAP_TRY(s3_->read(blob_name(sha512), offset, length, sink)))
    return fail(ErrorKind::io, fmt::format("{}: blob {} vanished while being read", describe(), sha512));
  return {};
}

Result<std::optional<Storage::Peek>> S3Store::peek_blob(std::string_view sha512, std::uint64_t max) const {
  auto ranged = s3_->get_head(blob_name(sha512), max);
  // Some servers (s3rver) botch a range over an empty object: then a HEAD, and a GET if needed.
  if (!ranged) return Storage::peek_blob(sha512, max);
  auto& head = *ranged;
  if (!head) return std::optional<Peek>();
  if (head->first > max) return std::optional<Peek>(Peek{head->first, std::nullopt});
  return std::optional<Peek>(Peek{head->first, std::move(head->second)});
}

Result<std::unique_ptr<BlobUpload>> S3Store::upload() { return std::unique_ptr<BlobUpload>(new S3Upload(s3_)); }

Result<std::vector<std::string>> S3Store::missing(const std::vector<std::string>& sha512s) const {
  std::vector<std::string> wanted(sha512s);
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  std::set<std::string> present;
  // A merge of the sorted digests with the listing: each page starts just before the
  // first digest not yet decided and decides every digest up to its last name.
  for (std::size_t i = 0; i < wanted.size();) {
    std::string from = blob_name(wanted[i]);
    auto page = SLAP_TRY(s3_->list("shacache/", from.substr(0, from.size() - 1), "", page_max));
    std::string last;
    for (const auto& object : page.objects) {
      std::string sha512 = object.name.substr(object.name.rfind('/') + 1);
      if (is_sha512_hex(sha512) && blob_name(sha512) == object.name) present.insert(sha512);
      last = object.name;
    }
    if (page.next_token.empty()) break;  // nothing after this page: the rest are missing
    std::size_t before = i;
    while (i < wanted.size() && blob_name(wanted[i]) <= last) ++i;
    if (i == before) ++i;  // a page of other names only (cannot happen with a sane store)
  }
  std::vector<std::string> out;
  for (const auto& sha512 : sha512s)
    if (!present.contains(sha512)) out.push_back(sha512);
  return out;
}

Result<std::vector<StoredBlob>> S3Store::list_blobs(std::string_view after, std::size_t limit) const {
  std::vector<StoredBlob> blobs;
  std::string token;
  std::string start = after.empty() ? "" : blob_name(after);
  while (blobs.size() < limit) {
    auto page = SLAP_TRY(s3_->list("shacache/", start, token, std::min(page_max, limit - blobs.size())));
    for (const auto& object : page.objects) {
      std::string sha512 = object.name.substr(object.name.rfind('/') + 1);
      if (is_sha512_hex(sha512) && blob_name(sha512) == object.name) blobs.push_back({sha512, object.size});
    }
    if (page.next_token.empty()) break;
    token = std::move(page.next_token);
  }
  return blobs;
}

Result<S3Store::Pairs> S3Store::read_pairs(const std::vector<std::string>& names) const {
  Pairs out;
  for (const auto& name : names) {
    auto text = SLAP_TRY(s3_->get(name));
    if (!text) continue;  // removed since the listing
    auto doc = nlohmann::json::parse(*text, nullptr, false);
    if (!doc.is_object() || !doc.value("key", nlohmann::json()).is_string() ||
        !doc.value("info", nlohmann::json()).is_string() || !doc.value("signature", nlohmann::json()).is_string())
      return fail(ErrorKind::io, fmt::format("{}/{}: corrupt entry", describe(), name));
    out.key = doc["key"].get<std::string>();
    std::pair<std::string, std::string> pair{doc["info"].get<std::string>(), doc["signature"].get<std::string>()};
    if (std::find(out.pairs.begin(), out.pairs.end(), pair) != out.pairs.end()) continue;
    out.bytes += pair.first.size() + pair.second.size() + 8;
    out.pairs.push_back(std::move(pair));
  }
  return out;
}

Result<std::vector<StoredKey>> S3Store::list_keys(std::string_view after, std::size_t limit, std::string_view glob,
                                                  std::uint64_t max_bytes) const {
  std::vector<StoredKey> keys;
  if (limit == 0) return keys;
  std::string pattern(glob);
  std::uint64_t bytes = 0;
  std::string cursor;
  std::vector<std::string> names;  // the objects of key `cursor`
  // Adds the key whose objects were gathered; false once the page is full.
  auto finish = [&]() -> Result<bool> {
    if (names.empty()) return true;
    Pairs pairs = SLAP_TRY(read_pairs(names));
    names.clear();
    if (pairs.pairs.empty() || key_dir(pairs.key) != fmt::format("shadir/{}/", cursor)) return true;
    if (!pattern.empty() && ::fnmatch(pattern.c_str(), pairs.key.c_str(), 0) != 0) return true;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [info, signature] : pairs.pairs) list.push_back({info, signature});
    auto entries = parse_entries(list.dump());
    if (!entries) return fail(ErrorKind::io, fmt::format("{}: corrupt entries under '{}'", describe(), pairs.key));
    keys.push_back({std::move(pairs.key), cursor, std::move(*entries)});
    bytes += pairs.bytes;
    return keys.size() < limit && bytes < max_bytes;
  };
  std::string token;
  // '~' sorts after every name below the cursor's own prefix.
  std::string start = after.empty() ? "" : fmt::format("shadir/{}/~", after);
  for (;;) {
    auto page = SLAP_TRY(s3_->list("shadir/", start, token, page_max));
    for (const auto& object : page.objects) {
      std::string_view rest = std::string_view(object.name).substr(7);
      std::string hash(rest.substr(0, rest.find('/')));
      if (hash.size() != 64 || rest.size() <= 65) continue;
      if (hash != cursor) {
        if (!SLAP_TRY(finish())) return keys;
        cursor = hash;
      }
      names.push_back(object.name);
    }
    if (page.next_token.empty()) break;
    token = std::move(page.next_token);
  }
  SLAP_TRY(finish());
  return keys;
}

Result<std::optional<std::string>> S3Store::entries(std::string_view key) const {
  std::vector<std::string> names;
  std::string token;
  do {
    auto page = SLAP_TRY(s3_->list(key_dir(key), "", token, page_max));
    for (auto& object : page.objects) names.push_back(std::move(object.name));
    token = std::move(page.next_token);
  } while (!token.empty());
  Pairs pairs = SLAP_TRY(read_pairs(names));
  if (pairs.pairs.empty()) return std::optional<std::string>();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [info, signature] : pairs.pairs) list.push_back({info, signature});
  return std::optional<std::string>(list.dump());
}

Status S3Store::append_entry(std::string_view key, const std::string& info, const std::string& signature) {
  std::string dir = key_dir(key);
  std::string hash = pair_hash(info, signature);
  std::string token;
  do {
    auto page = SLAP_TRY(s3_->list(dir, "", token, page_max));
    for (const auto& object : page.objects)
      if (str::ends_with(object.name, "-" + hash)) return {};
    token = std::move(page.next_token);
  } while (!token.empty());
  // Names sort oldest first; two servers appending at once both keep their pair.
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch());
  nlohmann::json doc = {{"key", std::string(key)}, {"info", info}, {"signature", signature}};
  return s3_->put(fmt::format("{}{:020}-{}", dir, now.count(), hash), doc.dump());
}

}  // namespace slap::cache
