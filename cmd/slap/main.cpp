// slap's entry point: runs the command line, prints the result or the error, and maps
// errors to exit codes (slap(1) EXIT STATUS). The only top-level catch lives here.
#include <csignal>
#include <cstdio>
#include <exception>
#include <malloc.h>
#include <utility>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "driver.hpp"
#include "slap/http.hpp"

namespace {

slap::CancelToken cancel_token;

void on_signal(int) {
  if (cancel_token.requested()) ::_exit(slap::exit_interrupted);  // second Ctrl-C: stop now
  cancel_token.request();
}

// Moves the result out of `inv` into the JSON document (it can be megabytes).
int report(slap::Result<slap::cli::Invocation>& inv, bool json, const std::string& command) {
  std::optional<slap::Error> error;
  if (!inv) error = inv.error();
  else if (inv->outcome.error) error = inv->outcome.error;
  int code = error ? slap::exit_code_for(error->kind) : (inv ? inv->outcome.exit_code : 1);
  if (json && (!inv || !inv->command.empty())) {
    nlohmann::json doc = {{"command", inv ? inv->command : command}, {"ok", code == 0},
                          {"result", inv ? std::move(inv->outcome.result) : nullptr},
                          {"warnings", inv ? inv->warnings : std::vector<std::string>{}},
                          {"error", error ? slap::cli::error_json(*error) : nullptr}};
    std::puts(doc.dump(1).c_str());
  }
  if (error) {
    std::fflush(stdout);
    std::fprintf(stderr, "slap: error: %s\n", error->describe().c_str());
    for (const auto& c : error->context) std::fprintf(stderr, "  while %s\n", c.c_str());
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // glibc gives the top of the heap back to the kernel once 128 KiB of it is free, and
  // serves blocks over 128 KiB with mmap. Evaluation makes and drops such blocks again and
  // again (a sort's keys, a list of 3,000 rows), and each time the kernel maps and zeroes
  // the pages anew: a template over a large context rendered 40% slower. slap keeps up to
  // 64 MiB of freed heap instead.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  bool json = false;
  std::string command;
  int code;
  try {
    auto inv = slap::cli::run_command_line(argc, argv, json, command, cancel_token);
    code = report(inv, json, command);
  } catch (const std::exception& e) {
    slap::Result<slap::cli::Invocation> failed =
        slap::fail(slap::ErrorKind::internal, std::string("internal error: ") + e.what());
    code = report(failed, json, command);
  }
  slap::http::global_cleanup();
  return code;
}
