#include "http/plain.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <optional>

#include "http/sink.hpp"
#include "slap/strings.hpp"
#include "slap_version.h"
#include "util/socket.hpp"

namespace slap::http::detail {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t io_size = 64 * 1024;
constexpr std::size_t max_head = 64 * 1024;  // status line and headers of one answer

struct Url {
  std::string host;       // without the brackets of an IPv6 literal
  std::string port;       // "80" when the URL has none
  std::string authority;  // for the Host header
  std::string target;     // path and query, "/" when empty
};

bool printable_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7f) return false;
  return true;
}

std::optional<Url> parse_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.size() <= scheme.size() || str::to_lower(url.substr(0, scheme.size())) != scheme) return {};
  if (!printable_ascii(url)) return {};
  std::string_view rest = url.substr(scheme.size());
  rest = rest.substr(0, rest.find('#'));
  std::size_t end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return {};
  std::string_view host = authority, port;
  if (authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return {};
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return {};
    if (!after.empty()) port = after.substr(1);
  } else if (std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  unsigned number = 80;
  if (!port.empty()) {
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc() || ptr != port.data() + port.size() || number == 0 || number > 65535) return {};
  }
  if (host.empty()) return {};
  Url out;
  out.host = std::string(host);
  out.port = std::to_string(number);
  std::string bracketed = authority.front() == '[' ? fmt::format("[{}]", host) : std::string(host);
  out.authority = number == 80 ? bracketed : fmt::format("{}:{}", bracketed, number);
  std::string_view target = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  out.target = str::starts_with(target, "/") ? std::string(target) : fmt::format("/{}", target);
  return out;
}

bool proxy_configured() {
  for (const char* name : {"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"})
    if (const char* value = std::getenv(name); value && *value) return true;
  return false;
}

bool has_line_break(const Headers& headers) {
  for (const auto& [name, value] : headers)
    if ((name + value).find_first_of("\r\n") != std::string::npos) return true;
  return false;
}

bool has_header(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers)
    if (str::to_lower(key) == str::to_lower(name)) return true;
  return false;
}

bool sends_body(const Request& rq) { return rq.method == "PUT" || rq.method == "POST"; }

// The request line and headers, as libcurl writes them: a header of the request replaces
// the default of the same name, and one with an empty value only removes it.
std::string request_head(const Request& rq, const Url& url, std::uint64_t body_size) {
  std::string head = fmt::format("{} {} HTTP/1.1\r\n", rq.method, url.target);
  auto add_default = [&](std::string_view name, std::string_view value) {
    if (!has_header(rq.headers, name)) head += fmt::format("{}: {}\r\n", name, value);
  };
  add_default("Host", url.authority);
  add_default("User-Agent", "slap/" SLAP_VERSION);
  add_default("Accept", "*/*");
  if (rq.resume_from > 0) add_default("Range", fmt::format("bytes={}-", rq.resume_from));
  if (sends_body(rq)) add_default("Content-Length", std::to_string(body_size));
  if (rq.method == "POST") add_default("Content-Type", "application/x-www-form-urlencoded");
  for (const auto& [name, value] : rq.headers)
    if (!value.empty()) head += fmt::format("{}: {}\r\n", name, value);
  head += "\r\n";
  return head;
}

Error network(const Request& rq, std::string_view what) {
  return Error(ErrorKind::network, fmt::format("{}: {}", rq.url, what));
}

Result<UniqueFd> connect_to(const Url& url, const Request& rq) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &found) != 0)
    return fail(network(rq, fmt::format("Could not resolve host: {}", url.host)));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  auto deadline = Clock::now() + std::chrono::seconds(std::max(rq.connect_timeout_seconds, 1L));
  int last_error = ECONNREFUSED;
  for (addrinfo* a = found; a; a = a->ai_next) {
    UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (!fd.open()) {
      last_error = errno;
      continue;
    }
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        last_error = errno;
        continue;
      }
      if (int error = net::await_connect(fd.get(), deadline); error != 0) {
        last_error = error < 0 ? ETIMEDOUT : error;
        continue;
      }
    }
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
  }
  return fail(network(rq, fmt::format("Failed to connect to {} port {}: {}", url.host, url.port,
                                      std::strerror(last_error))));
}

