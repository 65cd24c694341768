// check_url_available: an HTTP(S) GET answers with the expected status, through slap's
// one HTTP client. Proxies from the environment are ignored: the check is about direct
// reachability.
#include <algorithm>
#include <fmt/format.h>

#include "promise/checks.hpp"
#include "promise/text.hpp"
#include "slap/http.hpp"
#include "slap/strings.hpp"

namespace slap::promise {

namespace {

long as_long(const std::string& text, long fallback) {
  try {
    return text.empty() ? fallback : std::stol(text);
  } catch (...) {
    return fallback;
  }
}

Measure transfer_error(const Error& e, const std::string& url) {
  std::string what = e.message.starts_with(url + ": ") ? e.message.substr(url.size() + 2) : e.message;
  if (e.cls == http::connect_failure)
    return {true, fmt::format("ERROR connection not possible while accessing {}", str::string_repr(url))};
  if (e.cls == http::timed_out) return {true, fmt::format("ERROR Timeout while accessing {}", str::string_repr(url))};
  if (e.cls == http::tls_failure)
    return {true, fmt::format("ERROR SSL error while accessing {}: {}", str::string_repr(url), what)};
  return {true, fmt::format("ERROR: {}", what)};
}

}  // namespace

Measure sense_url_available(const CheckInput& in) {
  std::string url = in.get("url");
  if (url.empty()) return {true, "ERROR: 'url' is not set"};
  // slapos.toolbox: a bit less than the promise timeout, at most 5 s, at least 1 s.
  long timeout_s = as_long(in.get("timeout"), std::clamp<long>(in.promise_timeout.count() - 1, 1, 5));
  auto left = std::chrono::ceil<std::chrono::milliseconds>(in.deadline - std::chrono::steady_clock::now()).count();
  long timeout_ms = std::max<long>(1, std::min<long>(timeout_s * 1000, left));
  long expected = as_long(in.get("http-code"), 200);
  std::string user = in.get("username"), password = in.get("password");

  if (!str::starts_with(str::to_lower(url), "http://") && !str::starts_with(str::to_lower(url), "https://"))
    return {true, fmt::format("ERROR: {} is not an http:// or https:// URL", str::string_repr(url))};
  http::Request rq;
  rq.url = url;
  rq.timeout_ms = timeout_ms;
  rq.use_proxy = false;
  rq.follow_redirects = as_long(in.get("allow-redirects"), 1) != 0;
  rq.output_file = "/dev/null";  // the body is not looked at
  rq.user = user;
  rq.password = password;
  std::string ca = in.get("ca-cert-file");
  rq.verify_tls = !ca.empty() || as_long(in.get("verify"), 0) != 0;
  rq.ca_file = ca;
  rq.client_cert_file = in.get("cert-file");
  rq.client_key_file = in.get("key-file");
  http::Client client;
  auto response = client.perform(rq);
  if (!response) return transfer_error(response.error(), url);
  long status = response->status;
  std::string who = user.empty() ? "non-authenticated" : "authenticated";
  if (status == 401 && as_long(in.get("check-secure"), 0) == 1)
    return {false, fmt::format("{} is protected (returned {}).", str::string_repr(url), status)};
  if (as_long(in.get("ignore-code"), 0) != 0)
    return {false, fmt::format("{} request to {} succeeded (return code ignored)", who, str::string_repr(url))};
  if (status != expected)
    return {true, fmt::format("{} request to {} failed (returned {}, expected {})", who, str::string_repr(url), status, expected)};
  return {false, fmt::format("{} request to {} succeeded (returned expected code {})", who, str::string_repr(url), status)};
}

}  // namespace slap::promise
