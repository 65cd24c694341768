// Driving supervisord: its configuration, starting it, and XML-RPC calls over its unix
// socket (through libcurl, which speaks HTTP over a unix socket).
#include "slap/supervisor.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sys/un.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "slap/fs.hpp"
#include "slap/http.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"
#include "supervisor/xmlrpc.hpp"

namespace slap::supervisor {

namespace {

using Value = xmlrpc::Value;
using Clock = std::chrono::steady_clock;

// supervisord's fault codes (supervisor/xmlrpc.py) that mean "already so".
constexpr int fault_bad_name = 10;
constexpr int fault_already_started = 60;
constexpr int fault_not_running = 70;
constexpr int fault_already_added = 90;

std::string include_dir(const Settings& s) { return path::join(s.config_dir, "supervisord.conf.d"); }

}  // namespace

struct Supervisor::Impl {
  Settings settings;
  http::Client client;

  std::string socket() const { return path::join(settings.run_dir, "supervisord.sock"); }

  struct Fault {
    int code;
    std::string message;
  };

  // The value, a Fault (as an error whose subject is the code), or a transport error.
  Result<Value> call(std::string_view method, const std::vector<Value>& params, long timeout_seconds = 120) {
    http::Request rq;
    rq.method = "POST";
    rq.url = "http://localhost/RPC2";
    rq.unix_socket = socket();
    rq.headers = {{"Content-Type", "text/xml"}};
    rq.body = xmlrpc::call(method, params);
    rq.connect_timeout_seconds = 5;
    rq.low_speed_seconds = timeout_seconds;
    auto response = client.perform(rq);
    if (!response)
      return fail(std::move(response.error()).add_context(fmt::format("calling supervisord ({}) on {}", method, socket())));
    if (response->status != 200)
      return fail(ErrorKind::io, fmt::format("supervisord on {} answered {} to {}", socket(), response->status, method));
    auto parsed = SLAP_TRY(xmlrpc::parse_response(response->body));
    if (parsed.fault) {
      int code = parsed.value.value("faultCode", 0);
      Error e(ErrorKind::io, fmt::format("supervisord: {} failed: {}", method, parsed.value.value("faultString", "")));
      e.subject = std::to_string(code);
      return fail(std::move(e));
    }
    return std::move(parsed.value);
  }

  // A call whose listed faults mean "nothing to do".
  Status call_tolerating(std::string_view method, const std::vector<Value>& params, std::initializer_list<int> ok) {
    auto r = call(method, params);
    if (r) return {};
    for (int code : ok)
      if (r.error().subject == std::to_string(code)) return {};
    return fail(std::move(r.error()));
  }

  // supervisorctl update: load what changed in the files.
  Status update() {
    Value changes = SLAP_TRY(call("supervisor.reloadConfig", {}));
    if (!changes.is_array() || changes.empty() || !changes[0].is_array() || changes[0].size() != 3)
      return fail(ErrorKind::io, fmt::format("supervisord: unexpected reloadConfig answer {}", changes.dump()));
    const Value& added = changes[0][0];
    const Value& changed = changes[0][1];
    const Value& removed = changes[0][2];
    for (const auto& g : removed) SLAP_CHECK(drop(g.get<std::string>()));
    for (const auto& g : changed) {
      SLAP_CHECK(drop(g.get<std::string>()));
      SLAP_CHECK(call_tolerating("supervisor.addProcessGroup", {g}, {fault_already_added}));
    }
    for (const auto& g : added) SLAP_CHECK(call_tolerating("supervisor.addProcessGroup", {g}, {fault_already_added}));
    return {};
  }

  Status drop(const std::string& group) {
    SLAP_CHECK(call_tolerating("supervisor.stopProcessGroup", {group, true}, {fault_bad_name}));
    return call_tolerating("supervisor.removeProcessGroup", {group}, {fault_bad_name});
  }

  Result<std::vector<ProcessInfo>> processes() {
    Value all = SLAP_TRY(call("supervisor.getAllProcessInfo", {}));
    std::vector<ProcessInfo> out;
    for (const auto& p : all) {
      ProcessInfo info;
      info.group = p.value("group", "");
      info.name = p.value("name", "");
      info.state = p.value("statename", "");
      info.pid = p.value("pid", 0L);
      info.exit_status = p.value("exitstatus", 0);
      info.description = p.value("description", "");
      out.push_back(std::move(info));
    }
    return out;
  }

  // A zombie counts as gone: who reaps a daemon's exit status depends on the machine.
  static bool alive(long pid) {
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) != 0) return false;
    auto stat = fs::read_file(fmt::format("/proc/{}/stat", pid));
    if (!stat) return true;
    auto close = stat->rfind(')');
    return close == std::string::npos || close + 2 >= stat->size() || (*stat)[close + 2] != 'Z';
  }

  long daemon_pid() const {
    auto text = fs::read_file(path::join(settings.run_dir, "supervisord.pid"));
    if (!text) return 0;
    try {
      return std::stol(std::string(str::strip(*text)));
    } catch (const std::exception&) {
      return 0;
    }
  }
};

