// `slap cache-serve`: cpp-httplib in front of the directory store, with a thread pool,
// timeouts, an access log and a stop that lets requests in flight finish.
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fmt/format.h>
#include <mutex>

#include "cache/handlers.hpp"
#include "cache/store.hpp"
#include "slap/cache.hpp"

namespace slap::cache {

namespace {

class HttpServer : public httplib::Server {
 public:
  // cpp-httplib listens with a backlog of 5: a burst of clients would see dropped SYNs and
  // one-second retries. listen(2) on a listening socket only updates the backlog.
  void widen_backlog() { ::listen(svr_sock_, SOMAXCONN); }
  int listening_socket() const { return svr_sock_; }
};

// One line per request, Common Log Format, to a file or to the log sink.
class AccessLog {
 public:
  AccessLog(const Context& ctx, std::FILE* file) : ctx_(ctx), file_(file, &std::fclose) {}

  void write(const httplib::Request& req, const httplib::Response& res) {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char when[32];
    std::strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S +0000", &utc);
    std::string bytes = res.get_header_value("Content-Length");
    std::string line = fmt::format("{} - - [{}] \"{} {} {}\" {} {}", req.remote_addr, when, req.method,
                                   req.target.empty() ? req.path : req.target, req.version, res.status,
                                   bytes.empty() ? std::to_string(res.body.size()) : bytes);
    if (!file_) return ctx_.info(line);
    std::lock_guard lock(mutex_);
    std::fprintf(file_.get(), "%s\n", line.c_str());
    std::fflush(file_.get());
  }

 private:
  const Context& ctx_;
  std::unique_ptr<std::FILE, decltype(&std::fclose)> file_;
  std::mutex mutex_;
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, const Context& c, std::FILE* log_file)
      : options(std::move(o)), ctx(c), store(options.root), handlers(store, options, ctx), log(ctx, log_file) {}

  ServerOptions options;
  const Context& ctx;
  Store store;
  Handlers handlers;
  AccessLog log;
  HttpServer http;
  int port = 0;
  std::atomic<bool> stopping{false};

  void configure();
};

void Server::Impl::configure() {
  using namespace httplib;
  unsigned threads = std::max(1u, options.threads);
  http.new_task_queue = [threads] { return new ThreadPool(threads); };
  http.set_read_timeout(options.timeout_seconds);
  http.set_write_timeout(options.timeout_seconds);
  http.set_keep_alive_max_count(1000);
  http.set_keep_alive_timeout(2);
  http.set_tcp_nodelay(true);  // headers and body go out in two writes: no Nagle delay between them
  http.set_payload_max_length(std::max<std::uint64_t>(options.max_upload, 64 << 20));
  http.set_pre_routing_handler([this](const Request& req, Response& res) { return handlers.pre_route(req, res); });
  auto upload = [this](const Request& req, Response& res, const ContentReader& reader) {
    handlers.upload(req, res, reader);
  };
  http.Post("/shacache/?", upload);
  http.Put("/shacache/.+", upload);
  http.Post("/shacache/missing", [this](const Request& req, Response& res, const ContentReader& reader) {
    handlers.missing(req, res, reader);
  });
  http.Post("/shadir/list", [this](const Request& req, Response& res, const ContentReader& reader) {
    handlers.list_keys(req, res, reader);
  });
  http.Put("/shadir/.+", [this](const Request& req, Response& res, const ContentReader& reader) {
    handlers.put_entry(req, res, reader);
  });
  http.set_error_handler([](const Request&, Response& res) {
    if (res.body.empty())
      res.set_content(fmt::format("{}\n", res.status), "text/plain");
  });
  http.set_logger([this](const Request& req, const Response& res) { log.write(req, res); });
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::Server(Server&&) noexcept = default;
Server& Server::operator=(Server&&) noexcept = default;
Server::~Server() = default;

Result<Server> Server::bind(ServerOptions options, const Context& ctx) {
  if (options.upload_token.empty()) return fail(ErrorKind::input, "the cache server needs an upload token");
  std::FILE* log_file = nullptr;
  if (!options.access_log.empty()) {
    log_file = std::fopen(options.access_log.c_str(), "ae");
    if (!log_file)
      return fail(ErrorKind::io, fmt::format("cannot open access log {}: {}", options.access_log, std::strerror(errno)));
  }
  auto impl = std::make_unique<Impl>(std::move(options), ctx, log_file);
  SLAP_CHECK(impl->store.prepare());
  impl->configure();
  const auto& o = impl->options;
  if (o.port == 0) impl->port = impl->http.bind_to_any_port(o.host);
  else if (impl->http.bind_to_port(o.host, o.port)) impl->port = o.port;
  if (impl->port <= 0)
    return fail(ErrorKind::network, fmt::format("cannot listen on {}:{}: {}", o.host, o.port, std::strerror(errno)));
  impl->http.widen_backlog();
  return Server(std::move(impl));
}

int Server::port() const { return impl_->port; }

Status Server::serve() {
  bool clean = impl_->http.listen_after_bind();
  if (!clean && !impl_->stopping) return fail(ErrorKind::network, "the cache server stopped accepting connections");
  return {};
}

void Server::stop() {
  if (impl_->stopping.exchange(true)) return;
  // Before serve() runs, httplib's stop() does nothing: shutting the socket down makes the
  // coming accept() fail, so serve() returns at once.
  if (impl_->http.is_running()) impl_->http.stop();
  else ::shutdown(impl_->http.listening_socket(), SHUT_RDWR);
}

}  // namespace slap::cache
