// RAII owners for the libcurl and stdio handles of one transfer.
#pragma once

#include <cstdio>
#include <memory>

#include "http/curl_api.hpp"

namespace slap::http::detail {

struct EasyCleanup {
  void operator()(CURL* handle) const noexcept { curl_api().easy_cleanup(handle); }
};
struct SlistFree {
  void operator()(curl_slist* list) const noexcept { curl_api().slist_free_all(list); }
};
struct FileClose {
  void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};

using EasyHandle = std::unique_ptr<CURL, EasyCleanup>;
using HeaderList = std::unique_ptr<curl_slist, SlistFree>;
using File = std::unique_ptr<std::FILE, FileClose>;

}  // namespace slap::http::detail