Supervisor::Supervisor(Settings settings) : impl_(std::make_unique<Impl>()) { impl_->settings = std::move(settings); }
Supervisor::~Supervisor() = default;

const Settings& Supervisor::settings() const { return impl_->settings; }
std::string Supervisor::socket() const { return impl_->socket(); }
std::string Supervisor::config_file() const { return path::join(impl_->settings.config_dir, "supervisord.conf"); }

bool Supervisor::running() {
  if (!fs::exists(socket())) return false;
  return impl_->call("supervisor.getState", {}, 10).has_value();
}

Status Supervisor::ensure_running(const Context& ctx) {
  const Settings& s = impl_->settings;
  if (socket().size() >= sizeof(sockaddr_un::sun_path))
    return fail(ErrorKind::input, fmt::format("supervisord's socket path {} is longer than a unix socket allows ({} bytes): "
                                              "use a shorter node root", socket(), sizeof(sockaddr_un::sun_path) - 1));
  for (const auto& dir : {s.config_dir, include_dir(s), s.run_dir, s.log_dir}) SLAP_CHECK(fs::make_dirs(dir, 0755));
  std::string text = daemon_config(s);
  auto current = fs::read_file(config_file());
  if (!current || *current != text) SLAP_CHECK(fs::write_atomic(config_file(), text, 0644));
  if (running()) return {};
  ctx.info(fmt::format("starting supervisord ({})", config_file()));
  // setsid first: supervisord then forks into that new session, out of the process group
  // slap's runner kills once the command has exited.
  process::Spec spec{.argv = {"setsid", s.supervisord, "-c", config_file()},
                     .cwd = s.run_dir,
                     .env = s.environment,
                     .log_file = path::join(s.log_dir, "supervisord.out")};
  auto started = process::run(spec);
  if (!started)
    return fail(std::move(started.error()).add_context("starting supervisord (Debian package supervisor)"));
  // A failed start may be a lost race: a supervisord started by an earlier run (killed
  // while it waited) binds the socket but was not answering yet. Wait for it as well.
  auto deadline = Clock::now() + std::chrono::seconds(started->ok() ? 20 : 5);
  while (Clock::now() < deadline) {
    if (running()) return {};
    if (ctx.cancelled()) return fail(ErrorKind::interrupted, "interrupted while waiting for supervisord");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!started->ok())
    return fail(ErrorKind::io, fmt::format("supervisord -c {} {} (see {} and {})", config_file(), started->describe(),
                                           spec.log_file, path::join(s.log_dir, "supervisord.log")));
  return fail(ErrorKind::io, fmt::format("supervisord did not answer on {} within 20 s (see {})", socket(),
                                         path::join(s.log_dir, "supervisord.log")));
}

Status Supervisor::apply(const Group& group) {
  std::string file = path::join(include_dir(impl_->settings), group.name + ".conf");
  std::string text = group_config(group);
  auto current = fs::read_file(file);
  if (!current || *current != text) SLAP_CHECK(fs::write_atomic(file, text, 0644));
  SLAP_CHECK(impl_->update());
  if (group.programs.empty()) return {};
  if (!group.started)
    return impl_->call_tolerating("supervisor.stopProcessGroup", {group.name, true}, {fault_bad_name});
  auto all = SLAP_TRY(impl_->processes());
  for (const auto& program : group.programs) {
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const ProcessInfo& p) { return p.group == group.name && p.name == program.name; });
    if (it == all.end() || it->up() || it->state == "BACKOFF") continue;
    if (program.run_once && it->state == "EXITED" && it->exit_status == 0) continue;
    SLAP_CHECK(impl_->call_tolerating("supervisor.startProcess", {group.name + ":" + program.name, false},
                                      {fault_already_started}));
  }
  return {};
}

Status Supervisor::remove(const std::string& group) {
  std::string file = path::join(include_dir(impl_->settings), group + ".conf");
  if (running()) SLAP_CHECK(impl_->drop(group));
  return fs::remove_all(file);
}

std::vector<std::string> Supervisor::groups() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(include_dir(impl_->settings), ec))
    if (e.path().extension() == ".conf") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<ProcessInfo>> Supervisor::processes() { return impl_->processes(); }

Status Supervisor::shutdown() {
  long pid = impl_->daemon_pid();
  if (!running()) return {};
  SLAP_CHECK(impl_->call_tolerating("supervisor.shutdown", {}, {}));
  // supervisord stops its programs before it exits.
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (Impl::alive(pid) && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (Impl::alive(pid))
    return fail(ErrorKind::io, fmt::format("supervisord (pid {}) did not exit within 60 s", pid));
  return {};
}

}  // namespace slap::supervisor