// A kept-alive connection the server has closed (or sent something unasked on) is readable.
bool still_idle(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 0;
}

// One request and its answer on one connection.
class Exchange {
 public:
  Exchange(const Request& rq, const ProgressFn& progress, int fd)
      : rq_(rq), progress_(progress), fd_(fd), sink_(rq, rs_) {}

  Result<Response> run(const Url& url);
  bool received_any() const { return received_any_; }
  bool reusable() const { return reusable_; }

 private:
  Status send_request(const Url& url);
  Status send_all(std::string_view data);
  Status read_head();
  Status read_body();
  Status read_exact(std::uint64_t size, bool chunk);
  Status read_to_eof();
  Status deliver(std::size_t len);
  Result<bool> fill();
  Result<std::string> line();
  Status wait(short events);
  bool report();
  Error weird(std::string_view what) const { return network(rq_, fmt::format("Weird server reply ({})", what)); }

  const Request& rq_;
  const ProgressFn& progress_;
  int fd_;
  Response rs_;
  BodySink sink_;
  std::string buf_;      // received, not yet consumed from pos_
  std::size_t pos_ = 0;
  bool received_any_ = false;
  bool keep_alive_ = false;
  bool reusable_ = false;
  bool send_broken_ = false;  // the peer closed or reset while the request was sent
  std::uint64_t sent_ = 0, send_total_ = 0;  // request body
  std::uint64_t total_ = 0;                  // response body, resume offset included; 0 = unknown
};

bool Exchange::report() {
  if (!progress_) return true;
  if (sends_body(rq_)) return progress_(sent_, send_total_);
  std::uint64_t base = sink_.opened() ? sink_.offset() : rq_.resume_from;
  return progress_(base + rs_.bytes, total_);
}

// Waits for the socket, reporting progress about once a second (so a cancel request is
// seen), and gives up after low_speed_seconds without a byte either way.
Status Exchange::wait(short events) {
  auto since = Clock::now();
  for (;;) {
    pollfd p{fd_, events, 0};
    int ready = ::poll(&p, 1, 1000);
    if (ready > 0) return {};
    if (ready < 0 && errno != EINTR) return fail(network(rq_, fmt::format("poll: {}", std::strerror(errno))));
    if (!report()) return fail(interrupted(rq_));
    if (rq_.low_speed_seconds > 0 && Clock::now() - since >= std::chrono::seconds(rq_.low_speed_seconds))
      return fail(network(rq_, fmt::format("Operation too slow. Less than 1 bytes/sec transferred the last {} seconds",
                                           rq_.low_speed_seconds)));
  }
}

Status Exchange::send_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      SLAP_CHECK(wait(POLLOUT));
    } else if (n < 0 && errno != EINTR) {
      send_broken_ = errno == EPIPE || errno == ECONNRESET;
      return fail(network(rq_, fmt::format("Send failure: {}", std::strerror(errno))));
    }
  }
  return {};
}

