// libcurl, loaded on first use. Linking it pulls in some forty shared libraries (TLS,
// Kerberos, LDAP, SSH...) whose loading costs about 8 ms at every start; most slap
// commands (show, render, build from local files, promise without URL checks) never
// touch the network, so the library is dlopen()ed by the first transfer instead.
// Call sites use curl_api().easy_setopt(...) etc. exactly like the C functions.
#pragma once

#include <curl/curl.h>

#include <string>

namespace slap::http::detail {

struct CurlApi {
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  void (*easy_cleanup)(CURL*);
  void (*easy_reset)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

// Loads libcurl and runs curl_global_init once (thread-safe). When libcurl cannot be
// loaded, every function of the table fails (easy_init returns null, the others
// CURLE_FAILED_INIT) and curl_load_error() says why.
const CurlApi& curl_api();
const std::string& curl_load_error();
// curl_global_cleanup, when libcurl was loaded.
void curl_unload();

}  // namespace slap::http::detail
