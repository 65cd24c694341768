// The built-in plain-HTTP client against a scripted peer: framing (chunked, until close, 1xx),
// kept-alive connections, redirects and the failures libcurl would report.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/plain.hpp"
#include "http/test_server.hpp"
#include "slap/fs.hpp"
#include "slap/http.hpp"
#include "slap/strings.hpp"
#include "test_support.hpp"
#include "util/unique_fd.hpp"

using namespace slap;

namespace {

struct Answer {
  std::string bytes;   // sent as they are
  bool close = false;  // then closes the connection
  int delay_ms = 0;    // before answering
};

// Listens on 127.0.0.1 (ephemeral port), one connection at a time; answers the Nth request
// it reads with the Nth answer of its script (a 500 and close past the end). Stopped by its
// destructor.
class ScriptedPeer {
 public:
  explicit ScriptedPeer(std::vector<Answer> script) : script_(std::move(script)) {
    listener_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof addr;
    REQUIRE(::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), size) == 0);
    REQUIRE(::listen(listener_.get(), 8) == 0);
    REQUIRE(::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&addr), &size) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedPeer() {
    stop_ = true;
    thread_.join();
  }

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int port() const { return port_; }
  int connections() const { return connections_; }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  // Waits up to 50 ms for `fd`; false when stopping.
  bool ready(int fd) {
    pollfd p{fd, POLLIN, 0};
    while (!stop_)
      if (::poll(&p, 1, 50) > 0) return true;
    return false;
  }

  // One request: its head, then as many body bytes as its Content-Length says.
  std::optional<std::string> read_request(int fd, std::string& pending) {
    auto more = [&] {
      char block[65536];
      if (!ready(fd)) return false;
      ssize_t n = ::recv(fd, block, sizeof block, 0);
      if (n <= 0) return false;
      pending.append(block, static_cast<std::size_t>(n));
      return true;
    };
    std::size_t end;
    while ((end = pending.find("\r\n\r\n")) == std::string::npos)
      if (!more()) return std::nullopt;
    std::string head = pending.substr(0, end + 4);
    std::size_t body = 0;
    if (auto at = str::to_lower(head).find("content-length:"); at != std::string::npos)
      body = std::stoul(head.substr(at + 15));
    while (pending.size() < end + 4 + body)
      if (!more()) return std::nullopt;
    std::string request = pending.substr(0, end + 4 + body);
    pending.erase(0, end + 4 + body);
    return request;
  }

  void serve() {
    while (ready(listener_.get())) {
      UniqueFd conn(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!conn.open()) continue;
      ++connections_;
      std::string pending;
      while (auto request = read_request(conn.get(), pending)) {
        Answer answer{"HTTP/1.1 500 Off Script\r\nContent-Length: 0\r\n\r\n", true};
        {
          std::lock_guard lock(mutex_);
          if (requests_.size() < script_.size()) answer = script_[requests_.size()];
          requests_.push_back(*request);
        }
        for (int waited = 0; waited < answer.delay_ms && !stop_; waited += 10)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (!answer.bytes.empty()) (void)!::send(conn.get(), answer.bytes.data(), answer.bytes.size(), MSG_NOSIGNAL);
        if (answer.close) break;
      }
    }
  }

  std::vector<Answer> script_;
  UniqueFd listener_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
};

