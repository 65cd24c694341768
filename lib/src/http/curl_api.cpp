#include "http/curl_api.hpp"

#include <dlfcn.h>

#include <fmt/format.h>
#include <atomic>

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

template <typename Fn>
bool bind(void* lib, const char* name, Fn& slot, std::string& error) {
  void* symbol = ::dlsym(lib, name);
  if (!symbol) {
    error = fmt::format("libcurl has no {}", name);
    return false;
  }
  slot = reinterpret_cast<Fn>(symbol);
  return true;
}

Loaded load() {
  Loaded out;
  void* lib = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = ::dlerror();
    out.error = fmt::format("cannot load libcurl (Debian package libcurl4): {}", why ? why : "unknown error");
    return out;
  }
  CurlApi api{};
  using GlobalInit = CURLcode (*)(long);
  GlobalInit global_init = nullptr;
  void (*global_cleanup)() = nullptr;
  bool ok = bind(lib, "curl_easy_init", api.easy_init, out.error) &&
            bind(lib, "curl_easy_setopt", api.easy_setopt, out.error) &&
            bind(lib, "curl_easy_perform", api.easy_perform, out.error) &&
            bind(lib, "curl_easy_getinfo", api.easy_getinfo, out.error) &&
            bind(lib, "curl_easy_cleanup", api.easy_cleanup, out.error) &&
            bind(lib, "curl_easy_reset", api.easy_reset, out.error) &&
            bind(lib, "curl_easy_strerror", api.easy_strerror, out.error) &&
            bind(lib, "curl_slist_append", api.slist_append, out.error) &&
            bind(lib, "curl_slist_free_all", api.slist_free_all, out.error) &&
            bind(lib, "curl_global_init", global_init, out.error) &&
            bind(lib, "curl_global_cleanup", global_cleanup, out.error);
  if (!ok) return out;
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