Status Exchange::send_request(const Url& url) {
  UniqueFd body_file;
  std::uint64_t size = rq_.body.size();
  bool from_file = sends_body(rq_) && !rq_.body_file.empty();
  if (from_file) {
    body_file.reset(::open(rq_.body_file.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (!body_file.open() || ::fstat(body_file.get(), &st) != 0)
      return fail(ErrorKind::io, fmt::format("cannot open {}: {}", rq_.body_file, std::strerror(errno)));
    size = static_cast<std::uint64_t>(st.st_size);
  }
  send_total_ = sends_body(rq_) ? size : 0;
  std::string head = request_head(rq_, url, size);
  if (!sends_body(rq_)) return send_all(head);
  if (!from_file && size <= io_size) {  // one segment for small requests
    head += rq_.body;
    SLAP_CHECK(send_all(head));
    sent_ = size;
    return report() ? Status{} : fail(interrupted(rq_));
  }
  SLAP_CHECK(send_all(head));
  std::string block(from_file ? io_size : 0, '\0');
  while (sent_ < size) {
    std::string_view piece;
    if (from_file) {
      ssize_t n = ::read(body_file.get(), block.data(), block.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        return fail(ErrorKind::io, fmt::format("cannot read {}: {}", rq_.body_file,
                                               n == 0 ? "file shrank while sending" : std::strerror(errno)));
      piece = std::string_view(block.data(), static_cast<std::size_t>(n));
    } else {
      piece = std::string_view(rq_.body).substr(sent_, io_size);
    }
    SLAP_CHECK(send_all(piece));
    sent_ += piece.size();
    if (!report()) return fail(interrupted(rq_));
  }
  return {};
}

// Reads more bytes into buf_; false at end of stream.
Result<bool> Exchange::fill() {
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  std::size_t had = buf_.size();
  buf_.resize(had + io_size);
  for (;;) {
    ssize_t n = ::recv(fd_, buf_.data() + had, io_size, 0);
    if (n >= 0) {
      buf_.resize(had + static_cast<std::size_t>(n));
      if (n > 0) received_any_ = true;
      return n > 0;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (auto waited = wait(POLLIN); !waited) {
        buf_.resize(had);
        return fail(waited.error());
      }
    } else if (errno != EINTR) {
      buf_.resize(had);
      return fail(network(rq_, fmt::format("Recv failure: {}", std::strerror(errno))));
    }
  }
}

// One line of the head or of the chunked framing, without its CR LF.
Result<std::string> Exchange::line() {
  for (;;) {
    std::size_t nl = buf_.find('\n', pos_);
    if (nl != std::string::npos) {
      std::string out = buf_.substr(pos_, nl - pos_);
      pos_ = nl + 1;
      if (!out.empty() && out.back() == '\r') out.pop_back();
      return out;
    }
    if (buf_.size() - pos_ > max_head) return fail(weird("line too long"));
    if (!SLAP_TRY(fill()))
      return fail(received_any_ ? network(rq_, "connection closed in the middle of the answer")
                                : network(rq_, "Empty reply from server"));
  }
}

Status Exchange::read_head() {
  for (;;) {  // skips interim (1xx) answers
    std::string status_line = SLAP_TRY(line());
    // "HTTP/1.1 200 OK"
    if (!str::starts_with(status_line, "HTTP/1.") || status_line.size() < 12 || status_line[8] != ' ')
      return fail(weird("no HTTP/1.x status line"));
    long status = 0;
    auto [ptr, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
    if (ec != std::errc() || ptr != status_line.data() + 12 || status < 100 || status > 999)
      return fail(weird("bad status"));
    rs_.headers.clear();
    std::size_t head_size = status_line.size();
    for (;;) {
      std::string header = SLAP_TRY(line());
      if (header.empty()) break;
      head_size += header.size();
      if (head_size > max_head) return fail(weird("headers too large"));
      add_header_line(rs_.headers, header);
    }
    if (status >= 200 || status == 101) {
      rs_.status = status;
      keep_alive_ = status_line[7] == '1' && str::to_lower(rs_.header("connection")).find("close") == std::string::npos;
      return {};
    }
  }
}

// Hands buf_[pos_, pos_ + len) to the sink.
Status Exchange::deliver(std::size_t len) {
  SLAP_CHECK(sink_.write(buf_.data() + pos_, len));
  pos_ += len;
  return report() ? Status{} : fail(interrupted(rq_));
}

Status Exchange::read_exact(std::uint64_t size, bool chunk) {
  while (size > 0) {
    if (pos_ == buf_.size() && !SLAP_TRY(fill()))
      return fail(chunk ? weird("connection closed inside a chunk")
                        : network(rq_, fmt::format("transfer closed with {} bytes remaining to read", size)));
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(size, buf_.size() - pos_));
    SLAP_CHECK(deliver(take));
    size -= take;
  }
  return {};
}

Status Exchange::read_to_eof() {
  for (;;) {
    if (pos_ < buf_.size()) SLAP_CHECK(deliver(buf_.size() - pos_));
    if (!SLAP_TRY(fill())) return {};
  }
}

Status Exchange::read_body() {
  SLAP_CHECK(sink_.open(rs_.status));
  if (rq_.method == "HEAD" || rs_.status == 204 || rs_.status == 304) {
    reusable_ = keep_alive_;
    return sink_.close();
  }
  if (str::to_lower(rs_.header("transfer-encoding")).find("chunked") != std::string::npos) {
    for (;;) {
      std::string size_line = SLAP_TRY(line());
      std::string_view digits = str::strip(std::string_view(size_line).substr(0, size_line.find(';')));
      std::uint64_t size = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), size, 16);
      if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size()) return fail(weird("bad chunk size"));
      if (size == 0) break;
      SLAP_CHECK(read_exact(size, true));
      if (!SLAP_TRY(line()).empty()) return fail(weird("chunk longer than announced"));
    }
    while (!SLAP_TRY(line()).empty()) {  // trailers
    }
    reusable_ = keep_alive_;
  } else if (std::string length = rs_.header("content-length"); !length.empty()) {
    std::uint64_t size = 0;
    auto [ptr, ec] = std::from_chars(length.data(), length.data() + length.size(), size);
    if (ec != std::errc() || ptr != length.data() + length.size()) return fail(weird("bad Content-Length"));
    if (size > 0) total_ = sink_.offset() + size;
    SLAP_CHECK(read_exact(size, false));
    reusable_ = keep_alive_;
  } else {
    SLAP_CHECK(read_to_eof());
  }
  reusable_ = reusable_ && pos_ == buf_.size();
  return sink_.close();
}

