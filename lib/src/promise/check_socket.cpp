// check_socket_listening / check_port_listening: a stream socket accepts a connection, at
// (host, port), at a unix socket path, or at an abstract unix socket name.
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <memory>

#include "promise/checks.hpp"
#include "promise/text.hpp"
#include "slap/fd.hpp"
#include "slap/socket.hpp"

namespace slap::promise {

namespace {

constexpr std::string_view address_usage =
    "Address must be specified in 1 of the following 3 forms: (host, port), path or abstract";

// The Python exception a failed connect raises, for messages that read like SlapOS' ones.
std::string os_error(int err) {
  const char* type = "OSError";
  switch (err) {
    case ECONNREFUSED: type = "ConnectionRefusedError"; break;
    case ECONNRESET: type = "ConnectionResetError"; break;
    case ECONNABORTED: type = "ConnectionAbortedError"; break;
    case ENOENT: type = "FileNotFoundError"; break;
    case EACCES: case EPERM: type = "PermissionError"; break;
    case ETIMEDOUT: type = "TimeoutError"; break;
  }
  return fmt::format("{}: [Errno {}] {}", type, err, std::strerror(err));
}

// Non-blocking connect bounded by the deadline; "" on success, else the error message.
std::string connect_before(int family, const sockaddr* addr, socklen_t len, std::chrono::steady_clock::time_point deadline) {
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.open()) return os_error(errno);
  if (::connect(fd.get(), addr, len) == 0) return "";
  if (errno != EINPROGRESS && errno != EAGAIN) return os_error(errno);
  int err = net::await_connect(fd.get(), deadline);
  if (err < 0) return "TimeoutError: timed out";
  return err == 0 ? "" : os_error(err);
}

Measure connect_tcp(const std::string& host, const std::string& port, std::chrono::steady_clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0)
    return {true, fmt::format("gaierror: [Errno {}] {}", rc, ::gai_strerror(rc))};
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(found, ::freeaddrinfo);
  char numeric[NI_MAXHOST] = "";
  ::getnameinfo(found->ai_addr, found->ai_addrlen, numeric, sizeof numeric, nullptr, 0, NI_NUMERICHOST);
  std::string where = found->ai_family == AF_INET6 ? fmt::format("({}, {}, 0, 0)", str::string_repr(numeric), port)
                                                   : fmt::format("({}, {})", str::string_repr(numeric), port);
  std::string error = connect_before(found->ai_family, found->ai_addr, found->ai_addrlen, deadline);
  if (!error.empty()) return {true, error};
  return {false, "socket connection OK " + where};
}

Measure connect_unix(const std::string& name, bool abstract, std::chrono::steady_clock::time_point deadline) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = abstract ? std::string(1, '\0') + name : name;
  if (path.size() >= sizeof addr.sun_path) return {true, fmt::format("OSError: AF_UNIX path too long: {}", str::string_repr(path))};
  std::memcpy(addr.sun_path, path.data(), path.size());
  // Abstract names are exactly as long as given; paths end at their NUL.
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + (abstract ? 0 : 1));
  std::string error = connect_before(AF_UNIX, reinterpret_cast<const sockaddr*>(&addr), len, deadline);
  if (!error.empty()) return {true, error};
  return {false, "socket connection OK " + str::string_repr(path)};
}

}  // namespace

Measure sense_socket_listening(const CheckInput& in) {
  std::string host = in.get("host", in.get("hostname"));  // check_port_listening says hostname
  std::string port = in.get("port");
  std::string path = in.get("pathname");
  std::string abstract = in.get("abstract");
  if (!host.empty()) {
    if (!path.empty() || !abstract.empty() || port.empty()) return {true, std::string(address_usage)};
    return connect_tcp(host, port, in.deadline);
  }
  if (path.empty() == abstract.empty()) return {true, std::string(address_usage)};
  return connect_unix(path.empty() ? abstract : path, !abstract.empty(), in.deadline);
}

}  // namespace slap::promise
