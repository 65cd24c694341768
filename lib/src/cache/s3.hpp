// The few S3 calls a cache store needs, over slap's HTTP client (libcurl signs them with
// AWS Signature V4). Object names are relative to the settings' prefix. Thread-safe: each
// call borrows a connection from a small pool.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slap/cache.hpp"
#include "slap/cache_store.hpp"
#include "slap/error.hpp"
#include "slap/http.hpp"

namespace slap::cache {

// The text of each <tag>...</tag> in `xml`, in order, entities decoded (ListObjectsV2 and
// multipart answers are flat enough for this).
std::vector<std::string> xml_values(std::string_view xml, std::string_view tag);
// RFC 3986 percent-encoding as SigV4 wants it: all but A-Z a-z 0-9 - _ . ~ (and '/' when
// `keep_slash`).
std::string aws_encode(std::string_view text, bool keep_slash);

class S3Client {
 public:
  explicit S3Client(S3Settings settings);
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  const S3Settings& settings() const { return settings_; }
  std::string describe() const;  // s3://bucket/prefix
  // The URL of object `name` with the sorted, encoded query `query` ("" = none).
  std::string url(std::string_view name, std::string_view query = {}) const;

  struct Object {
    std::string name;  // without the prefix
    std::uint64_t size = 0;
  };
  struct Page {
    std::vector<Object> objects;
    std::string next_token;  // "" on the last page
  };

  // Size of object `name`; nullopt when there is none.
  Result<std::optional<std::uint64_t>> head(std::string_view name);
  // Sends `length` bytes from `offset` to `sink`; false when there is no such object.
  Result<bool> read(std::string_view name, std::uint64_t offset, std::uint64_t length, const BlobSink& sink);
  // The object's size and its first `max` bytes (at least 1), in one request; nullopt when
  // there is no such object.
  Result<std::optional<std::pair<std::uint64_t, std::string>>> get_head(std::string_view name, std::uint64_t max);
  // The whole object (small ones only); nullopt when there is none.
  Result<std::optional<std::string>> get(std::string_view name);
  Status put(std::string_view name, std::string body);
  Status remove(std::string_view name);
  Status copy(std::string_view from, std::string_view to);
  // Objects whose names start with `prefix`, after `start_after` (first page) or from
  // `token` (the next ones), at most `max` (1 to 1000).
  Result<Page> list(std::string_view prefix, std::string_view start_after, const std::string& token, std::size_t max);

  Result<std::string> start_multipart(std::string_view name);  // the upload id
  // Sends `body` (swapped into the request and back: its capacity is kept for the next part).
  Result<std::string> upload_part(std::string_view name, const std::string& id, unsigned number, std::string& body);
  Status complete_multipart(std::string_view name, const std::string& id, const std::vector<std::string>& etags);
  void abort_multipart(std::string_view name, const std::string& id);

 private:
  http::Request request(std::string method, std::string_view name, std::string_view query = {}) const;
  // A 2xx answer (or one of `also_ok`), else an error quoting S3's code and message.
  Result<http::Response> perform(const http::Request& rq, std::initializer_list<long> also_ok = {});
  std::unique_ptr<http::Client> borrow();
  void give_back(std::unique_ptr<http::Client> client);

  S3Settings settings_;
  std::string scheme_host_;  // "http://host:port" of the endpoint
  std::string sigv4_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<http::Client>> pool_;
};

}  // namespace slap::cache
