// One remote transfer for the fetcher: retries with backoff, progress through ctx.progress,
// the user's cancel request honoured.
#pragma once

#include <string>

#include "slap/context.hpp"
#include "slap/fetch.hpp"

namespace slap::fetch {

// Downloads `url` into `part`, resuming from the bytes `part` already holds (a previous
// run's interrupted download); true when it did resume. An HTTP error status is an
// ErrorKind::network error.
Result<bool> download_file(const std::string& url, const std::string& part, const Options& options,
                           const Context& ctx);

// The whole body of `url` (at most 64 MiB).
Result<std::string> download_text(const std::string& url, const Options& options, const Context& ctx);

}  // namespace slap::fetch
