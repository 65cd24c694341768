// The peer's side of a sync: the HTTP requests `slap cache-serve` answers, each retried with
// backoff on network errors and counted. One Peer per thread (it owns a connection).
#pragma once

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "slap/cache_store.hpp"
#include "slap/context.hpp"
#include "slap/error.hpp"
#include "slap/http.hpp"

namespace slap::sync {

// [begin, end) index ranges that split `count` items into batches of at most `size` (0 = 1).
std::vector<std::pair<std::size_t, std::size_t>> batches(std::size_t count, std::size_t size);

class Peer {
 public:
  // `base` is the peer's URL (PEER/shacache, PEER/shadir); `token` goes with uploads.
  Peer(const std::string& base, const std::string& token, const Context& ctx, std::atomic<unsigned>& requests);

  // The peer's URL without credentials, for messages.
  const std::string& url() const { return base_; }

  // Negotiation: errors name the peer ("cannot reach the peer ...", or an unexpected answer).
  Result<std::vector<cache::StoredBlob>> list_blobs(std::size_t page);
  Result<std::vector<cache::StoredKey>> list_keys(const std::string& glob, std::size_t page);
  // The members of `sha512s` the peer lacks, `batch` digests per request.
  Result<std::vector<std::string>> missing(const std::vector<std::string>& sha512s, std::size_t batch);

  // Transfers: transport errors only; the caller judges the status.
  // GET blob `sha512` into `partial`, resuming after the bytes it already holds; more
  // than `size` bytes in all (`max_blob` when the size is unknown, 0) is an error.
  Result<http::Response> get_blob(const std::string& sha512, std::uint64_t size, std::uint64_t max_blob,
                                  const std::string& partial, std::uint64_t limit_rate, const http::ProgressFn& progress);
  Result<http::Response> put_blob(const std::string& sha512, const std::string& file, std::uint64_t limit_rate,
                                  const http::ProgressFn& progress);
  Result<http::Response> put_entry(const std::string& key, const cache::Entry& entry);

 private:
  http::Request request(std::string method, const cache::Endpoint& where, std::string_view name) const;
  Result<http::Response> perform(const http::Request& rq, const http::ProgressFn& progress = {});
  // perform() for negotiation: a 200 with a JSON body, or an error naming the peer.
  Result<std::string> negotiate(const http::Request& rq);
  // A listing, page after page: `page_request(after)` makes each request; `add` takes each
  // item of the page's `member` array, false when it does not have `item_shape`.
  using PageRequest = std::function<http::Request(const std::string& after)>;
  using AddItem = std::function<bool(const nlohmann::json& item)>;
  Status read_pages(const PageRequest& page_request, const char* member, std::string_view item_shape,
                    const AddItem& add);

  std::string base_;
  cache::Endpoint cache_;
  cache::Endpoint dir_;
  const Context& ctx_;
  std::atomic<unsigned>* requests_;
  http::Client http_;
};

}  // namespace slap::sync
