// Connecting without blocking past a deadline (the socket promise).
#pragma once

#include <chrono>

namespace slap::net {

// Waits for a non-blocking connect() of `fd` that returned EINPROGRESS. Returns 0 once
// connected, the connect error (e.g. ECONNREFUSED), or -1 when `deadline` passes first.
int await_connect(int fd, std::chrono::steady_clock::time_point deadline);

}  // namespace slap::net
