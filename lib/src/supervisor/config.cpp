// supervisord's configuration files, as slap writes them.
#include <fmt/format.h>

#include "slap/paths.hpp"
#include "slap/strings.hpp"
#include "slap/supervisor.hpp"

namespace slap::supervisor {

namespace {

// supervisord reads its files with Python's ConfigParser interpolation: `%` must be `%%`.
std::string value(std::string_view v) { return str::replace_all(v, "%", "%%"); }

// `command` is split like a shell line.
std::string command_word(std::string_view path) { return value(process::shell_quote(path)); }

std::string quoted_value(std::string_view v) {
  return "\"" + value(str::replace_all(str::replace_all(v, "\\", "\\\\"), "\"", "\\\"")) + "\"";
}

}  // namespace

std::string group_config(const Group& g) {
  std::vector<std::string> ids;
  for (const auto& p : g.programs) ids.push_back(g.name + "_" + p.name);
  std::string out = fmt::format("# Written by slap node for partition {}: rewritten at each processing.\n", g.name);
  if (g.programs.empty()) return out;
  out += fmt::format("[group:{}]\nprograms = {}\n", g.name, str::join(ids, ","));
  for (const auto& p : g.programs) {
    std::string log = path::join(g.directory, fmt::format(".{}_{}.log", g.name, p.name));
    out += fmt::format(
        "\n[program:{}_{}]\n"
        "process_name = {}\n"
        "command = {}\n"
        "directory = {}\n"
        "autostart = {}\n"
        "autorestart = {}\n"
        "startsecs = {}\n"
        "startretries = 3\n"
        "exitcodes = 0\n"
        "stopsignal = TERM\n"
        "stopwaitsecs = 10\n"
        "stopasgroup = true\n"
        "killasgroup = true\n"
        "redirect_stderr = true\n"
        "stdout_logfile = {}\n"
        "stdout_logfile_maxbytes = 5MB\n"
        "stdout_logfile_backups = 2\n"
        "environment = HOME={},SLAP_SERVICE_DIGEST={}\n",
        g.name, p.name, value(p.name), command_word(p.command), value(g.directory), g.started ? "true" : "false",
        p.run_once ? "false" : "true", p.run_once ? 0 : 1, value(log), quoted_value(g.directory), quoted_value(p.digest));
  }
  return out;
}

std::string daemon_config(const Settings& s) {
  std::string socket = path::join(s.run_dir, "supervisord.sock");
  return fmt::format(
      "# Written by slap node.\n"
      "[unix_http_server]\n"
      "file = {0}\n"
      "chmod = 0700\n"
      "\n"
      "[supervisord]\n"
      "logfile = {1}\n"
      "logfile_maxbytes = 5MB\n"
      "logfile_backups = 2\n"
      "pidfile = {2}\n"
      "childlogdir = {3}\n"
      "directory = {4}\n"
      "\n"
      "[rpcinterface:supervisor]\n"
      "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n"
      "\n"
      "[supervisorctl]\n"
      "serverurl = unix://{0}\n"
      "\n"
      "[include]\n"
      "files = {5}\n",
      value(socket), value(path::join(s.log_dir, "supervisord.log")), value(path::join(s.run_dir, "supervisord.pid")),
      value(s.log_dir), value(s.run_dir), value(path::join(s.config_dir, "supervisord.conf.d/*.conf")));
}

}  // namespace slap::supervisor
