#include "http/curl_transport.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <optional>

#include "http/curl_handles.hpp"
#include "http/sink.hpp"
#include "slap/strings.hpp"
#include "slap_version.h"

namespace slap::http::detail {

namespace {

// One transfer's state, shared with curl's callbacks.
struct Transfer {
  Transfer(const Request& rq, const ProgressFn& fn, CURL* h) : request(rq), progress(fn), handle(h) {}
  const Request& request;
  const ProgressFn& progress;
  CURL* handle;
  Response response;
  BodySink sink{request, response};  // opened at the first body byte
  std::string_view body_left;  // request body from memory not yet sent
  std::optional<Error> failure;  // why a callback stopped the transfer
};

bool speaks_http(CURL* handle) {
  const char* scheme = nullptr;
  curl_api().easy_getinfo(handle, CURLINFO_SCHEME, &scheme);
  return scheme && str::starts_with(str::to_lower(scheme), "http");
}

long status_of(CURL* handle) {
  if (!speaks_http(handle)) return 0;
  long code = 0;
  curl_api().easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code);
  return code;
}

// Opens the sink once the final status is known.
bool open_sink(Transfer& t) {
  if (auto opened = t.sink.open(status_of(t.handle)); !opened) {
    t.failure = opened.error();
    return false;
  }
  return true;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  std::size_t len = size * count;
  if (!t.sink.opened() && !open_sink(t)) return 0;
  if (auto written = t.sink.write(data, len); !written) {
    t.failure = written.error();
    return 0;
  }
  return len;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (str::starts_with(line, "HTTP/")) {
    t.response.headers.clear();  // a new response (after a redirect or 100 Continue)
    return line.size();
  }
  add_header_line(t.response.headers, line);
  return line.size();
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  std::size_t len = std::min(size * count, t.body_left.size());
  std::memcpy(buffer, t.body_left.data(), len);
  t.body_left.remove_prefix(len);
  return len;
}

int on_progress(void* user, curl_off_t dl_total, curl_off_t dl_now, curl_off_t ul_total, curl_off_t ul_now) {
  auto& t = *static_cast<Transfer*>(user);
  if (!t.progress) return 0;
  bool uploading = t.request.method == "PUT" || t.request.method == "POST";
  auto done = static_cast<std::uint64_t>(uploading ? ul_now : dl_now);
  auto total = static_cast<std::uint64_t>(uploading ? ul_total : dl_total);
  if (!uploading) {
    if (!t.sink.opened()) return 0;  // the resume offset is not known yet
    done += t.sink.offset();
    if (total > 0) total += t.sink.offset();
  }
  return t.progress(done, total) ? 0 : 1;
}

void append(HeaderList& list, const std::string& line) {
  if (curl_slist* head = curl_api().slist_append(list.get(), line.c_str())) {
    (void)list.release();
    list.reset(head);
  }
}

// Method and request body. The body file, when any, is returned so it outlives the transfer.
Result<UniqueFile> set_method(CURL* h, Transfer& t) {
  const Request& rq = t.request;
  bool sends_body = rq.method == "PUT" || rq.method == "POST";
  if (rq.method == "HEAD") {
    curl_api().easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (rq.method == "DELETE") {
    curl_api().easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
  }
  if (!sends_body) return UniqueFile{};
  UniqueFile body_file;
  curl_off_t size = static_cast<curl_off_t>(rq.body.size());
  if (!rq.body_file.empty()) {
    body_file.reset(std::fopen(rq.body_file.c_str(), "rb"));
    if (!body_file || std::fseek(body_file.get(), 0, SEEK_END) != 0)
      return fail(ErrorKind::io, fmt::format("cannot open {}: {}", rq.body_file, std::strerror(errno)));
    size = std::ftell(body_file.get());
    std::rewind(body_file.get());
    curl_api().easy_setopt(h, CURLOPT_READDATA, body_file.get());  // curl's default reader: fread
  } else {
    t.body_left = rq.body;
    curl_api().easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_api().easy_setopt(h, CURLOPT_READDATA, &t);
  }
  if (rq.method == "PUT") {
    curl_api().easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_api().easy_setopt(h, CURLOPT_INFILESIZE_LARGE, size);
  } else {
    curl_api().easy_setopt(h, CURLOPT_POST, 1L);
    curl_api().easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, size);
  }
  return body_file;
}

HeaderList set_transfer_options(CURL* h, Transfer& t, char* error_buffer) {
  const Request& rq = t.request;
  curl_api().easy_setopt(h, CURLOPT_URL, rq.url.c_str());
  curl_api().easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_api().easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_api().easy_setopt(h, CURLOPT_FOLLOWLOCATION, rq.follow_redirects ? 1L : 0L);
  curl_api().easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  if (rq.timeout_ms > 0) curl_api().easy_setopt(h, CURLOPT_TIMEOUT_MS, rq.timeout_ms);
  if (!rq.use_proxy) curl_api().easy_setopt(h, CURLOPT_PROXY, "");
  if (!rq.unix_socket.empty()) curl_api().easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, rq.unix_socket.c_str());
  curl_api().easy_setopt(h, CURLOPT_SSL_VERIFYPEER, rq.verify_tls ? 1L : 0L);
  curl_api().easy_setopt(h, CURLOPT_SSL_VERIFYHOST, rq.verify_tls ? 2L : 0L);
  if (!rq.ca_file.empty()) curl_api().easy_setopt(h, CURLOPT_CAINFO, rq.ca_file.c_str());
  if (!rq.client_cert_file.empty() && !rq.client_key_file.empty()) {
    curl_api().easy_setopt(h, CURLOPT_SSLCERT, rq.client_cert_file.c_str());
    curl_api().easy_setopt(h, CURLOPT_SSLKEY, rq.client_key_file.c_str());
  }
  if (!rq.aws_sigv4.empty()) {
    curl_api().easy_setopt(h, CURLOPT_AWS_SIGV4, rq.aws_sigv4.c_str());
    curl_api().easy_setopt(h, CURLOPT_USERNAME, rq.user.c_str());
    curl_api().easy_setopt(h, CURLOPT_PASSWORD, rq.password.c_str());
  } else if (!rq.user.empty()) {
    curl_api().easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_api().easy_setopt(h, CURLOPT_USERNAME, rq.user.c_str());
    curl_api().easy_setopt(h, CURLOPT_PASSWORD, rq.password.c_str());
  }
  curl_api().easy_setopt(h, CURLOPT_USERAGENT, "slap/" SLAP_VERSION);
  curl_api().easy_setopt(h, CURLOPT_CONNECTTIMEOUT, rq.connect_timeout_seconds);
  curl_api().easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_api().easy_setopt(h, CURLOPT_LOW_SPEED_TIME, rq.low_speed_seconds);
  if (rq.limit_rate > 0) {
    curl_api().easy_setopt(h, CURLOPT_MAX_RECV_SPEED_LARGE, static_cast<curl_off_t>(rq.limit_rate));
    curl_api().easy_setopt(h, CURLOPT_MAX_SEND_SPEED_LARGE, static_cast<curl_off_t>(rq.limit_rate));
  }
  // 0 would mean "no limit" to libcurl; the body sink enforces every limit anyway.
  if (rq.max_body.value_or(0) > 0)
    curl_api().easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(*rq.max_body));
  std::string range = fmt::format("{}-", rq.resume_from);
  if (rq.resume_from > 0) curl_api().easy_setopt(h, CURLOPT_RANGE, range.c_str());  // curl copies it
  curl_api().easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_api().easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_api().easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_api().easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_api().easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_api().easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_api().easy_setopt(h, CURLOPT_XFERINFODATA, &t);
  HeaderList headers;
  append(headers, "Expect:");  // no 100-continue round trip before uploads
  for (const auto& [name, value] : rq.headers) append(headers, name + ": " + value);
  curl_api().easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  return headers;
}

