#include "slap/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <thread>

#include "slap/fd.hpp"

namespace slap::process {

namespace {

using Clock = std::chrono::steady_clock;


std::string find_program(const std::string& name, const Environment& env) {
  if (name.find('/') != std::string::npos) return name;
  std::string path = lookup(env, "PATH");
  if (path.empty()) path = "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t colon = path.find(':', start);
    std::string dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return {};
}

void keep_tail(std::string& s, std::size_t limit) {
  if (s.size() > limit) s.erase(0, s.size() - limit);
}

// Reads what is left in a pipe once the child has exited (bounded wait).
void drain(UniqueFd& fd, std::string& target, std::size_t limit) {
  char buf[8192];
  while (fd.get() >= 0) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) break;
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n <= 0) break;
    target.append(buf, static_cast<std::size_t>(n));
    keep_tail(target, limit);
  }
  fd.reset();
}

// The guard's exit mirrors the command's: its exit status, or death by the same signal.
[[noreturn]] void exit_like(int status) {
  if (!WIFSIGNALED(status)) ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
  int sig = WTERMSIG(status);
  ::signal(sig, SIG_DFL);
  sigset_t one;
  ::sigemptyset(&one);
  ::sigaddset(&one, sig);
  ::sigprocmask(SIG_UNBLOCK, &one, nullptr);
  ::kill(::getpid(), sig);
  ::_exit(128 + sig);
}

// Child side of fork(): only async-signal-safe calls until exec.
//
// The child is a guard that stays between slap and the command, in the command's process
// group. If slap dies without stopping it (kill -9), the kernel sends the guard SIGUSR2
// (PR_SET_PDEATHSIG) and the guard kills the whole group: nothing the command started goes
// on writing behind the next run's back. Otherwise it waits for the command and exits as
// it did. Group signals from slap (timeout, Ctrl-C) reach the command directly.
[[noreturn]] void exec_child(const std::string& program, char* const* argv, char* const* envp,
                             const char* cwd, int out_fd, int err_fd, pid_t parent,
                             const std::vector<int>& inherit) {
  ::setpgid(0, 0);
  sigset_t guarded;
  ::sigemptyset(&guarded);
  for (int sig : {SIGCHLD, SIGUSR2, SIGINT, SIGTERM}) ::sigaddset(&guarded, sig);
  ::sigprocmask(SIG_BLOCK, &guarded, nullptr);
  ::prctl(PR_SET_PDEATHSIG, SIGUSR2);
  if (::getppid() != parent) ::_exit(127);
  int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, 0);
  ::dup2(out_fd, 1);
  ::dup2(err_fd, 2);
  // Inherited descriptors become 3, 4, ...: first moved out of the way (a source may be
  // one of the targets), then put in place (dup2 clears close-on-exec).
  int moved[8];
  std::size_t count = inherit.size() < 8 ? inherit.size() : 8;
  for (std::size_t i = 0; i < count; ++i) moved[i] = ::fcntl(inherit[i], F_DUPFD_CLOEXEC, 64);
  for (std::size_t i = 0; i < count; ++i) ::dup2(moved[i], static_cast<int>(3 + i));
  if (cwd && ::chdir(cwd) != 0) ::_exit(127);
  pid_t command = ::fork();
  if (command < 0) ::_exit(127);
  if (command == 0) {
    for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGCHLD, SIGUSR2}) ::signal(sig, SIG_DFL);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(program.c_str(), argv, envp);
    ::_exit(127);
  }
  sigset_t wake;
  ::sigemptyset(&wake);
  ::sigaddset(&wake, SIGCHLD);
  ::sigaddset(&wake, SIGUSR2);
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(command, &status, WNOHANG);
    if (done == command) exit_like(status);
    if (done < 0 && errno != EINTR) ::_exit(127);
    siginfo_t info;
    if (::sigwaitinfo(&wake, &info) == SIGUSR2) {
      ::kill(0, SIGKILL);  // slap is gone: the whole group, this guard included
      ::_exit(137);
    }
  }
}

}  // namespace

