// The node's services run under supervisord (Debian's `supervisor` package); slap writes
// its configuration and drives it over its XML-RPC interface on a unix socket. One program
// group per partition, named after it:
//
//   CONFIG_DIR/supervisord.conf            the daemon: socket RUN_DIR/supervisord.sock,
//                                          pid file RUN_DIR/supervisord.pid, log in LOG_DIR
//   CONFIG_DIR/supervisord.conf.d/G.conf   group G: [group:G] and one [program:G_NAME] each
//
// A program's process name is NAME (etc/service/NAME or etc/run/NAME), so supervisord
// names it G:NAME. Services are restarted whenever they exit; run-once programs are not.
// A group's programs start when supervisord starts if the partition is started
// (autostart). Each program's environment carries the digest of its wrapper, so that a
// changed wrapper changes the group's configuration and supervisord restarts the group
// (as SlapOS's hash-files naming does upstream).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "slap/context.hpp"
#include "slap/error.hpp"
#include "slap/process.hpp"

namespace slap::supervisor {

struct Program {
  std::string name;        // process name: the wrapper's file name
  std::string command;     // absolute path of the wrapper
  bool run_once = false;   // etc/run: not restarted when it exits
  std::string digest;      // of the wrapper's content
};

struct Group {
  std::string name;        // the partition id
  std::string directory;   // the partition: working directory, HOME, service logs
  bool started = true;     // false: programs stopped, not started with supervisord
  std::vector<Program> programs;
};

struct ProcessInfo {
  std::string group;
  std::string name;
  std::string state;       // supervisord's: RUNNING, STARTING, BACKOFF, STOPPED, EXITED, FATAL...
  long pid = 0;            // 0 when not running
  int exit_status = 0;
  std::string description; // "pid 123, uptime 0:00:05", "Exited too quickly"...
  bool up() const { return state == "RUNNING" || state == "STARTING"; }
};

struct Settings {
  std::string config_dir;
  std::string run_dir;
  std::string log_dir;
  process::Environment environment;  // supervisord's, hence its programs'
  std::string supervisord = "supervisord";
};

class Supervisor {
 public:
  explicit Supervisor(Settings settings);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  const Settings& settings() const;
  std::string socket() const;
  std::string config_file() const;
  // True when supervisord answers on its socket.
  bool running();
  // Writes supervisord.conf and starts supervisord unless it answers already.
  Status ensure_running(const Context& ctx);
  // Writes the group's file, makes supervisord load what changed (supervisorctl update),
  // then starts what should run (started) or stops everything (stopped). Run-once
  // programs that exited successfully are left alone.
  Status apply(const Group& group);
  // Stops the group's processes (and their process groups) and forgets it.
  Status remove(const std::string& group);
  // The groups slap wrote a file for.
  std::vector<std::string> groups() const;
  Result<std::vector<ProcessInfo>> processes();
  // Stops every program, then supervisord; waits until it has exited.
  Status shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The text of a group's file (supervisor/config.cpp).
std::string group_config(const Group& group);
// The text of supervisord.conf.
std::string daemon_config(const Settings& settings);

}  // namespace slap::supervisor
