#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>

#include "slap/fd.hpp"
#include "slap/socket.hpp"

using namespace slap;
using namespace std::chrono_literals;

namespace {

// A listening socket on 127.0.0.1 (ephemeral port) with the given backlog.
UniqueFd listener(int backlog, sockaddr_in& addr) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), size) == 0);
  REQUIRE(::listen(fd.get(), backlog) == 0);
  REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &size) == 0);
  return fd;
}

// Starts a non-blocking connect to `addr`; the errno of connect() (0 when it completed).
int start_connect(UniqueFd& fd, const sockaddr_in& addr) {
  fd.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  return ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 ? 0 : errno;
}

}  // namespace

TEST_CASE("await_connect: connected, refused, or the deadline first") {
  sockaddr_in addr{};
  UniqueFd listening = listener(0, addr);
  auto soon = [] { return std::chrono::steady_clock::now() + 2s; };

  UniqueFd first;
  int started = start_connect(first, addr);
  REQUIRE((started == 0 || started == EINPROGRESS));
  if (started == EINPROGRESS) CHECK(net::await_connect(first.get(), soon()) == 0);

  // The accept queue (backlog 0) holds that one connection: the next SYN is dropped.
  UniqueFd second;
  REQUIRE(start_connect(second, addr) == EINPROGRESS);
  auto start = std::chrono::steady_clock::now();
  CHECK(net::await_connect(second.get(), start + 200ms) == -1);
  CHECK(std::chrono::steady_clock::now() - start >= 200ms);

  listening.reset();  // nothing listens on the port any more
  UniqueFd third;
  int refused = start_connect(third, addr);
  if (refused == EINPROGRESS) refused = net::await_connect(third.get(), soon());
  CHECK(refused == ECONNREFUSED);
}
