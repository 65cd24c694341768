#include "fetch/download.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <optional>

#include "slap/http.hpp"

namespace slap::fetch {

namespace {

constexpr std::uint64_t max_text_size = 64ull << 20;

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

http::RetryPolicy retry_policy(const Options& options, const Context& ctx) {
  http::RetryPolicy policy;
  policy.attempts = std::max(1, options.attempts);
  policy.first_delay_ms = options.retry_delay_ms;
  policy.on_retry = [&ctx](std::string_view reason, long delay_ms) {
    ctx.warn(fmt::format("{}; retrying in {:.1f}s", reason, static_cast<double>(delay_ms) / 1000));
  };
  return policy;
}

// A download's bytes, reported to ctx.progress from the first byte on (only then is its
// size known).
class ProgressReport {
 public:
  ProgressReport(const Context& ctx, std::string label) : ctx_(ctx), label_(std::move(label)) {}
  http::ProgressFn callback() {
    return [this](std::uint64_t done, std::uint64_t total) {
      if (!task_) task_.emplace(ctx_, label_, total, ProgressUnit::bytes);
      task_->advance(done, total);
      return true;
    };
  }

 private:
  const Context& ctx_;
  std::string label_;
  std::optional<Progress> task_;
};

bool success(long status) { return status == 0 || (status >= 200 && status < 300); }

Error http_error(const std::string& url, long status) {
  return Error(ErrorKind::network, fmt::format("cannot download {}: HTTP {}", url, status));
}

}  // namespace

Result<bool> download_file(const std::string& url, const std::string& part, const Options& options,
                           const Context& ctx) {
  http::Request request;
  request.url = url;
  request.output_file = part;
  request.resume_from = file_size(part);
  if (request.resume_from > 0)
    ctx.info(fmt::format("resuming the download of {} after {} bytes", url, request.resume_from));
  else
    ctx.info(fmt::format("downloading {}", url));
  http::Client client;
  ProgressReport progress(ctx, url);
  auto response = SLAP_TRY(http::perform_with_retries(client, request, retry_policy(options, ctx), ctx.cancel,
                                                       progress.callback()));
  if (!success(response.status)) {
    if (response.status < 500) ::unlink(part.c_str());  // keep what a later run can resume
    return fail(http_error(url, response.status));
  }
  return request.resume_from > 0;
}

Result<std::string> download_text(const std::string& url, const Options& options, const Context& ctx) {
  http::Request request;
  request.url = url;
  request.max_body = max_text_size;
  http::Client client;
  auto response = SLAP_TRY(http::perform_with_retries(client, request, retry_policy(options, ctx), ctx.cancel));
  if (!success(response.status)) return fail(http_error(url, response.status));
  return std::move(response.body);
}

}  // namespace slap::fetch
