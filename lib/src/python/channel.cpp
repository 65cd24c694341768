#include "python/channel.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "slap/fs.hpp"
#include "slap/paths.hpp"

namespace slap::python {

namespace {

// sys.argv[1] is the module directory, sys.argv[2] the socket's descriptor.
constexpr const char* boot =
    "import sys; sys.path.insert(0, sys.argv.pop(1)); from slap.bridge import main; main()";

}  // namespace

Result<Channel> Channel::open(const Settings& settings) {
  if (settings.module_dir.empty() || !fs::exists(path::join(settings.module_dir, "slap/bridge.py")))
    return fail(ErrorKind::io, fmt::format("slap's Python helper module is missing (no slap/bridge.py in '{}'): "
                                           "reinstall slap", settings.module_dir));
  if (!settings.log_file.empty()) SLAP_CHECK(fs::make_dirs(path::dirname(settings.log_file)));
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    return fail(ErrorKind::io, fmt::format("cannot create a socket pair: {}", std::strerror(errno)));
  UniqueFd ours(pair[0]), theirs(pair[1]);
  process::Spec spec{.argv = {settings.interpreter, "-u", "-B", "-c", boot, settings.module_dir, "3"},
                     .cwd = settings.cwd,
                     .env = settings.environment,
                     .log_file = settings.log_file};
  auto child = process::start(spec, {theirs.get()});
  if (!child)
    return fail(std::move(child.error()).add_context(fmt::format("starting the Python helper ({})", settings.interpreter)));
  return Channel(settings, std::move(*child), std::move(ours));
}

Status Channel::send(const nlohmann::json& message) {
  if (broken_) return fail(*broken_);
  std::string line = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::send(socket_.get(), line.data() + done, line.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto how = child_.poll();
      return fail(died(how.value_or(process::Outcome{}), "receiving a request"));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

Result<nlohmann::json> Channel::receive(const std::string& doing) {
  if (broken_) return fail(*broken_);
  while (true) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      auto message = nlohmann::json::parse(line, nullptr, false);
      if (message.is_discarded() || !message.is_object()) {
        broken_ = Error(ErrorKind::internal, fmt::format("the Python helper answered with something that is not "
                                                         "a JSON object while {}: '{}'", doing, line.substr(0, 200)));
        close();
        return fail(*broken_);
      }
      return message;
    }
    pollfd p{socket_.get(), POLLIN, 0};
    int ready = ::poll(&p, 1, 100);
    if (ready > 0) {
      char buf[65536];
      ssize_t n = ::recv(socket_.get(), buf, sizeof buf, 0);
      if (n > 0) {
        buffer_.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      // End of stream: the helper is gone (or going); give it a moment to be reaped.
      for (int i = 0; i < 100 && !child_.poll(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      auto how = child_.poll();
      if (!how) how = child_.stop();
      return fail(died(*how, doing));
    }
    if (settings_.ctx && settings_.ctx->cancelled()) {
      close();
      broken_ = Error(ErrorKind::interrupted, fmt::format("interrupted while {}", doing));
      return fail(*broken_);
    }
    // A guard process forked by another thread may hold a copy of the socket, delaying
    // the end of stream: the helper's exit is watched for as well.
    if (auto how = child_.poll()) return fail(died(*how, doing));
  }
}

void Channel::close() {
  child_.stop();
  socket_.reset();
}

Error Channel::died(const process::Outcome& how, const std::string& doing) {
  std::string tail = log_tail();
  broken_ = Error(ErrorKind::recipe, fmt::format("the Python helper ({}) {} while {}{}", settings_.interpreter,
                                                 how.describe(), doing,
                                                 tail.empty() ? "" : "\n--- end of " + settings_.log_file + " ---\n" + tail));
  socket_.reset();
  return *broken_;
}

std::string Channel::log_tail() const {
  if (settings_.log_file.empty()) return {};
  auto text = fs::read_file(settings_.log_file);
  if (!text || text->empty()) return {};
  constexpr std::size_t keep = 2000;
  return text->size() > keep ? "..." + text->substr(text->size() - keep) : *text;
}

}  // namespace slap::python
