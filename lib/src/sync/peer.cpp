#include "sync/peer.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "slap/cache.hpp"
#include "slap/fs.hpp"
#include "slap/strings.hpp"

namespace slap::sync {

namespace {

constexpr std::uint64_t max_answer = 256 << 20;  // a listing page or a bulk answer
constexpr long upload_timeout_seconds = 3600;    // the peer may digest a large upload slowly

// The string member `name` of `object`, or "" (also when it is absent or not a string).
std::string text_of(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The "next" of a listing page: "" on the last page; it must move forward, or a broken
// peer would keep us listing forever.
Result<std::string> next_cursor(const nlohmann::json& page, const std::string& after, const std::string& url) {
  std::string next = text_of(page, "next");
  if (!next.empty() && next <= after) return fail(ErrorKind::network, fmt::format("{}: the listing does not advance", url));
  return next;
}

std::string trimmed(const std::string& url) { return std::string(str::rstrip_chars(url, "/")); }

Error bad_answer(const std::string& url, std::string_view expected) {
  return Error(ErrorKind::network, fmt::format("{}: unexpected answer, expected {}", url, expected));
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> batches(std::size_t count, std::size_t size) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  size = std::max<std::size_t>(size, 1);
  for (std::size_t begin = 0; begin < count; begin += size) out.emplace_back(begin, std::min(count, begin + size));
  return out;
}

Peer::Peer(const std::string& base, const std::string& token, const Context& ctx, std::atomic<unsigned>& requests)
    : base_(cache::without_credentials(trimmed(base))),
      cache_(cache::endpoint(trimmed(base) + "/shacache", token)),
      dir_(cache::endpoint(trimmed(base) + "/shadir", token)),
      ctx_(ctx),
      requests_(&requests) {}

http::Request Peer::request(std::string method, const cache::Endpoint& where, std::string_view name) const {
  http::Request rq;
  // Only uploads need the token; downloads and queries are public.
  if (method == "PUT" && !where.authorization.empty()) rq.headers.emplace_back("Authorization", where.authorization);
  rq.method = std::move(method);
  rq.url = cache::join_url(where.url, name);
  return rq;
}

Result<http::Response> Peer::perform(const http::Request& rq, const http::ProgressFn& progress) {
  http::RetryPolicy policy;
  policy.on_retry = [this](std::string_view reason, long delay_ms) {
    ++*requests_;
    ctx_.debug(fmt::format("{}; retrying in {} ms", reason, delay_ms));
  };
  ++*requests_;
  return http::perform_with_retries(http_, rq, policy, ctx_.cancel, progress);
}

Result<std::string> Peer::negotiate(const http::Request& rq) {
  auto rs = perform(rq);
  if (!rs && rs.error().kind == ErrorKind::network)
    return fail(ErrorKind::network, fmt::format("cannot reach the peer {}: {}", base_, rs.error().message));
  if (!rs) return fail(std::move(rs.error()));
  if (rs->status != 200)
    return fail(ErrorKind::network, fmt::format("the peer answered HTTP {} to {} {}: is it a `slap cache-serve`?",
                                                rs->status, rq.method, rq.url));
  return std::move(rs->body);
}

Status Peer::read_pages(const PageRequest& page_request, const char* member, std::string_view item_shape,
                        const AddItem& add) {
  std::string after;
  do {
    auto rq = page_request(after);
    rq.max_body = max_answer;
    auto json = nlohmann::json::parse(SLAP_TRY(negotiate(rq)), nullptr, false);
    auto list = json.is_object() ? json.find(member) : json.end();
    if (list == json.end() || !list->is_array())
      return fail(bad_answer(rq.url, fmt::format(R"({{"{}": [...], "next": ...}})", member)));
    for (const auto& item : *list)
      if (!item.is_object() || !add(item)) return fail(bad_answer(rq.url, item_shape));
    after = SLAP_TRY(next_cursor(json, after, rq.url));
  } while (!after.empty());
  return {};
}

Result<std::vector<cache::StoredBlob>> Peer::list_blobs(std::size_t page) {
  std::vector<cache::StoredBlob> blobs;
  auto page_request = [&](const std::string& after) {
    auto rq = request("GET", cache_, "list");
    rq.url += fmt::format("?limit={}{}", page, after.empty() ? "" : "&after=" + after);
    return rq;
  };
  auto add = [&](const nlohmann::json& blob) {
    std::string sha512 = text_of(blob, "sha512");
    auto size = blob.find("size");
    if (!cache::is_sha512_hex(sha512) || size == blob.end() || !size->is_number_unsigned()) return false;
    blobs.push_back({std::move(sha512), size->get<std::uint64_t>()});
    return true;
  };
  SLAP_CHECK(read_pages(page_request, "blobs", R"({"sha512": SHA512, "size": BYTES} for each blob)", add));
  return blobs;
}

Result<std::vector<cache::StoredKey>> Peer::list_keys(const std::string& glob, std::size_t page) {
  std::vector<cache::StoredKey> keys;
  auto page_request = [&](const std::string& after) {
    auto rq = request("POST", dir_, "list");
    rq.headers.emplace_back("Content-Type", "application/json");
    rq.body = nlohmann::json{{"after", after}, {"limit", page}, {"match", glob}}.dump();
    return rq;
  };
  auto add = [&](const nlohmann::json& item) {
    std::string key = text_of(item, "key");
    auto pairs = item.find("entries");
    if (key.empty() || pairs == item.end()) return false;
    auto entries = cache::parse_entries(pairs->dump());
    if (!entries) return false;
    keys.push_back({std::move(key), "", std::move(*entries)});
    return true;
  };
  SLAP_CHECK(read_pages(page_request, "keys", R"({"key": KEY, "entries": [[INFO, SIGNATURE]...]})", add));
  return keys;
}

Result<std::vector<std::string>> Peer::missing(const std::vector<std::string>& sha512s, std::size_t batch) {
  std::vector<std::string> out;
  for (auto [begin, end] : batches(sha512s.size(), batch)) {
    std::vector<std::string> asked(sha512s.begin() + static_cast<std::ptrdiff_t>(begin),
                                   sha512s.begin() + static_cast<std::ptrdiff_t>(end));
    auto rq = request("POST", cache_, "missing");
    rq.headers.emplace_back("Content-Type", "application/json");
    rq.body = nlohmann::json(asked).dump();
    rq.max_body = max_answer;
    auto json = nlohmann::json::parse(SLAP_TRY(negotiate(rq)), nullptr, false);
    std::unordered_set<std::string> known(asked.begin(), asked.end());
    bool valid = json.is_array();
    for (std::size_t i = 0; valid && i < json.size(); ++i) valid = json[i].is_string() && known.contains(json[i]);
    if (!valid) return fail(bad_answer(rq.url, "a JSON list of the digests it lacks"));
    for (auto& hex : json) out.push_back(hex.get<std::string>());
  }
  return out;
}

Result<http::Response> Peer::get_blob(const std::string& sha512, std::uint64_t size, std::uint64_t max_blob,
                                      const std::string& partial, std::uint64_t limit_rate,
                                      const http::ProgressFn& progress) {
  auto rq = request("GET", cache_, sha512);
  rq.output_file = partial;
  rq.resume_from = fs::size_or_zero(partial);
  rq.max_body = size > 0 ? size : max_blob;  // as the peer's listing announced it: never more
  rq.limit_rate = limit_rate;
  return perform(rq, progress);
}

Result<http::Response> Peer::put_blob(const std::string& sha512, const std::string& file, std::uint64_t limit_rate,
                                      const http::ProgressFn& progress) {
  auto rq = request("PUT", cache_, sha512);
  rq.headers.emplace_back("Content-Type", "application/octet-stream");
  rq.body_file = file;
  rq.limit_rate = limit_rate;
  rq.low_speed_seconds = upload_timeout_seconds;
  return perform(rq, progress);
}

Result<http::Response> Peer::put_entry(const std::string& key, const cache::Entry& entry) {
  auto rq = request("PUT", dir_, key);
  rq.headers.emplace_back("Content-Type", "application/json");
  rq.body = cache::entry_body(entry.info, entry.signature);
  return perform(rq);
}

}  // namespace slap::sync
