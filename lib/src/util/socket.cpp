#include "slap/socket.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace slap::net {

int await_connect(int fd, std::chrono::steady_clock::time_point deadline) {
  pollfd p{fd, POLLOUT, 0};
  for (;;) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) left = std::chrono::milliseconds(0);
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready == 0) return -1;
    if (ready < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    int error = 0;
    socklen_t size = sizeof error;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) return errno;
    return error;
  }
}

}  // namespace slap::net
