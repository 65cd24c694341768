#include "promise/bang.hpp"

#include <fmt/format.h>

#include "promise/subprocess.hpp"
#include "promise/text.hpp"
#include "slap/strings.hpp"

namespace slap::promise {

namespace {

void run_bang_command(const RunOptions& o, Bang& b) {
  Command c;
  c.argv = {"/bin/sh", "-c", b.command, "slap-promise-bang", b.title, b.message};
  c.cwd = o.partition;
  c.environment = o.environment;
  c.environment.push_back("SLAP_PROMISE_NAME=" + b.title);
  c.environment.push_back("SLAP_PROMISE_MESSAGE=" + b.message);
  c.environment.push_back("SLAP_PARTITION=" + o.partition);
  c.deadline = std::chrono::steady_clock::now() + o.timeout;
  Completion done = run_command(c);
  b.command_status = done.end == Completion::End::exited ? done.status : -1;
  std::string output = std::string(str::strip(done.err));
  switch (done.end) {
    case Completion::End::exited:
      if (done.status != 0) b.command_error = fmt::format("exited with status {}", done.status);
      break;
    case Completion::End::timed_out: b.command_error = fmt::format("killed after {} seconds", o.timeout.count()); break;
    case Completion::End::signaled: b.command_error = fmt::format("killed by signal {}", done.status); break;
    case Completion::End::cancelled: b.command_error = "interrupted"; break;
    case Completion::End::not_started: b.command_error = done.error; break;
  }
  if (!b.command_error.empty() && !output.empty()) b.command_error += ": " + bound_message(output);
}

}  // namespace

Bang bang(const Context& ctx, const RunOptions& o, const Store& store, const Report& failed) {
  Bang b{failed.promise.title, failed.message, o.bang_command, 0, ""};
  std::string one_line = str::replace_all(failed.message, "\n", "\\n");
  auto logged = append_rotated(store.bang_log(),
                               fmt::format("{} BANG {}: {}", result_date(Clock::now()), b.title, one_line));
  if (!logged) ctx.warn(logged.error().describe());
  if (b.command.empty()) return b;
  run_bang_command(o, b);
  if (!b.command_error.empty()) ctx.warn(fmt::format("promise.bang-command {}", b.command_error));
  return b;
}

}  // namespace slap::promise
