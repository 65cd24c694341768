#include "promise/bang.hpp"

#include <fmt/format.h>

#include "promise/text.hpp"
#include "slap/process.hpp"
#include "slap/strings.hpp"

namespace slap::promise {

namespace {

void run_bang_command(const RunOptions& o, Bang& b) {
  process::Spec spec{.argv = {"/bin/sh", "-c", b.command, "slap-promise-bang", b.title, b.message},
                     .cwd = o.partition,
                     .env = process::parse_environment(o.environment),
                     .deadline = std::chrono::steady_clock::now() + o.timeout};
  process::set(spec.env, "SLAP_PROMISE_NAME", b.title);
  process::set(spec.env, "SLAP_PROMISE_MESSAGE", b.message);
  process::set(spec.env, "SLAP_PARTITION", o.partition);
  auto done = process::run(spec);
  if (!done) {
    b.command_status = -1;
    b.command_error = done.error().message;
    return;
  }
  b.command_status = done->end == process::Outcome::End::exited ? done->status : -1;
  std::string output = std::string(str::strip(done->err));
  switch (done->end) {
    case process::Outcome::End::exited:
      if (done->status != 0) b.command_error = fmt::format("exited with status {}", done->status);
      break;
    case process::Outcome::End::timed_out: b.command_error = fmt::format("killed after {} seconds", o.timeout.count()); break;
    case process::Outcome::End::signaled: b.command_error = fmt::format("killed by signal {}", done->status); break;
    case process::Outcome::End::cancelled: b.command_error = "interrupted"; break;
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
