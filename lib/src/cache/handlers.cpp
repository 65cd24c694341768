#include "cache/handlers.hpp"

#include <openssl/crypto.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <optional>

#include "cache/base64.hpp"
#include "cache/range.hpp"
#include "slap/strings.hpp"

namespace slap::cache {

namespace {

using HandlerResponse = httplib::Server::HandlerResponse;

constexpr std::uint64_t entry_limit = 1 << 20;     // one [info, signature] pair
constexpr std::uint64_t missing_limit = 64 << 20;  // ~500,000 digests
constexpr std::uint64_t small_blob = 256 << 10;    // served from memory, larger ones streamed
constexpr std::size_t key_limit = 1024;
constexpr std::size_t max_headers = 100;
constexpr std::size_t max_header_bytes = 64 << 10;
constexpr std::size_t default_page = 10000;        // blobs or keys per listing page
constexpr std::size_t max_page = 100000;
constexpr std::uint64_t page_entry_bytes = 32 << 20;  // entry lists in one page of keys

enum class Route { none, upload, missing, blob_list, blob, shadir, key_list };

struct Target {
  Route route = Route::none;
  std::string name;  // the sha512 or the key
};

Target classify(const std::string& path) {
  if (path == "/shacache" || path == "/shacache/") return {Route::upload, ""};
  if (path == "/shacache/missing") return {Route::missing, ""};
  if (path == "/shacache/list") return {Route::blob_list, ""};
  if (path.starts_with("/shacache/")) return {Route::blob, path.substr(10)};
  if (path.starts_with("/shadir/") && path.size() > 8) return {Route::shadir, path.substr(8)};
  return {};
}

const char* allowed_methods(Route route) {
  switch (route) {
    case Route::upload:
    case Route::missing:
    case Route::key_list: return "POST";
    case Route::blob_list: return "GET";
    case Route::blob:
    case Route::shadir: return "GET, HEAD, PUT";
    case Route::none: break;
  }
  return "";
}

std::uint64_t body_limit(Route route, std::uint64_t max_upload) {
  if (route == Route::missing) return missing_limit;
  if (route == Route::shadir || route == Route::key_list) return entry_limit;
  return max_upload;
}

void reply(httplib::Response& res, int status, std::string_view message) {
  res.status = status;
  res.set_content(std::string(message) + "\n", "text/plain");
}

// A request refused before its body was read: the connection cannot be reused.
void refuse(httplib::Response& res, int status, std::string_view message) {
  reply(res, status, message);
  res.set_header("Connection", "close");
}

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > key_limit || !str::valid_utf8(key)) return false;
  for (char c : key)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  return true;
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

enum class Auth { granted, missing, denied };

Auth check_token(const httplib::Request& req, const std::string& token) {
  std::string header = req.get_header_value("Authorization");
  if (header.empty()) return Auth::missing;
  auto space = header.find(' ');
  std::string scheme = str::to_lower(header.substr(0, space));
  std::string value(str::strip(space == std::string::npos ? "" : std::string_view(header).substr(space + 1)));
  if (scheme == "basic") {
    auto decoded = base64_decode(value);
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) return Auth::denied;
    value = decoded->substr(colon + 1);
  } else if (scheme != "bearer" && scheme != "token") {
    return Auth::denied;
  }
  return same_secret(value, token) ? Auth::granted : Auth::denied;
}

// Reads the whole body into `out` (or discards it when `out` is null). On failure sets the
// answer and returns false: 413 over `limit`, 400 when the body was cut short.
bool read_body(const httplib::ContentReader& reader, httplib::Response& res, std::uint64_t limit, std::string* out) {
  std::uint64_t total = 0;
  bool too_large = false;
  bool complete = reader([&](const char* data, std::size_t n) {
    total += n;
    if (total > limit) return !(too_large = true);
    if (out) out->append(data, n);
    return true;
  });
  if (too_large) refuse(res, 413, fmt::format("body larger than {} bytes", limit));
  else if (!complete) refuse(res, 400, "incomplete request body");
  return complete && !too_large;
}

