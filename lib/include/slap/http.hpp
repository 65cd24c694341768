// HTTP(S)/FTP/file transfers (no curl types here). Used by fetch (downloads), cache
// (Shacache/Shadir client) and sync. Every transfer goes over libcurl, loaded on first
// use (lib/src/http/curl_api.hpp), so that commands that never transfer do not pay for it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slap/context.hpp"
#include "slap/error.hpp"

namespace slap::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";   // GET, HEAD, PUT, POST, DELETE
  std::string url;
  Headers headers;
  std::string body;             // request body from memory (PUT/POST)
  std::string body_file;        // or streamed from this file (takes precedence when set)
  std::string output_file;      // when set, a successful response body is written here
                                // instead of Response::body (error pages stay in body);
                                // appended when the server honours resume_from (206)
  std::uint64_t resume_from = 0;  // sends "Range: bytes=N-"
  // The most body bytes accepted (resumed bytes included), unlimited when unset; a larger
  // answer is an ErrorKind::input error, whatever Content-Length announced.
  std::optional<std::uint64_t> max_body;
  long connect_timeout_seconds = 30;
  long low_speed_seconds = 60;    // abort when below 1 byte/s for this long
  long timeout_ms = 0;            // the whole transfer; 0 = no limit
  std::uint64_t limit_rate = 0;   // bytes per second, 0 = unlimited
  bool follow_redirects = true;   // at most 10
  bool use_proxy = true;          // false: proxies from the environment are ignored
  std::string unix_socket;        // connect to this socket instead of the URL's host
  // TLS: the peer is verified against `ca_file` (else the system's certificates) unless
  // verify_tls is false; a client certificate when both files are given.
  bool verify_tls = true;
  std::string ca_file, client_cert_file, client_key_file;
  std::string user, password;     // HTTP basic authentication when `user` is set
  // AWS Signature V4 instead ("aws:amz:REGION:SERVICE", CURLOPT_AWS_SIGV4): `user` and
  // `password` are then the access key id and the secret key. libcurl 7.88 does not hash
  // the payload itself: callers send "x-amz-content-sha256" (S3 accepts UNSIGNED-PAYLOAD).
  std::string aws_sigv4;
  // When set, the body of a successful (< 300) answer is handed here piece by piece instead
  // of Response::body or output_file; returning false aborts the transfer
  // (ErrorKind::interrupted). Error pages stay in Response::body.
  std::function<bool(std::string_view)> body_consumer;
};

// Transport failures carry one of these classes (Error::cls), for callers that report
// them differently; other failures have none.
inline constexpr const char* connect_failure = "ConnectionError";  // refused, unreachable, unknown host
inline constexpr const char* timed_out = "Timeout";
inline constexpr const char* tls_failure = "SSLError";

struct Response {
  long status = 0;              // HTTP status (0 for file:// and ftp://)
  Headers headers;              // names lower-cased
  std::string body;             // unless Request::output_file was set
  std::uint64_t bytes = 0;      // body bytes received in this request
  std::string header(std::string_view name) const;  // "" when absent
};

// Called with (bytes so far, total or 0). Returning false aborts the transfer
// (ErrorKind::interrupted).
using ProgressFn = std::function<bool(std::uint64_t done, std::uint64_t total)>;

// libcurl is loaded by the first transfer (see lib/src/http/curl_api.hpp); call this once
// at the end of main() to release it.
void global_cleanup();

class Client {
 public:
  Client();
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Transport failures (DNS, refused, reset, timeout) are ErrorKind::network errors; an HTTP
  // error status is NOT an error here: callers read Response::status. Redirects are
  // followed (at most 10). One connection is kept alive between calls.
  Result<Response> perform(const Request& request, const ProgressFn& progress = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct RetryPolicy {
  int attempts = 4;              // total tries
  long first_delay_ms = 500;     // doubled after each failure
  long max_delay_ms = 8000;
  // Told why an attempt failed and how long until the next one (for a log line).
  std::function<void(std::string_view reason, long delay_ms)> on_retry;
};

// perform() retried with exponential backoff on network errors and 5xx/429 statuses;
// stops early when `cancel` is requested (ErrorKind::interrupted). For downloads to
// output_file the retry resumes from the bytes already written (the server answers 206;
// a 200 restarts the file from zero). Without resume_from, a stale output_file is emptied
// first. After the last attempt the last response (e.g. a 503) or error is returned.
Result<Response> perform_with_retries(Client& client, const Request& request, const RetryPolicy& policy,
                                      const CancelToken* cancel, const ProgressFn& progress = {});

}  // namespace slap::http
