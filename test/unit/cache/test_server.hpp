// A cache server on 127.0.0.1 (any free port), serving from a fresh temporary directory on a
// background thread for the lifetime of the object. Its upload token is "t0ken".
#pragma once

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>

#include "slap/cache.hpp"
#include "test_support.hpp"

namespace slap::test {

class RunningServer {
 public:
  explicit RunningServer(const std::string& name, std::uint64_t max_upload = 1 << 30) {
    dir_ = temp_dir(name);
    cache::ServerOptions o;
    o.root = dir_ + "/root";
    o.upload_token = "t0ken";
    o.max_upload = max_upload;
    o.threads = 8;
    o.access_log = access_log();
    auto server = cache::Server::bind(o, ctx_);
    REQUIRE(server);
    server_ = std::move(*server);
    thread_ = std::thread([this] { CHECK(server_->serve()); });
  }
  ~RunningServer() { stop(); }
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  int port() const { return server_->port(); }
  std::string url() const { return fmt::format("http://127.0.0.1:{}", port()); }
  std::string root() const { return dir_ + "/root"; }
  std::string access_log() const { return dir_ + "/access.log"; }
  const Context& ctx() const { return ctx_; }

  void stop() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }

 private:
  NullLog log_;
  Context ctx_{nullptr, &log_, nullptr, nullptr};
  std::string dir_;
  std::unique_ptr<cache::Server> server_;
  std::thread thread_;
};

// Sends `bytes` as they are to 127.0.0.1:port and returns everything read back until the
// server closes the connection (for requests no HTTP client library would send).
inline std::string raw_request(int port, const std::string& bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  return answer;
}

}  // namespace slap::test