Error transfer_error(const Transfer& t, CURLcode code, const char* error_buffer) {
  if (t.failure) return *t.failure;
  const std::string& url = t.request.url;
  if (code == CURLE_ABORTED_BY_CALLBACK) return interrupted(t.request);
  if (code == CURLE_FILESIZE_EXCEEDED) return too_large(t.request);
  const char* detail = error_buffer[0] ? error_buffer : curl_api().easy_strerror(code);
  Error e(ErrorKind::network, fmt::format("{}: {}", url, detail));
  if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY)
    e.cls = connect_failure;
  else if (code == CURLE_OPERATION_TIMEDOUT)
    e.cls = timed_out;
  else if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CONNECT_ERROR || code == CURLE_SSL_CERTPROBLEM ||
           code == CURLE_SSL_CIPHER || code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_ENGINE_NOTFOUND ||
           code == CURLE_SSL_ISSUER_ERROR || code == CURLE_SSL_CRL_BADFILE)
    e.cls = tls_failure;
  return e;
}

}  // namespace

Result<Response> curl_perform(CURL* h, const Request& request, const ProgressFn& progress) {
  if (!h)
    return fail(ErrorKind::io, fmt::format("{}: {}", request.url,
                                           curl_load_error().empty() ? "cannot create a libcurl handle" : curl_load_error()));
  curl_api().easy_reset(h);
  Transfer t(request, progress, h);
  char error_buffer[CURL_ERROR_SIZE] = "";
  HeaderList headers = set_transfer_options(h, t, error_buffer);
  UniqueFile body_file = SLAP_TRY(set_method(h, t));
  CURLcode code = curl_api().easy_perform(h);
  if (code != CURLE_OK) return fail(transfer_error(t, code, error_buffer));
  if (!t.sink.opened() && !open_sink(t)) return fail(*t.failure);
  SLAP_CHECK(t.sink.close());
  t.response.status = status_of(h);
  return std::move(t.response);
}

}  // namespace slap::http::detail
