// One transfer over libcurl (see curl_api.hpp): every scheme libcurl knows, proxies from
// the environment, redirects followed by libcurl itself.
#pragma once

#include "http/curl_api.hpp"
#include "slap/error.hpp"
#include "slap/http.hpp"

namespace slap::http::detail {

// `handle` comes from curl_api().easy_init(); it is reset before use, so it can carry one
// transfer after another (libcurl keeps their connections alive).
Result<Response> curl_perform(CURL* handle, const Request& request, const ProgressFn& progress);

}  // namespace slap::http::detail
