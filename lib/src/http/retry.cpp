#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <thread>

#include "slap/http.hpp"

namespace slap::http {

namespace {

bool retryable(long status) { return status == 429 || status >= 500; }

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

bool cancelled(const CancelToken* cancel) { return cancel && cancel->requested(); }

Error interrupted(const Request& rq) {
  return Error(ErrorKind::interrupted, fmt::format("transfer of {} interrupted", rq.url));
}

// Waits `ms` milliseconds in short steps so a cancel request is honoured promptly.
bool wait_unless_cancelled(long ms, const CancelToken* cancel) {
  using clock = std::chrono::steady_clock;
  auto until = clock::now() + std::chrono::milliseconds(ms);
  while (!cancelled(cancel)) {
    auto left = until - clock::now();
    if (left <= clock::duration::zero()) return true;
    std::this_thread::sleep_for(std::min<clock::duration>(left, std::chrono::milliseconds(50)));
  }
  return false;
}

}  // namespace

Result<Response> perform_with_retries(Client& client, const Request& request, const RetryPolicy& policy,
                                      const CancelToken* cancel, const ProgressFn& progress) {
  Request current = request;
  // Whatever output_file holds from now on was written by this call, so a retry can
  // resume from its size.
  // Emptied rather than removed: the caller may have created it (mkstemp), and a file
  // created again costs a new inode.
  if (!current.output_file.empty() && current.resume_from == 0) (void)::truncate(current.output_file.c_str(), 0);
  ProgressFn watched = [&](std::uint64_t done, std::uint64_t total) {
    return !cancelled(cancel) && (!progress || progress(done, total));
  };
  long delay = policy.first_delay_ms;
  for (int attempt = 1;; ++attempt) {
    if (cancelled(cancel)) return fail(interrupted(current));
    auto result = client.perform(current, watched);
    std::string reason;
    if (result && result->status == 416 && current.resume_from > 0) {
      reason = fmt::format("{}: the server cannot resume (HTTP 416)", current.url);  // restart at 0
      (void)::truncate(current.output_file.c_str(), 0);
    } else if (result) {
      if (!retryable(result->status)) return result;
      reason = fmt::format("{}: HTTP {}", current.url, result->status);
    } else {
      if (result.error().kind != ErrorKind::network) return result;
      reason = result.error().message;
    }
    if (attempt >= policy.attempts) return result;
    if (!current.output_file.empty()) current.resume_from = file_size(current.output_file);
    if (policy.on_retry) policy.on_retry(reason, delay);
    if (!wait_unless_cancelled(delay, cancel)) return fail(interrupted(current));
    delay = std::min(delay * 2, policy.max_delay_ms);
  }
}

}  // namespace slap::http