// The page size asked for: `limit` from 1 to max_page (default default_page), else 0.
std::size_t page_size(const std::string& text) {
  if (text.empty()) return default_page;
  std::size_t used = 0;
  unsigned long n = 0;
  try {
    n = std::stoul(text, &used);
  } catch (...) {
    return 0;
  }
  return used == text.size() && n >= 1 && n <= max_page ? n : 0;
}

struct KeyQuery {
  std::string after;
  std::size_t limit = default_page;
  std::string match;
};

// The body of POST /shadir/list: {"after": CURSOR, "limit": N, "match": GLOB}, each optional.
std::optional<KeyQuery> parse_key_query(const std::string& body) {
  auto json = nlohmann::json::parse(body.empty() ? "{}" : body, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  KeyQuery q;
  for (const auto& item : json.items()) {
    const std::string& name = item.key();
    const auto& value = item.value();
    if (name == "after" && value.is_string()) q.after = value.get<std::string>();
    else if (name == "match" && value.is_string()) q.match = value.get<std::string>();
    else if (name == "limit" && value.is_number_unsigned()) q.limit = page_size(value.dump());
    else return std::nullopt;
  }
  if (q.limit == 0) return std::nullopt;
  return q;
}

}  // namespace

HandlerResponse Handlers::pre_route(const httplib::Request& req, httplib::Response& res) {
  // cpp-httplib bounds each header line but not their number; refuse what it let through.
  std::size_t header_bytes = 0;
  for (const auto& [name, value] : req.headers) header_bytes += name.size() + value.size();
  if (req.headers.size() > max_headers || header_bytes > max_header_bytes) {
    refuse(res, 431, "request headers too large");
    return HandlerResponse::Handled;
  }
  Target target = classify(req.path);
  // POST is not a Shadir method: on "list" it is the listing, a name no blob can have.
  if (target.route == Route::shadir && target.name == "list" && req.method == "POST") target.route = Route::key_list;
  if (target.route == Route::none) {
    refuse(res, 404, "no such endpoint: use /shacache and /shadir");
    return HandlerResponse::Handled;
  }
  std::string_view allowed = allowed_methods(target.route);
  if (req.method.empty() || !str::contains(fmt::format(" {},", allowed), fmt::format(" {},", req.method))) {
    refuse(res, 405, fmt::format("{} is not allowed here", req.method));
    res.set_header("Allow", std::string(allowed));
    return HandlerResponse::Handled;
  }
  if (target.route == Route::blob_list) {
    list_blobs(req, res);
    return HandlerResponse::Handled;
  }
  bool read_only = req.method == "GET" || req.method == "HEAD";
  if (target.route == Route::blob && (read_only || !is_sha512_hex(target.name))) {
    if (!is_sha512_hex(target.name)) refuse(res, 400, "not a sha512: expected 128 lowercase hex digits");
    else get_blob(req, res, target.name);
    return HandlerResponse::Handled;
  }
  if (target.route == Route::shadir && (read_only || !valid_key(target.name))) {
    if (!valid_key(target.name)) refuse(res, 400, "invalid key: 1 to 1024 bytes of UTF-8 without control characters");
    else get_entries(res, target.name);
    return HandlerResponse::Handled;
  }
  std::uint64_t limit = body_limit(target.route, options_.max_upload);
  if (req.has_header("Content-Length") && req.get_header_value<std::uint64_t>("Content-Length") > limit) {
    refuse(res, 413, fmt::format("body larger than {} bytes", limit));
    return HandlerResponse::Handled;
  }
  return HandlerResponse::Unhandled;
}