Result<Response> Exchange::run(const Url& url) {
  if (auto sent = send_request(url); !sent) {
    // A server may answer and close before it has read the whole body (a 401 to an upload
    // without its token): that answer is the one to return.
    if (!send_broken_) return fail(sent.error());
    if (!read_head()) return fail(sent.error());
  } else {
    SLAP_CHECK(read_head());
  }
  SLAP_CHECK(read_body());
  return std::move(rs_);
}

}  // namespace

bool plain_suits(const Request& rq) {
  return rq.limit_rate == 0 && rq.unix_socket.empty() && parse_url(rq.url) && !has_line_break(rq.headers) && !proxy_configured();
}

Result<Response> PlainTransport::perform(const Request& rq, const ProgressFn& progress) {
  std::optional<Url> url = parse_url(rq.url);
  if (!url) return fail(ErrorKind::internal, fmt::format("{}: not a plain http:// URL", rq.url));
  std::string key = url->host + " " + url->port;
  for (bool fresh = false;; fresh = true) {
    UniqueFd fd;
    bool reused = !fresh && idle_.open() && idle_key_ == key && still_idle(idle_.get());
    if (reused) fd = std::move(idle_);
    idle_.reset();
    if (!reused) fd = SLAP_TRY(connect_to(*url, rq));
    Exchange exchange(rq, progress, fd.get());
    auto result = exchange.run(*url);
    // A kept-alive connection the server closed meanwhile: once more on a new one.
    if (!result && reused && result.error().kind == ErrorKind::network && !exchange.received_any()) continue;
    if (result && exchange.reusable()) {
      idle_ = std::move(fd);
      idle_key_ = key;
    }
    return result;
  }
}

}  // namespace slap::http::detail