Answer ok(const std::string& body) {
  return {"HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body};
}

Answer redirect(int status, const std::string& location) {
  return {"HTTP/1.1 " + std::to_string(status) + " Moved\r\nLocation: " + location + "\r\nContent-Length: 5\r\n\r\nmoved"};
}

http::Request request(const std::string& url, std::string method = "GET") {
  http::Request rq;
  rq.url = url;
  rq.method = std::move(method);
  return rq;
}

std::string first_line(const std::string& request) { return request.substr(0, request.find("\r\n")); }

// Sets an environment variable for one scope.
struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("plain http: which requests the built-in client carries") {
  using http::detail::plain_suits;
  CHECK(plain_suits(request("http://127.0.0.1:8080/a?b=c#d")));
  CHECK(plain_suits(request("HTTP://example.org")));
  CHECK(plain_suits(request("http://[::1]:80/x")));
  CHECK_FALSE(plain_suits(request("https://example.org/")));
  CHECK_FALSE(plain_suits(request("file:///tmp/x")));
  CHECK_FALSE(plain_suits(request("http://user:secret@example.org/")));
  CHECK_FALSE(plain_suits(request("http://example.org:99999/")));
  CHECK_FALSE(plain_suits(request("http://example.org/a b")));
  CHECK_FALSE(plain_suits(request("http://")));
  auto limited = request("http://example.org/");
  limited.limit_rate = 1000;
  CHECK_FALSE(plain_suits(limited));
  auto injected = request("http://example.org/");
  injected.headers.emplace_back("X-A", "b\r\nX-Evil: 1");
  CHECK_FALSE(plain_suits(injected));
  ScopedEnv proxy("http_proxy", "http://proxy.invalid:3128");
  CHECK_FALSE(plain_suits(request("http://example.org/")));
}

TEST_CASE("plain http: a proxy in the environment sends the request through libcurl") {
  test::TestServer server;
  server.serve("/a", "direct");
  http::Client client;
  REQUIRE(client.perform(request(server.url("/a"))));
  ScopedEnv proxy("http_proxy", "http://127.0.0.1:1");
  auto res = client.perform(request(server.url("/a")));
  REQUIRE_FALSE(res);  // libcurl tried the (closed) proxy port
  CHECK(res.error().kind == ErrorKind::network);
  CHECK(str::contains(res.error().message, "127.0.0.1 port 1"));
}

TEST_CASE("plain http: request line and headers") {
  ScriptedPeer peer({ok("1"), ok("2")});
  http::Client client;
  auto rq = request(peer.url("/p/a?x=1#fragment"));
  rq.headers = {{"Accept", "text/plain"}, {"X-Extra", "yes"}};
  REQUIRE(client.perform(rq));
  rq.headers = {{"User-Agent", ""}};
  REQUIRE(client.perform(rq));
  auto seen = peer.requests();
  REQUIRE(seen.size() == 2);
  CHECK(first_line(seen[0]) == "GET /p/a?x=1 HTTP/1.1");
  CHECK(str::contains(seen[0], "\r\nHost: 127.0.0.1:" + std::to_string(peer.port()) + "\r\n"));
  CHECK(str::contains(seen[0], "\r\nUser-Agent: slap/"));
  CHECK(str::contains(seen[0], "\r\nAccept: text/plain\r\n"));
  CHECK_FALSE(str::contains(seen[0], "*/*"));  // the request's header replaced the default
  CHECK(str::contains(seen[0], "\r\nX-Extra: yes\r\n"));
  CHECK_FALSE(str::contains(seen[1], "User-Agent"));  // an empty value removes it
}

TEST_CASE("plain http: chunked answers, 1xx answers, and one connection kept alive") {
  ScriptedPeer peer({
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"},
      {"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\nX-Final: yes\r\n\r\nok"},
      ok(""),
  });
  http::Client client;
  auto res = client.perform(request(peer.url("/chunked")));
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body == "hello world");
  CHECK(res->bytes == 11);
  auto put = request(peer.url("/up"), "PUT");
  put.body = "data";
  res = client.perform(put);
  REQUIRE(res);
  CHECK(res->status == 201);
  CHECK(res->body == "ok");
  CHECK(res->header("x-final") == "yes");
  res = client.perform(request(peer.url("/empty")));
  REQUIRE(res);
  CHECK(res->body.empty());
  CHECK(peer.connections() == 1);
  auto seen = peer.requests();
  REQUIRE(seen.size() == 3);
  CHECK(str::ends_with(seen[1], "Content-Length: 4\r\n\r\ndata"));
}

TEST_CASE("plain http: a body that ends with the connection") {
  ScriptedPeer peer({{"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it", true}, ok("next")});
  http::Client client;
  auto res = client.perform(request(peer.url("/a")));
  REQUIRE(res);
  CHECK(res->body == "all of it");
  res = client.perform(request(peer.url("/b")));
  REQUIRE(res);
  CHECK(res->body == "next");
  CHECK(peer.connections() == 2);
}

TEST_CASE("plain http: a kept-alive connection closed by the server is replaced") {
  // The second request reaches the old connection, which closes without a word: it is sent
  // again on a new one.
  ScriptedPeer peer({ok("first"), {"", true}, ok("second")});
  http::Client client;
  REQUIRE(client.perform(request(peer.url("/a")))->body == "first");
  auto res = client.perform(request(peer.url("/b")));
  REQUIRE(res);
  CHECK(res->body == "second");
  CHECK(peer.connections() == 2);
  CHECK(peer.requests().size() == 3);
}