// cpp-httplib applies Request::ranges to whatever answer is sent: they are replaced by the
// checked ones (the Request is httplib's own mutable object; its handlers see it const).
// False when the answer is 416.
bool Handlers::honour_ranges(const httplib::Request& req, httplib::Response& res, std::uint64_t size) {
  auto& ranges = const_cast<httplib::Request&>(req).ranges;
  if (ranges.empty() && !req.has_header("Range")) return true;
  auto wanted = satisfiable_ranges(req.get_header_value("Range"), size);
  ranges.clear();
  if (wanted && wanted->empty()) {
    res.set_header("Content-Range", fmt::format("bytes */{}", size));
    reply(res, 416, "range not satisfiable");
    return false;
  }
  if (wanted)
    for (const auto& r : *wanted) ranges.emplace_back(static_cast<ssize_t>(r.first), static_cast<ssize_t>(r.last));
  return true;
}

void Handlers::unsatisfiable_range(const httplib::Request& req, httplib::Response& res) {
  if (res.status != 416 || res.has_header("Content-Range")) return;
  Target target = classify(req.path);
  if (target.route != Route::blob || !is_sha512_hex(target.name)) return;
  if (auto size = store_.blob_size(target.name); size && *size)
    res.set_header("Content-Range", fmt::format("bytes */{}", **size));
}

void Handlers::get_blob(const httplib::Request& req, httplib::Response& res, const std::string& sha512) {
  // A GET reads a small blob with its size (one request to a remote store).
  std::optional<Storage::Peek> found;
  if (req.method == "HEAD") {
    auto size = store_.blob_size(sha512);
    if (!size) return internal_error(res, size.error());
    if (*size) found = Storage::Peek{**size, std::nullopt};
  } else {
    auto peek = store_.peek_blob(sha512, small_blob);
    if (!peek) return internal_error(res, peek.error());
    found = std::move(*peek);
  }
  if (!found) return reply(res, 404, "no such blob");
  std::uint64_t size = found->size;
  res.set_header("Accept-Ranges", "bytes");
  if (!honour_ranges(req, res, size)) return;
  if (found->bytes) return res.set_content(std::move(*found->bytes), "application/octet-stream");
  if (size == 0) return res.set_content("", "application/octet-stream");
  Storage& store = store_;
  const Context& ctx = ctx_;
  res.set_content_provider(size, "application/octet-stream",
                           [&store, &ctx, sha512](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             Status read = store.read_blob(sha512, offset, length, [&](std::string_view piece) {
                               return sink.write(piece.data(), piece.size());
                             });
                             if (!read && read.error().kind != ErrorKind::interrupted) ctx.warn(read.error().describe());
                             return read.has_value();
                           });
}

void Handlers::get_entries(httplib::Response& res, const std::string& key) {
  auto list = store_.entries(key);
  if (!list) return internal_error(res, list.error());
  if (!*list) return reply(res, 404, "no entry under this key");
  res.set_content(std::move(**list), "application/json");
}

bool Handlers::authorized(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
                          std::uint64_t limit) {
  Auth auth = check_token(req, options_.upload_token);
  if (auth == Auth::granted) return true;
  if (!read_body(reader, res, limit, nullptr)) return false;
  reply(res, auth == Auth::missing ? 401 : 403,
        auth == Auth::missing ? "uploads need the upload token" : "wrong upload token");
  if (auth == Auth::missing) res.set_header("WWW-Authenticate", "Basic realm=\"slap cache\"");
  return false;
}

void Handlers::upload(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
  if (!authorized(req, res, reader, options_.max_upload)) return;
  Target target = classify(req.path);
  auto blob = store_.upload();
  if (!blob) return internal_error(res, blob.error());
  std::uint64_t total = 0;
  bool too_large = false;
  Status written;
  bool complete = reader([&](const char* data, std::size_t n) {
    total += n;
    if (total > options_.max_upload) return !(too_large = true);
    written = (*blob)->write({data, n});
    return written.has_value();
  });
  if (!written) return internal_error(res, written.error());
  if (too_large) return refuse(res, 413, fmt::format("body larger than {} bytes", options_.max_upload));
  if (!complete) return refuse(res, 400, "incomplete request body");
  auto digest = (*blob)->commit(target.name);
  if (!digest && digest.error().kind == ErrorKind::checksum) return reply(res, 400, digest.error().message);
  if (!digest) return internal_error(res, digest.error());
  res.status = 201;
  res.set_content(*digest, "text/plain");
}

