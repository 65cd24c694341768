#include "slap/http.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "http/curl_handles.hpp"
#include "http/curl_transport.hpp"
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
  detail::EasyHandle curl;  // created, and libcurl loaded, by the first transfer
};

Client::Client() : impl_(std::make_unique<Impl>()) {}
Client::~Client() = default;

Result<Response> Client::perform(const Request& request, const ProgressFn& progress) {
  static constexpr std::string_view methods[] = {"GET", "HEAD", "PUT", "POST", "DELETE"};
  if (std::find(std::begin(methods), std::end(methods), request.method) == std::end(methods))
    return fail(ErrorKind::internal, fmt::format("unsupported HTTP method {}", request.method));
  if (!impl_->curl) impl_->curl.reset(detail::curl_api().easy_init());  // stays null when libcurl is missing
  return detail::curl_perform(impl_->curl.get(), request, progress);
}

}  // namespace slap::http