TEST_CASE("plain http: failures are network errors, as with libcurl") {
  SUBCASE("nothing at all") {
    ScriptedPeer peer({{"", true}});
    auto res = http::Client().perform(request(peer.url("/a")));
    REQUIRE_FALSE(res);
    CHECK(res.error().kind == ErrorKind::network);
    CHECK(res.error().message == peer.url("/a") + ": Empty reply from server");
  }
  SUBCASE("a body cut short") {
    ScriptedPeer peer({{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true}});
    auto res = http::Client().perform(request(peer.url("/a")));
    REQUIRE_FALSE(res);
    CHECK(res.error().kind == ErrorKind::network);
    CHECK(res.error().message == peer.url("/a") + ": transfer closed with 7 bytes remaining to read");
  }
  SUBCASE("not HTTP") {
    ScriptedPeer peer({{"SSH-2.0-OpenSSH\r\n\r\n", true}});
    auto res = http::Client().perform(request(peer.url("/a")));
    REQUIRE_FALSE(res);
    CHECK(res.error().kind == ErrorKind::network);
    CHECK(str::contains(res.error().message, "Weird server reply"));
  }
  SUBCASE("a bad chunk") {
    ScriptedPeer peer({{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", true}});
    auto res = http::Client().perform(request(peer.url("/a")));
    REQUIRE_FALSE(res);
    CHECK(str::contains(res.error().message, "bad chunk size"));
  }
  SUBCASE("too slow") {
    ScriptedPeer peer({{ok("late").bytes, false, 5000}});
    auto rq = request(peer.url("/a"));
    rq.low_speed_seconds = 1;
    auto res = http::Client().perform(rq);
    REQUIRE_FALSE(res);
    CHECK(res.error().kind == ErrorKind::network);
    CHECK(res.error().message ==
          peer.url("/a") + ": Operation too slow. Less than 1 bytes/sec transferred the last 1 seconds");
  }
  SUBCASE("no such host") {
    auto res = http::Client().perform(request("http://no-such-host.invalid/a"));
    REQUIRE_FALSE(res);
    CHECK(res.error().kind == ErrorKind::network);
    CHECK(res.error().message == "http://no-such-host.invalid/a: Could not resolve host: no-such-host.invalid");
  }
}

TEST_CASE("plain http: a waiting transfer still asks its progress callback") {
  ScriptedPeer peer({{ok("late").bytes, false, 5000}});
  int calls = 0;
  auto res = http::Client().perform(request(peer.url("/a")), [&](std::uint64_t, std::uint64_t) { return ++calls < 2; });
  REQUIRE_FALSE(res);
  CHECK(res.error().kind == ErrorKind::interrupted);
  CHECK(calls == 2);
}

TEST_CASE("plain http: redirects are followed as libcurl follows them") {
  SUBCASE("relative locations") {
    ScriptedPeer peer({redirect(301, "/dir/a"), redirect(302, "b?q=1"), ok("there")});
    auto res = http::Client().perform(request(peer.url("/start")));
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "there");
    auto seen = peer.requests();
    REQUIRE(seen.size() == 3);
    CHECK(first_line(seen[1]) == "GET /dir/a HTTP/1.1");
    CHECK(first_line(seen[2]) == "GET /dir/b?q=1 HTTP/1.1");
  }
  SUBCASE("303 turns a POST into a GET; 307 keeps the method and the body") {
    ScriptedPeer peer({redirect(307, "/again"), redirect(303, "/result"), ok("done")});
    auto post = request(peer.url("/form"), "POST");
    post.body = "a=1";
    auto res = http::Client().perform(post);
    REQUIRE(res);
    CHECK(res->body == "done");
    auto seen = peer.requests();
    REQUIRE(seen.size() == 3);
    CHECK(first_line(seen[1]) == "POST /again HTTP/1.1");
    CHECK(str::ends_with(seen[1], "\r\n\r\na=1"));
    CHECK(first_line(seen[2]) == "GET /result HTTP/1.1");
    CHECK_FALSE(str::contains(seen[2], "Content-Length"));
  }
  SUBCASE("an absolute location on another server") {
    ScriptedPeer target({ok("elsewhere")});
    ScriptedPeer peer({redirect(302, target.url("/x"))});
    auto rq = request(peer.url("/a"));
    rq.headers.emplace_back("Authorization", "Bearer secret");
    auto res = http::Client().perform(rq);
    REQUIRE(res);
    CHECK(res->body == "elsewhere");
    CHECK(str::contains(peer.requests()[0], "Authorization: Bearer secret"));
    CHECK_FALSE(str::contains(target.requests()[0], "Authorization"));
  }
  SUBCASE("at most 10") {
    ScriptedPeer peer(std::vector<Answer>(12, redirect(302, "/loop")));
    auto res = http::Client().perform(request(peer.url("/loop")));
    REQUIRE_FALSE(res);
    CHECK(res.error().kind == ErrorKind::network);
    CHECK(res.error().message == peer.url("/loop") + ": Maximum (10) redirects followed");
    CHECK(peer.requests().size() == 11);
  }
  SUBCASE("a redirect's body never reaches output_file") {
    ScriptedPeer peer({redirect(302, "/file"), ok("content")});
    auto rq = request(peer.url("/a"));
    rq.output_file = test::temp_dir("plain-redirect") + "/out";
    auto res = http::Client().perform(rq);
    REQUIRE(res);
    CHECK(res->body.empty());
    CHECK(fs::read_file(rq.output_file).value() == "content");
  }
}