void Handlers::missing(const httplib::Request&, httplib::Response& res, const httplib::ContentReader& reader) {
  std::string body;
  if (!read_body(reader, res, missing_limit, &body)) return;
  auto list = nlohmann::json::parse(body, nullptr, false);
  if (!list.is_array()) return reply(res, 400, "expected a JSON list of sha512 strings");
  std::vector<std::string> wanted;
  wanted.reserve(list.size());
  for (const auto& item : list) {
    if (!item.is_string() || !is_sha512_hex(item.get_ref<const std::string&>()))
      return reply(res, 400, "expected a JSON list of sha512 strings (128 lowercase hex digits)");
    wanted.push_back(item.get<std::string>());
  }
  auto lacking = store_.missing(wanted);
  if (!lacking) return internal_error(res, lacking.error());
  res.set_content(nlohmann::json(*lacking).dump(), "application/json");
}

void Handlers::list_blobs(const httplib::Request& req, httplib::Response& res) {
  std::size_t limit = page_size(req.get_param_value("limit"));
  if (limit == 0) return reply(res, 400, fmt::format("limit: expected a number from 1 to {}", max_page));
  // One more than asked tells whether another page follows.
  auto blobs = store_.list_blobs(req.get_param_value("after"), limit + 1);
  if (!blobs) return internal_error(res, blobs.error());
  nlohmann::json page = {{"blobs", nlohmann::json::array()}, {"next", nullptr}};
  for (std::size_t i = 0; i < std::min(limit, blobs->size()); ++i)
    page["blobs"].push_back({{"sha512", (*blobs)[i].sha512}, {"size", (*blobs)[i].size}});
  if (blobs->size() > limit) page["next"] = (*blobs)[limit - 1].sha512;
  res.set_content(page.dump(), "application/json");
}

void Handlers::list_keys(const httplib::Request&, httplib::Response& res, const httplib::ContentReader& reader) {
  std::string body;
  if (!read_body(reader, res, entry_limit, &body)) return;
  auto query = parse_key_query(body);
  if (!query)
    return reply(res, 400, fmt::format(R"(expected {{"after": CURSOR, "limit": 1 to {}, "match": GLOB}}, each optional)",
                                       max_page));
  const auto& [after, limit, match] = *query;
  auto keys = store_.list_keys(after, limit + 1, match, page_entry_bytes);
  if (!keys) return internal_error(res, keys.error());
  // A page ends at `limit` keys or at the byte budget: a key after its last one means more.
  bool more = keys->size() > limit;
  if (!more && !keys->empty()) {
    auto next = store_.list_keys(keys->back().cursor, 1, match);
    more = next && !next->empty();
  }
  keys->resize(std::min(limit, keys->size()));
  nlohmann::json page = {{"keys", nlohmann::json::array()}, {"next", nullptr}};
  for (const auto& k : *keys) {
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& e : k.entries) pairs.push_back({e.info, e.signature});
    page["keys"].push_back({{"key", k.key}, {"entries", std::move(pairs)}});
  }
  if (more) page["next"] = keys->back().cursor;
  res.set_content(page.dump(), "application/json");
}

void Handlers::put_entry(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
  if (!authorized(req, res, reader, entry_limit)) return;
  std::string body;
  if (!read_body(reader, res, entry_limit, &body)) return;
  auto pair = nlohmann::json::parse(body, nullptr, false);
  if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
    return reply(res, 400, "expected a JSON list of two strings: [info, signature]");
  const auto& info = pair[0].get_ref<const std::string&>();
  if (!nlohmann::json::parse(info, nullptr, false).is_object())
    return reply(res, 400, "the entry's info must be the text of a JSON object");
  Status appended = store_.append_entry(classify(req.path).name, info, pair[1].get<std::string>());
  if (!appended) return internal_error(res, appended.error());
  res.status = 201;
}

void Handlers::internal_error(httplib::Response& res, const Error& error) {
  ctx_.warn(error.describe());
  reply(res, 500, "internal error: see the server's log");
}

}  // namespace slap::cache
