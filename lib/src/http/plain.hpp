// A small HTTP/1.1 client for plain http:// URLs: POSIX sockets, no TLS, no proxies.
//
// Why a second client next to libcurl: loading libcurl and the ~30 libraries it links (TLS,
// Kerberos, LDAP, SSH...) costs 5-8 ms, more than everything else a `slap build` does when
// it takes a shared part from a binary cache on the local network. Everything this client
// cannot carry exactly as libcurl would (https, ftp, file, a proxy in the environment, user
// names in URLs, rate limits) still goes to libcurl; see plain_suits().
#pragma once

#include <string>

#include "slap/error.hpp"
#include "slap/http.hpp"
#include "util/unique_fd.hpp"

namespace slap::http::detail {

// True when `rq` can go over the plain transport: an http:// URL of printable ASCII without
// user information, no http_proxy/all_proxy in the environment, no rate limit, no unix
// socket, no line break in a header.
bool plain_suits(const Request& rq);

// One connection is kept alive between requests to the same host and port, as libcurl
// does within one easy handle.
class PlainTransport {
 public:
  // Answers to 3xx are returned as they are: Client::perform follows redirects.
  Result<Response> perform(const Request& rq, const ProgressFn& progress);

 private:
  UniqueFd idle_;         // a kept-alive connection
  std::string idle_key_;  // its "host port"
};

}  // namespace slap::http::detail
