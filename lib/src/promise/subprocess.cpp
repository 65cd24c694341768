#include "promise/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fmt/format.h>
#include <optional>

#include "util/unique_fd.hpp"

namespace slap::promise {

namespace {

using std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Pipe {
  UniqueFd read, write;
};

bool make_pipe(Pipe& p) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  p.read.reset(fds[0]);
  p.write.reset(fds[1]);
  return true;
}

UniqueFd open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
  (void)pid;
  return UniqueFd();  // old kernel headers: the wait loop polls instead
#endif
}

// Reads what is available; closes `fd` at end of file. Keeps the last capture_limit bytes.
void drain(UniqueFd& fd, std::string& into) {
  char buf[16384];
  ssize_t n = ::read(fd.get(), buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    fd.reset();
    return;
  }
  into.append(buf, static_cast<std::size_t>(n));
  if (into.size() > 2 * capture_limit) into.erase(0, into.size() - capture_limit);
}

// What the child reports through the exec pipe when it cannot start.
struct StartFailure {
  int stage;  // 0 chdir, 1 exec
  int err;
};

[[noreturn]] void child(const Command& c, char** argv, char** envp, int in, int out, int err, int report) {
  ::setpgid(0, 0);
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(err, 2);
  StartFailure failure{0, 0};
  if (c.cwd.empty() || ::chdir(c.cwd.c_str()) == 0) {
    failure.stage = 1;
    ::execve(argv[0], argv, envp);
  }
  failure.err = errno;
  (void)!::write(report, &failure, sizeof failure);
  ::_exit(127);
}

std::vector<char*> pointers(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

struct Waiter {
  pid_t pid = 0;
  UniqueFd pidfd;
  Pipe out, err;
  bool exited = false;
  int wait_status = 0;

  void reap_if_done() {
    if (!exited && ::waitpid(pid, &wait_status, WNOHANG) == pid) exited = true;
  }
  void kill_group() {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  // Waits for output, the exit, or `until` (at most 100 ms, so cancellation is seen).
  void wait(steady_clock::time_point until, Completion& result) {
    std::array<pollfd, 3> fds{};
    nfds_t n = 0;
    for (UniqueFd* fd : {&out.read, &err.read})
      if (fd->open()) fds[n++] = {fd->get(), POLLIN, 0};
    if (!exited && pidfd.open()) fds[n++] = {pidfd.get(), POLLIN, 0};
    auto slice = (exited || pidfd.open()) ? 100ms : 10ms;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(until - steady_clock::now());
    int timeout = static_cast<int>(std::clamp<std::chrono::milliseconds>(left, 0ms, slice).count());
    if (::poll(fds.data(), n, timeout) <= 0) return;
    for (nfds_t i = 0; i < n; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (fds[i].fd == out.read.get()) drain(out.read, result.out);
      else if (fds[i].fd == err.read.get()) drain(err.read, result.err);
    }
  }
};

Completion wait_for(Waiter& w, const Command& c) {
  Completion result;
  std::optional<steady_clock::time_point> drain_until;
  while (true) {
    w.reap_if_done();
    bool pipes_open = w.out.read.open() || w.err.read.open();
    if (w.exited && !pipes_open) break;
    auto now = steady_clock::now();
    if (!w.exited && (now >= c.deadline || (c.cancel && c.cancel->requested()))) {
      result.end = now >= c.deadline ? Completion::End::timed_out : Completion::End::cancelled;
      w.kill_group();
      ::waitpid(w.pid, &w.wait_status, 0);
      return result;
    }
    if (w.exited && !drain_until) drain_until = now + 100ms;
    if (drain_until && now >= *drain_until) {
      w.kill_group();  // leftovers of a finished promise holding its output
      break;
    }
    w.wait(drain_until ? *drain_until : c.deadline, result);
  }
  if (WIFSIGNALED(w.wait_status)) {
    result.end = Completion::End::signaled;
    result.status = WTERMSIG(w.wait_status);
  } else {
    result.end = Completion::End::exited;
    result.status = WEXITSTATUS(w.wait_status);
  }
  return result;
}

}  // namespace

Completion run_command(const Command& c) {
  Completion failed;
  Pipe report;
  Waiter w;
  UniqueFd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (c.argv.empty() || !make_pipe(w.out) || !make_pipe(w.err) || !make_pipe(report) || !devnull.open()) {
    failed.error = fmt::format("cannot start {}: {}", c.argv.empty() ? "" : c.argv[0], std::strerror(errno));
    return failed;
  }
  auto argv = pointers(c.argv);
  auto envp = pointers(c.environment);
  w.pid = ::fork();
  if (w.pid < 0) {
    failed.error = fmt::format("cannot start {}: fork: {}", c.argv[0], std::strerror(errno));
    return failed;
  }
  if (w.pid == 0)
    child(c, argv.data(), envp.data(), devnull.get(), w.out.write.get(), w.err.write.get(), report.write.get());
  ::setpgid(w.pid, w.pid);  // also done by the child: whichever runs first
  w.out.write.reset();
  w.err.write.reset();
  report.write.reset();
  StartFailure start{};
  ssize_t n;
  do n = ::read(report.read.get(), &start, sizeof start);
  while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof start)) {
    ::waitpid(w.pid, nullptr, 0);
    failed.error = start.stage == 0
                       ? fmt::format("cannot change to directory {}: {}", c.cwd, std::strerror(start.err))
                       : fmt::format("cannot execute {}: {}", c.argv[0], std::strerror(start.err));
    return failed;
  }
  w.pidfd = open_pidfd(w.pid);
  return wait_for(w, c);
}

}  // namespace slap::promise
