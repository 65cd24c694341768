// The HTTP endpoints of `slap cache-serve`: SlapOS's Shacache/Shadir protocol
// (spec/networkcache.md, "Server obligations") plus a bulk query and listings for `slap sync`.
//
//   GET|HEAD /shacache/<sha512>  200 + bytes, Accept-Ranges: bytes (Range gives 206, 416 past the end);
//                                404 unknown blob; 400 when <sha512> is not 128 lowercase hex
//   POST /shacache               upload (token); 201, body = the 128 hex digits of its sha512
//   PUT  /shacache/<sha512>      upload (token) that must hash to <sha512>: 201 + the digest,
//                                400 when it does not (nothing is kept)
//   POST /shacache/missing       bulk existence query (public). Body: a JSON list of sha512
//                                strings. Answer: 200, a JSON list of those the store lacks,
//                                in request order. 400 when the body is not such a list.
//   GET  /shacache/list?after=SHA512&limit=N
//                                a page of the store's blobs (public), in sha512 order, after
//                                `after` (default: from the first), at most N (1 to 100,000,
//                                default 10,000): 200, {"blobs": [{"sha512", "size"}...],
//                                "next": the `after` of the next page, or null on the last}
//   POST /shadir/list            a page of the keys (public), body {"after": CURSOR, "limit": N,
//                                "match": GLOB}, each optional: 200, {"keys": [{"key",
//                                "entries": [[info, signature]...]}...], "next": CURSOR|null}.
//                                Keys matching the fnmatch(3) GLOB, in the order of their
//                                cursor (sha256 of the key); a page also ends after 32 MiB of
//                                entries. 400 for another body. (POST: GET /shadir/list is
//                                the key "list".)
//   GET|HEAD /shadir/<key>       200 + JSON list of [info, signature] pairs, oldest first;
//                                404 unknown key
//   PUT  /shadir/<key>           (token) body [info, signature], two strings, info being the
//                                text of a JSON object: 201, appended; 400 otherwise
//
// Uploads take the token as "Authorization: Bearer|Token TOKEN" or as the Basic-auth
// password (any user name), the only way SlapOS clients send it: 401 without it, 403 with
// a wrong one, after the body was read (those clients send it all before reading).
// Other paths 404, other methods 405 (with Allow), bodies over the limit 413, more than 100
// header lines or 64 KiB of headers 431 (one line over 8 KiB: cpp-httplib's own 400).
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <string_view>

#include "slap/cache.hpp"
#include "slap/cache_store.hpp"

namespace slap::cache {

class Handlers {
 public:
  Handlers(Storage& store, const ServerOptions& options, const Context& ctx)
      : store_(store), options_(options), ctx_(ctx) {}

  // Answers what needs no body (GET, HEAD, unknown paths, wrong methods, oversized bodies);
  // leaves the rest to the body handlers below.
  httplib::Server::HandlerResponse pre_route(const httplib::Request& req, httplib::Response& res);
  void upload(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
  void missing(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
  void put_entry(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
  void list_keys(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
  // cpp-httplib answers a Range header it cannot parse with a bare 416: adds what RFC 9110
  // asks of it ("Content-Range: bytes */SIZE").
  void unsatisfiable_range(const httplib::Request& req, httplib::Response& res);

 private:
  void get_blob(const httplib::Request& req, httplib::Response& res, const std::string& sha512);
  bool honour_ranges(const httplib::Request& req, httplib::Response& res, std::uint64_t size);
  void get_entries(httplib::Response& res, const std::string& key);
  void list_blobs(const httplib::Request& req, httplib::Response& res);
  bool authorized(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
                  std::uint64_t limit);
  void internal_error(httplib::Response& res, const Error& error);

  Storage& store_;
  const ServerOptions& options_;
  const Context& ctx_;
};

// `slap cache-serve` without its socket: the same routes, handlers and store, answering raw
// HTTP requests read from memory (the cache-serve fuzz target and tests).
class InMemoryServer {
 public:
  static Result<std::unique_ptr<InMemoryServer>> open(ServerOptions options, const Context& ctx);
  virtual ~InMemoryServer() = default;
  // The bytes of the response to `request` (one request; the connection then closes).
  virtual std::string answer(std::string_view request) = 0;
};

}  // namespace slap::cache
