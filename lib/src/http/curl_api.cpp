#include "http/curl_api.hpp"

#include <fmt/format.h>

#include <atomic>
#include <string_view>

#include "slap/dynamic_library.hpp"

namespace slap::http::detail {

namespace {

// What calls get when libcurl is missing: no handle, and failure everywhere else.
CURL* no_init() { return nullptr; }
CURLcode no_option(CURL*, CURLoption, ...) { return CURLE_FAILED_INIT; }
CURLcode no_perform(CURL*) { return CURLE_FAILED_INIT; }
CURLcode no_info(CURL*, CURLINFO, ...) { return CURLE_FAILED_INIT; }
void no_handle(CURL*) {}
const char* no_strerror(CURLcode) { return "libcurl is not available"; }
curl_slist* no_append(curl_slist* list, const char*) { return list; }
void no_free(curl_slist*) {}

constexpr CurlApi unavailable{no_init, no_option, no_perform, no_info, no_handle, no_handle,
                              no_strerror, no_append, no_free};

struct Loaded {
  CurlApi api = unavailable;
  std::string error;
  void (*global_cleanup)() = nullptr;  // set once curl_global_init succeeded
};

using GlobalInit = CURLcode (*)(long);

Status bind_all(void* lib, CurlApi& api, GlobalInit& global_init, void (*&global_cleanup)()) {
  constexpr std::string_view curl = "libcurl";
  SLAP_CHECK(dl::bind(lib, "curl_easy_init", api.easy_init, curl));
  SLAP_CHECK(dl::bind(lib, "curl_easy_setopt", api.easy_setopt, curl));
  SLAP_CHECK(dl::bind(lib, "curl_easy_perform", api.easy_perform, curl));
  SLAP_CHECK(dl::bind(lib, "curl_easy_getinfo", api.easy_getinfo, curl));
  SLAP_CHECK(dl::bind(lib, "curl_easy_cleanup", api.easy_cleanup, curl));
  SLAP_CHECK(dl::bind(lib, "curl_easy_reset", api.easy_reset, curl));
  SLAP_CHECK(dl::bind(lib, "curl_easy_strerror", api.easy_strerror, curl));
  SLAP_CHECK(dl::bind(lib, "curl_slist_append", api.slist_append, curl));
  SLAP_CHECK(dl::bind(lib, "curl_slist_free_all", api.slist_free_all, curl));
  SLAP_CHECK(dl::bind(lib, "curl_global_init", global_init, curl));
  return dl::bind(lib, "curl_global_cleanup", global_cleanup, curl);
}

Loaded load() {
  Loaded out;
  auto lib = dl::open("libcurl.so.4", "libcurl", "libcurl4");
  if (!lib) {
    out.error = lib.error().message;
    return out;
  }
  CurlApi api{};
  GlobalInit global_init = nullptr;
  void (*global_cleanup)() = nullptr;
  if (auto bound = bind_all(*lib, api, global_init, global_cleanup); !bound) {
    out.error = bound.error().message;
    return out;
  }
  if (CURLcode rc = global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    out.error = fmt::format("libcurl failed to initialise ({})", api.easy_strerror(rc));
    return out;
  }
  out.api = api;
  out.global_cleanup = global_cleanup;
  return out;  // the library stays loaded until the process ends
}

std::atomic<bool> used{false};

const Loaded& state() {
  static const Loaded loaded = load();  // initialised once, thread-safely
  used = true;
  return loaded;
}

}  // namespace

const CurlApi& curl_api() { return state().api; }
const std::string& curl_load_error() { return state().error; }

void curl_unload() {
  if (used && state().global_cleanup) state().global_cleanup();
}

}  // namespace slap::http::detail