std::string Outcome::describe() const {
  switch (end) {
    case End::exited: return fmt::format("exited with status {}", status);
    case End::signaled: return fmt::format("killed by signal {}", status);
    case End::timed_out: return "timed out";
    case End::cancelled: return "interrupted";
  }
  return "?";
}

namespace {

// argv and environ of a Spec, ready for execve (everything allocated before fork()).
struct Prepared {
  std::string program;
  std::vector<std::string> env_strings;
  std::vector<char*> argv, envp;
};

Result<Prepared> prepare(const Spec& spec) {
  if (spec.argv.empty()) return fail(ErrorKind::internal, "process: empty command");
  Prepared p;
  p.program = find_program(spec.argv[0], spec.env);
  if (p.program.empty() || ::access(p.program.c_str(), X_OK) != 0)
    return fail(ErrorKind::io, fmt::format("cannot run '{}': not found or not executable", spec.argv[0]));
  for (const auto& [k, v] : spec.env) p.env_strings.push_back(k + "=" + v);
  for (const auto& a : spec.argv) p.argv.push_back(const_cast<char*>(a.c_str()));
  p.argv.push_back(nullptr);
  for (auto& e : p.env_strings) p.envp.push_back(e.data());
  p.envp.push_back(nullptr);
  return p;
}

Result<UniqueFd> open_log(const std::string& file) {
  UniqueFd log(::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (log.get() < 0) return fail(ErrorKind::io, fmt::format("cannot open log {}: {}", file, std::strerror(errno)));
  return log;
}

Outcome ended(int status) {
  Outcome o;
  if (WIFEXITED(status)) {
    o.status = WEXITSTATUS(status);
  } else {
    o.end = Outcome::End::signaled;
    o.status = WTERMSIG(status);
  }
  return o;
}

}  // namespace

Result<Outcome> run(const Spec& spec) {
  Prepared prepared = SLAP_TRY(prepare(spec));
  const std::string& program = prepared.program;
  auto& argv = prepared.argv;
  auto& envp = prepared.envp;

  UniqueFd log, out_r, out_w, err_r, err_w;
  if (!spec.log_file.empty()) {
    log = SLAP_TRY(open_log(spec.log_file));
  } else {
    int p1[2], p2[2];
    if (::pipe2(p1, O_CLOEXEC) != 0 || ::pipe2(p2, O_CLOEXEC) != 0)
      return fail(ErrorKind::io, fmt::format("cannot create pipes: {}", std::strerror(errno)));
    out_r.reset(p1[0]); out_w.reset(p1[1]); err_r.reset(p2[0]); err_w.reset(p2[1]);
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return fail(ErrorKind::io, fmt::format("cannot fork: {}", std::strerror(errno)));
  if (pid == 0)
    exec_child(program, argv.data(), envp.data(), spec.cwd.empty() ? nullptr : spec.cwd.c_str(),
               log.get() >= 0 ? log.get() : out_w.get(), log.get() >= 0 ? log.get() : err_w.get(), parent, {});
  ::setpgid(pid, pid);  // also in the parent, so kill(-pid) works at once
  out_w.reset();
  err_w.reset();

  Outcome outcome;
  bool stopping = false;
  Clock::time_point kill_at{};
  int status = 0;
  // Readable when the guard exits: the wait ends at once instead of at the next tick.
  UniqueFd exited(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  while (true) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (out_r.get() >= 0 || err_r.get() >= 0) {
      pollfd fds[3] = {{out_r.get(), POLLIN, 0}, {err_r.get(), POLLIN, 0}, {exited.get(), POLLIN, 0}};
      ::poll(fds, 3, 50);
      char buf[8192];
      int i = 0;
      for (auto [fd, target] : {std::pair{&out_r, &outcome.out}, std::pair{&err_r, &outcome.err}}) {
        // Only a stream poll() reported: a read on a silent pipe would block past the deadline.
        short revents = fds[i++].revents;
        if (fd->get() < 0 || !(revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = ::read(fd->get(), buf, sizeof buf);
        if (n > 0) {
          target->append(buf, static_cast<std::size_t>(n));
          keep_tail(*target, spec.capture_limit);
        } else if (n == 0) {
          fd->reset();
        }
      }
    } else if (exited.get() >= 0) {
      pollfd p{exited.get(), POLLIN, 0};
      ::poll(&p, 1, 50);  // the timeout only paces the cancellation and deadline checks
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // kernels before 5.3
    }
    auto now = Clock::now();
    if (!stopping) {
      if (spec.cancel && spec.cancel->requested()) outcome.end = Outcome::End::cancelled;
      else if (spec.deadline && now >= *spec.deadline) outcome.end = Outcome::End::timed_out;
      if (outcome.end != Outcome::End::exited) {
        stopping = true;
        ::kill(-pid, outcome.end == Outcome::End::timed_out ? SIGKILL : SIGTERM);
        kill_at = now + std::chrono::seconds(3);
      }
    } else if (now >= kill_at) {
      ::kill(-pid, SIGKILL);
      kill_at = now + std::chrono::seconds(3600);
    }
  }
  ::kill(-pid, SIGKILL);  // whatever it left behind in its group
  drain(out_r, outcome.out, spec.capture_limit);
  drain(err_r, outcome.err, spec.capture_limit);
  if (outcome.end == Outcome::End::exited) {
    Outcome how = ended(status);
    outcome.end = how.end;
    outcome.status = how.status;
  }
  return outcome;
}

Result<Child> start(const Spec& spec, const std::vector<int>& inherit) {
  if (inherit.size() > 8) return fail(ErrorKind::internal, "process::start: at most 8 inherited descriptors");
  Prepared prepared = SLAP_TRY(prepare(spec));
  UniqueFd log = SLAP_TRY(open_log(spec.log_file.empty() ? "/dev/null" : spec.log_file));
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return fail(ErrorKind::io, fmt::format("cannot fork: {}", std::strerror(errno)));
  if (pid == 0)
    exec_child(prepared.program, prepared.argv.data(), prepared.envp.data(),
               spec.cwd.empty() ? nullptr : spec.cwd.c_str(), log.get(), log.get(), parent, inherit);
  ::setpgid(pid, pid);
  Child child;
  child.pid_ = pid;
  return child;
}

Child& Child::operator=(Child&& o) noexcept {
  if (this != &o) {
    stop();
    pid_ = o.pid_;
    ended_ = std::move(o.ended_);
    o.pid_ = -1;
  }
  return *this;
}

std::optional<Outcome> Child::poll() {
  if (ended_ || pid_ < 0) return ended_;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    ::kill(-pid_, SIGKILL);  // whatever it left behind in its group
    ended_ = ended(status);
  }
  return ended_;
}

Outcome Child::stop(std::chrono::milliseconds grace) {
  if (pid_ < 0) return ended_.value_or(Outcome{});
  if (!poll()) {
    ::kill(-pid_, SIGTERM);
    auto kill_at = Clock::now() + grace;
    while (!poll() && Clock::now() < kill_at) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!ended_) {
      ::kill(-pid_, SIGKILL);
      int status = 0;
      if (::waitpid(pid_, &status, 0) == pid_) ended_ = ended(status);
    }
  }
  pid_ = -1;
  return ended_.value_or(Outcome{});
}

namespace {
void add_assignment(Environment& env, std::string_view kv) {
  auto eq = kv.find('=');
  if (eq != std::string_view::npos) set(env, std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
}
}  // namespace

Environment parse_environment(const std::vector<std::string>& assignments) {
  Environment env;
  for (const auto& kv : assignments) add_assignment(env, kv);
  return env;
}

std::string lookup(const Environment& env, std::string_view key) {
  for (const auto& [k, v] : env)
    if (k == key) return v;
  return {};
}

void set(Environment& env, const std::string& key, std::string value) {
  for (auto& [k, v] : env)
    if (k == key) {
      v = std::move(value);
      return;
    }
  env.emplace_back(key, std::move(value));
}

std::string shell_quote(std::string_view word) {
  if (!word.empty() && word.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_") == std::string_view::npos)
    return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') out += "'\"'\"'";
    else out += c;
  }
  return out + "'";
}

}  // namespace slap::process
