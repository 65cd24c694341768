// check_partition_deployment_state (the node's last processing of the partition failed:
// its .slapgrid-ID-error.log is not empty) and monitor_bootstrap_status (the monitor's
// bootstrap ran and exited cleanly), as slapos.toolbox's plugins.
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <fmt/format.h>
#include <thread>

#include "promise/checks.hpp"
#include "promise/text.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::promise {

namespace {

std::string partition_id(const CheckInput& in) {
  return in.get("partition-id", path::basename(path::normpath(in.partition)));
}

// The last lines of a file, joined by newlines (slapos.toolbox's tail_file).
std::string tail_lines(const std::string& file, std::size_t count) {
  auto lines = str::split(fs::read_file(file).value_or(""), "\n");
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<long>(count));
  return str::join(lines, "\n");
}

bool non_empty(const std::string& file) {
  struct stat st {};
  return ::stat(file.c_str(), &st) == 0 && st.st_size > 0;
}

}  // namespace

Measure sense_partition_deployment_state(const CheckInput& in) {
  std::string id = partition_id(in);
  std::string log_name = fmt::format("slapgrid-{}-error.log", id);
  std::string error_log = path::join(in.partition, "." + log_name);
  std::string link = path::join(in.partition, "var/log/" + log_name);
  std::string monitor_url = in.get("monitor-url");
  struct stat st {};
  if (non_empty(error_log)) {
    std::string message = fmt::format("Buildout failed to process {}.", id);
    if (!monitor_url.empty()) message += fmt::format("\nSee {}/log/{} for more information.", monitor_url, log_name);
    if (::lstat(link.c_str(), &st) != 0) (void)::symlink(error_log.c_str(), link.c_str());
    return {true, message};
  }
  if (::lstat(link.c_str(), &st) == 0) ::unlink(link.c_str());
  return {false, "buildout is OK"};
}

Measure sense_bootstrap_status(const CheckInput& in) {
  std::string pid_file = in.get("process-pid-file");
  auto text = fs::read_file(pid_file);
  if (!text) return {true, "Bootstrap didn't run!"};
  long pid = 0;
  try {
    std::size_t used = 0;
    pid = std::stol(std::string(str::strip(*text)), &used);
    if (used != str::strip(*text).size()) throw std::invalid_argument("trailing characters");
  } catch (const std::exception& e) {
    return {true, fmt::format("{} is empty or doesn't contain a valid pid number: {}", str::string_repr(pid_file),
                              e.what())};
  }
  // A bootstrap of this partition still running: given up to 15 s to finish.
  auto cmdline = fs::read_file(fmt::format("/proc/{}/cmdline", pid));
  if (cmdline) {
    std::string command = str::replace_all(*cmdline, std::string(1, '\0'), " ");
    if (str::contains(command, "monitor.bootstrap") && str::contains(command, in.partition)) {
      auto until = std::min(std::chrono::steady_clock::now() + std::chrono::seconds(15), in.deadline);
      while (::kill(static_cast<pid_t>(pid), 0) == 0) {
        if (std::chrono::steady_clock::now() >= until || (in.cancel && in.cancel->requested()))
          return {true, "Monitor bootstrap is running for more than 15 seconds!"};
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
  std::string status_file = in.get("status-file");
  struct stat st {};
  if (::stat(status_file.c_str(), &st) == 0 && st.st_size == 0) return {false, "Bootstrap OK"};
  std::string message = "Monitor bootstrap exited with error.";
  std::string log = path::join(in.partition, fmt::format(".{}_{}.log", partition_id(in), in.get("process-name")));
  if (fs::exists(log)) message += "\n ---- Latest monitor-boostrap.log ----\n" + tail_lines(log, 4);
  return {true, message};
}

}  // namespace slap::promise
