// RAII owners for the libcurl handles of one transfer (stdio ones: slap/fd.hpp).
#pragma once

#include <memory>

#include "http/curl_api.hpp"
#include "slap/fd.hpp"

namespace slap::http::detail {

struct EasyCleanup {
  void operator()(CURL* handle) const noexcept { curl_api().easy_cleanup(handle); }
};
struct SlistFree {
  void operator()(curl_slist* list) const noexcept { curl_api().slist_free_all(list); }
};

using EasyHandle = std::unique_ptr<CURL, EasyCleanup>;
using HeaderList = std::unique_ptr<curl_slist, SlistFree>;

}  // namespace slap::http::detail
