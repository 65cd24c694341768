#include "slap/http.hpp"

#include <fmt/format.h>

#include "http/curl_handles.hpp"
#include "http/curl_transport.hpp"
#include "http/plain.hpp"
#include "slap/strings.hpp"

namespace slap::http {

std::string Response::header(std::string_view name) const {
  std::string wanted = str::to_lower(name);
  for (const auto& [key, value] : headers)
    if (key == wanted) return value;
  return {};
}

void global_cleanup() { detail::curl_unload(); }

struct Client::Impl {
  Transport transport;
  detail::PlainTransport plain;
  detail::EasyHandle curl;  // created, and libcurl loaded, by the first transfer that needs it

  Result<Response> with_curl(const Request& rq, const ProgressFn& progress) {
    if (!curl) curl.reset(detail::curl_api().easy_init());  // stays null when libcurl is missing
    return detail::curl_perform(curl.get(), rq, progress);
  }
};

Client::Client(Transport transport) : impl_(std::make_unique<Impl>()) { impl_->transport = transport; }
Client::~Client() = default;

namespace {

constexpr int max_redirects = 10;  // libcurl's CURLOPT_MAXREDIRS here

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string_view authority_of(std::string_view url) {
  std::size_t start = url.find("://");
  if (start == std::string_view::npos) return {};
  std::string_view rest = url.substr(start + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

// `location` made absolute against `base` (an http:// URL).
std::string resolve(const std::string& base, const std::string& location) {
  std::size_t colon = location.find(':'), slash = location.find('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon < slash)) return location;  // has a scheme
  if (str::starts_with(location, "//")) return "http:" + location;
  std::size_t path = base.find("://") + 3;
  path += authority_of(base).size();
  if (str::starts_with(location, "/")) return base.substr(0, path) + location;
  std::string dir = base.substr(0, std::min(base.find_first_of("?#", path), base.size()));
  std::size_t last = dir.rfind('/');
  dir = last != std::string::npos && last >= path ? dir.substr(0, last + 1) : dir + "/";
  return dir + location;
}

// The request to send after `rs`, as libcurl builds it: 303 (and 301/302 after a POST)
// becomes a GET without body; credentials are not sent to another host.
Request redirected(const Request& rq, const Response& rs) {
  Request next = rq;
  next.url = resolve(rq.url, rs.header("location"));
  bool to_get = rq.method != "HEAD" && (rs.status == 303 || (rq.method == "POST" && rs.status <= 302));
  if (to_get) {
    next.method = "GET";
    next.body.clear();
    next.body_file.clear();
    std::erase_if(next.headers, [](const auto& h) {
      std::string name = str::to_lower(h.first);
      return name == "content-type" || name == "content-length";
    });
  }
  if (str::to_lower(authority_of(next.url)) != str::to_lower(authority_of(rq.url)))
    std::erase_if(next.headers, [](const auto& h) { return str::to_lower(h.first) == "authorization"; });
  return next;
}

}  // namespace

Result<Response> Client::perform(const Request& request, const ProgressFn& progress) {
  static constexpr std::string_view methods[] = {"GET", "HEAD", "PUT", "POST", "DELETE"};
  if (std::find(std::begin(methods), std::end(methods), request.method) == std::end(methods))
    return fail(ErrorKind::internal, fmt::format("unsupported HTTP method {}", request.method));
  if (impl_->transport == Transport::libcurl || !detail::plain_suits(request))
    return impl_->with_curl(request, progress);
  const Request* current = &request;
  Request next;
  for (int redirects = 0;; ++redirects) {
    auto response = impl_->plain.perform(*current, progress);
    if (!response || !is_redirect(response->status) || response->header("location").empty()) return response;
    if (redirects == max_redirects)
      return fail(ErrorKind::network, fmt::format("{}: Maximum ({}) redirects followed", request.url, max_redirects));
    next = redirected(*current, *response);
    current = &next;
    if (!detail::plain_suits(next)) return impl_->with_curl(next, progress);
  }
}

}  // namespace slap::http
