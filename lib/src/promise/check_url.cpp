// check_url_available: an HTTP(S) GET answers with the expected status. A direct libcurl
// call rather than slap::http::Client: this check needs TLS verification off by default,
// client certificates, basic auth and a whole-request timeout, which that client does not
// offer. Proxies from the environment are ignored: the check is about direct reachability.
#include <algorithm>
#include <fmt/format.h>
#include <memory>

#include "http/curl_api.hpp"
#include "http/curl_handles.hpp"
#include "promise/checks.hpp"
#include "promise/text.hpp"

namespace slap::promise {

namespace {

using http::detail::curl_api;
using http::detail::EasyHandle;

std::size_t discard_body(char*, std::size_t size, std::size_t count, void*) { return size * count; }

bool is_tls_error(CURLcode rc) {
  return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CERTPROBLEM ||
         rc == CURLE_SSL_CIPHER || rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_ENGINE_NOTFOUND ||
         rc == CURLE_SSL_ISSUER_ERROR || rc == CURLE_SSL_CRL_BADFILE;
}

long as_long(const std::string& text, long fallback) {
  try {
    return text.empty() ? fallback : std::stol(text);
  } catch (...) {
    return fallback;
  }
}

void set_tls(CURL* curl, const CheckInput& in) {
  std::string ca = in.get("ca-cert-file");
  bool verify = !ca.empty() || as_long(in.get("verify"), 0) != 0;
  curl_api().easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
  curl_api().easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
  if (!ca.empty()) curl_api().easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
  std::string cert = in.get("cert-file"), key = in.get("key-file");
  if (!cert.empty() && !key.empty()) {
    curl_api().easy_setopt(curl, CURLOPT_SSLCERT, cert.c_str());
    curl_api().easy_setopt(curl, CURLOPT_SSLKEY, key.c_str());
  }
}

Measure transfer_error(CURLcode rc, const char* detail, const std::string& url) {
  std::string what = *detail ? detail : curl_api().easy_strerror(rc);
  if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
    return {true, fmt::format("ERROR connection not possible while accessing {}", tmpl::string_repr(url))};
  if (rc == CURLE_OPERATION_TIMEDOUT) return {true, fmt::format("ERROR Timeout while accessing {}", tmpl::string_repr(url))};
  if (is_tls_error(rc)) return {true, fmt::format("ERROR SSL error while accessing {}: {}", tmpl::string_repr(url), what)};
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

  EasyHandle curl(curl_api().easy_init());
  if (!curl) return {true, fmt::format("ERROR: cannot initialise libcurl: {}", http::detail::curl_load_error())};
  char detail[CURL_ERROR_SIZE] = "";
  CURL* c = curl.get();
  curl_api().easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_api().easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
  curl_api().easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_api().easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_api().easy_setopt(c, CURLOPT_PROXY, "");
  curl_api().easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_api().easy_setopt(c, CURLOPT_FOLLOWLOCATION, as_long(in.get("allow-redirects"), 1) != 0 ? 1L : 0L);
  curl_api().easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_body);
  if (!user.empty()) {
    curl_api().easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_api().easy_setopt(c, CURLOPT_USERNAME, user.c_str());
    curl_api().easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
  }
  set_tls(c, in);
  if (CURLcode rc = curl_api().easy_perform(c); rc != CURLE_OK) return transfer_error(rc, detail, url);

  long status = 0;
  curl_api().easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  std::string who = user.empty() ? "non-authenticated" : "authenticated";
  if (status == 401 && as_long(in.get("check-secure"), 0) == 1)
    return {false, fmt::format("{} is protected (returned {}).", tmpl::string_repr(url), status)};
  if (as_long(in.get("ignore-code"), 0) != 0)
    return {false, fmt::format("{} request to {} succeeded (return code ignored)", who, tmpl::string_repr(url))};
  if (status != expected)
    return {true, fmt::format("{} request to {} failed (returned {}, expected {})", who, tmpl::string_repr(url), status, expected)};
  return {false, fmt::format("{} request to {} succeeded (returned expected code {})", who, tmpl::string_repr(url), status)};
}

}  // namespace slap::promise
