// Checks that run or look for processes: legacy executables (etc/promise/*),
// check_command_execute (a shell command exits 0) and check_process_running (a process,
// by name or pidfile, is alive).
#include <csignal>
#include <cerrno>
#include <filesystem>
#include <fmt/format.h>

#include "promise/checks.hpp"
#include "promise/text.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/process.hpp"
#include "slap/strings.hpp"

namespace slap::promise {

namespace {

Result<process::Outcome> run_in_partition(const CheckInput& in, std::vector<std::string> argv) {
  return process::run({.argv = std::move(argv),
                       .cwd = in.partition,
                       .env = process::parse_environment(in.environment),
                       .deadline = in.deadline,
                       .cancel = in.cancel});
}

// Why a process did not succeed, when that is not its exit status.
std::optional<std::string> abnormal_end(const Result<process::Outcome>& c, const CheckInput& in) {
  if (!c) return c.error().message;
  switch (c->end) {
    case process::Outcome::End::timed_out: return timeout_message(in.promise_timeout);
    case process::Outcome::End::cancelled: return std::string("Error: interrupted");
    case process::Outcome::End::signaled: return fmt::format("killed by signal {} ({})", c->status, ::strsignal(c->status));
    case process::Outcome::End::exited: return std::nullopt;
  }
  return std::nullopt;
}

// A process is alive when it exists and is not a zombie.
bool alive(long pid) {
  if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)) return false;
  auto stat = fs::read_file(fmt::format("/proc/{}/stat", pid));
  if (!stat) return true;  // no /proc: kill() said it exists
  auto close = stat->rfind(')');
  return close == std::string::npos || stat->substr(close + 1, 3).find('Z') == std::string::npos;
}

// First live process whose command name (15 characters at most) or argv[0] basename is `name`.
long find_process(const std::string& name) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    std::string dir = it->path().filename().string();
    if (dir.find_first_not_of("0123456789") != std::string::npos) continue;
    auto comm = fs::read_file(it->path().string() + "/comm");
    auto cmdline = fs::read_file(it->path().string() + "/cmdline");
    std::string argv0 = cmdline ? std::string(cmdline->c_str()) : "";
    bool match = (comm && str::strip(*comm) == name) || (!argv0.empty() && path::basename(argv0) == name);
    if (match && alive(std::stol(dir))) return std::stol(dir);
  }
  return 0;
}

Measure pidfile_running(const std::string& pidfile) {
  auto text = fs::read_file(pidfile);
  if (!text) return {true, fmt::format("ERROR pidfile {} not present", str::string_repr(pidfile))};
  long pid = 0;
  try {
    pid = std::stol(std::string(str::strip(*text)));
  } catch (...) {
  }
  if (pid <= 0) return {true, fmt::format("ERROR pidfile {} does not hold a process id", str::string_repr(pidfile))};
  if (!alive(pid)) return {true, fmt::format("ERROR process {} from {} is not running", pid, str::string_repr(pidfile))};
  return {false, fmt::format("process {} from {} is running", pid, str::string_repr(pidfile))};
}

}  // namespace

Measure sense_legacy(const CheckInput& in) {
  auto c = run_in_partition(in, {in.promise.path});
  std::string output = !c ? "" : std::string(str::strip(c->err).empty() ? str::strip(c->out) : str::strip(c->err));
  if (auto why = abnormal_end(c, in)) return {true, output.empty() ? *why : *why + "\n" + output};
  if (c->status != 0) return {true, output.empty() ? fmt::format("exited with status {}", c->status) : output};
  return {false, output};
}

Measure sense_command_execute(const CheckInput& in) {
  std::string command = in.get("command");
  if (command.empty()) return {true, "ERROR: 'command' is not set"};
  auto c = run_in_partition(in, {"/bin/sh", "-c", command});
  if (auto why = abnormal_end(c, in)) return {true, *why};
  if (c->status != 0)
    return {true, fmt::format("ERROR {} run with failure, output: {}", str::string_repr(command), str::string_repr(bound_message(c->out + c->err)))};
  return {false, fmt::format("OK {} run with success", str::string_repr(command))};
}

Measure sense_process_running(const CheckInput& in) {
  std::string pidfile = in.get("pidfile");
  std::string name = in.get("process-name");
  if (pidfile.empty() == name.empty()) return {true, "ERROR: set either 'pidfile' or 'process-name'"};
  if (!pidfile.empty()) return pidfile_running(pidfile);
  long pid = find_process(name);
  if (pid == 0) return {true, fmt::format("ERROR no process named {} is running", str::string_repr(name))};
  return {false, fmt::format("process {} is running (pid {})", str::string_repr(name), pid)};
}

}  // namespace slap::promise
