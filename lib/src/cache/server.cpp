// `slap cache-serve`: cpp-httplib in front of a store (a directory or an S3 bucket), with a thread pool,
// timeouts, an access log and a stop that lets requests in flight finish.
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fmt/format.h>
#include <mutex>
#include <optional>

#include "cache/handlers.hpp"
#include "slap/cache.hpp"
#include "slap/cache_store.hpp"
#include "slap/fd.hpp"
#include "slap/fs.hpp"
#include "slap/lock.hpp"
#include "slap/paths.hpp"

namespace slap::cache {

namespace {

class HttpServer : public httplib::Server {
 public:
  // cpp-httplib listens with a backlog of 5: a burst of clients would see dropped SYNs and
  // one-second retries. listen(2) on a listening socket only updates the backlog.
  void widen_backlog() { ::listen(svr_sock_, SOMAXCONN); }
  int listening_socket() const { return svr_sock_; }

  // One request read from memory, answered as on a connection that closes after it.
  std::string answer(std::string_view request) {
    httplib::detail::BufferStream stream;
    stream.write(request.data(), request.size());
    bool closed = false;
    process_request(stream, true, closed, nullptr);
    return stream.get_buffer().substr(request.size());
  }
};

// One line per request, Common Log Format, to a file or to the log sink.
class AccessLog {
 public:
  AccessLog(const Context& ctx, UniqueFile file) : ctx_(ctx), file_(std::move(file)) {}

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
  UniqueFile file_;
  std::mutex mutex_;
};

class HttpCacheServer final : public Server, public InMemoryServer {
 public:
  HttpCacheServer(ServerOptions o, std::unique_ptr<Storage> store, const Context& c, UniqueFile log_file)
      : options_(std::move(o)),
        store_(std::move(store)),
        handlers_(*store_, options_, c),
        log_(c, std::move(log_file)) {}

  Status open();  // prepares the store and binds the socket
  Status open_in_memory();  // prepares the store only
  std::string answer(std::string_view request) override { return http_.answer(request); }
  int port() const override { return port_; }
  Status serve() override;
  void stop() override;

 private:
  void configure();

  ServerOptions options_;
  std::unique_ptr<Storage> store_;
  Handlers handlers_;
  AccessLog log_;
  HttpServer http_;
  std::optional<FileLock> lock_;  // on a directory store, held while the server lives
  int port_ = 0;
  std::atomic<bool> stopping_{false};
};

void HttpCacheServer::configure() {
  using namespace httplib;
  unsigned threads = std::max(1u, options_.threads);
  http_.new_task_queue = [threads] { return new ThreadPool(threads); };
  http_.set_read_timeout(options_.timeout_seconds);
  http_.set_write_timeout(options_.timeout_seconds);
  http_.set_keep_alive_max_count(1000);
  http_.set_keep_alive_timeout(2);
  http_.set_tcp_nodelay(true);  // headers and body go out in two writes: no Nagle delay between them
  http_.set_payload_max_length(std::max<std::uint64_t>(options_.max_upload, 64 << 20));
  http_.set_pre_routing_handler([this](const Request& req, Response& res) { return handlers_.pre_route(req, res); });
  auto upload = [this](const Request& req, Response& res, const ContentReader& reader) {
    handlers_.upload(req, res, reader);
  };
  http_.Post("/shacache/?", upload);
  http_.Put("/shacache/.+", upload);
  http_.Post("/shacache/missing", [this](const Request& req, Response& res, const ContentReader& reader) {
    handlers_.missing(req, res, reader);
  });
  http_.Post("/shadir/list", [this](const Request& req, Response& res, const ContentReader& reader) {
    handlers_.list_keys(req, res, reader);
  });
  http_.Put("/shadir/.+", [this](const Request& req, Response& res, const ContentReader& reader) {
    handlers_.put_entry(req, res, reader);
  });
  http_.set_error_handler([this](const Request& req, Response& res) {
    handlers_.unsatisfiable_range(req, res);
    if (res.body.empty())
      res.set_content(fmt::format("{}\n", res.status), "text/plain");
  });
  http_.set_logger([this](const Request& req, const Response& res) { log_.write(req, res); });
}

Status HttpCacheServer::open() {
  // One server per directory: prepare() empties incoming/, where another server's uploads
  // in flight are being written. Servers on one bucket share it (their uploads have names
  // of their own).
  if (!options_.s3) {
    SLAP_CHECK(fs::make_dirs(options_.root));
    std::string lock_file = path::join(options_.root, "serve.lock");
    auto lock = SLAP_TRY(FileLock::try_acquire(lock_file));
    if (!lock)
      return fail(ErrorKind::io, fmt::format("another slap cache-serve{} serves {}: not starting",
                                             FileLock::holder_note(lock_file), options_.root));
    lock_.emplace(std::move(*lock));
  }
  SLAP_CHECK(store_->prepare());
  configure();
  if (options_.port == 0) port_ = http_.bind_to_any_port(options_.host);
  else if (http_.bind_to_port(options_.host, options_.port)) port_ = options_.port;
  if (port_ <= 0)
    return fail(ErrorKind::network,
                fmt::format("cannot listen on {}:{}: {}", options_.host, options_.port, std::strerror(errno)));
  http_.widen_backlog();
  return {};
}

Status HttpCacheServer::open_in_memory() {
  SLAP_CHECK(store_->prepare());
  configure();
  return {};
}

Status HttpCacheServer::serve() {
  bool clean = http_.listen_after_bind();
  if (!clean && !stopping_) return fail(ErrorKind::network, "the cache server stopped accepting connections");
  return {};
}

void HttpCacheServer::stop() {
  if (stopping_.exchange(true)) return;
  // Before serve() runs, httplib's stop() does nothing: shutting the socket down makes the
  // coming accept() fail, so serve() returns at once.
  if (http_.is_running()) http_.stop();
  else ::shutdown(http_.listening_socket(), SHUT_RDWR);
}

Result<std::unique_ptr<HttpCacheServer>> make_server(ServerOptions options, const Context& ctx) {
  if (options.upload_token.empty()) return fail(ErrorKind::input, "the cache server needs an upload token");
  UniqueFile log_file;
  if (!options.access_log.empty()) {
    log_file.reset(std::fopen(options.access_log.c_str(), "ae"));
    if (!log_file)
      return fail(ErrorKind::io, fmt::format("cannot open access log {}: {}", options.access_log, std::strerror(errno)));
  }
  auto store = make_storage(options, ctx);
  if (!store) return fail(std::move(store.error()));
  return std::make_unique<HttpCacheServer>(std::move(options), std::move(*store), ctx, std::move(log_file));
}

}  // namespace

Result<std::unique_ptr<Server>> Server::bind(ServerOptions options, const Context& ctx) {
  auto server = SLAP_TRY(make_server(std::move(options), ctx));
  SLAP_CHECK(server->open());
  return server;
}

Result<std::unique_ptr<InMemoryServer>> InMemoryServer::open(ServerOptions options, const Context& ctx) {
  auto server = SLAP_TRY(make_server(std::move(options), ctx));
  SLAP_CHECK(server->open_in_memory());
  return server;
}

}  // namespace slap::cache
