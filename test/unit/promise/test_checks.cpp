#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fmt/format.h>

#include "promise/checks.hpp"
#include "slap/fd.hpp"
#include "test_support.hpp"

using namespace slap;
using namespace slap::promise;

namespace {

struct Probe {
  Promise promise;
  std::string partition = "/";
  std::vector<std::string> environment;

  Measure run(std::string_view module) {
    CheckInput in{promise, partition, std::chrono::steady_clock::now() + std::chrono::seconds(5),
                  std::chrono::seconds(20), environment, nullptr};
    return find_module(module)->sense(in);
  }
};

Probe with(std::map<std::string, std::string> config) {
  Probe p;
  p.promise.config = std::move(config);
  return p;
}

// A listening TCP socket on 127.0.0.1 and an ephemeral port.
UniqueFd tcp_listener(int& port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd.get(), 4) == 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

UniqueFd unix_listener(const std::string& name, bool abstract) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path + (abstract ? 1 : 0), name.data(), name.size());
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + 1);
  REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) == 0);
  REQUIRE(::listen(fd.get(), 4) == 0);
  return fd;
}

}  // namespace

TEST_CASE("check_socket_listening: TCP, unix path, abstract name, refused") {
  int port = 0;
  {
    UniqueFd listener = tcp_listener(port);
    Measure ok = with({{"host", "127.0.0.1"}, {"port", std::to_string(port)}}).run("check_socket_listening");
    CHECK_FALSE(ok.failed);
    CHECK(ok.message == fmt::format("socket connection OK ('127.0.0.1', {})", port));
    CHECK_FALSE(with({{"hostname", "127.0.0.1"}, {"port", std::to_string(port)}}).run("check_port_listening").failed);
  }
  Measure refused = with({{"host", "127.0.0.1"}, {"port", std::to_string(port)}}).run("check_socket_listening");
  CHECK(refused.failed);
  CHECK(refused.message == "ConnectionRefusedError: [Errno 111] Connection refused");

  std::string path = test::temp_dir("promise-unix") + "/s.sock";
  UniqueFd unix_socket = unix_listener(path, false);
  Measure by_path = with({{"pathname", path}}).run("check_socket_listening");
  CHECK_FALSE(by_path.failed);
  CHECK(by_path.message == "socket connection OK '" + path + "'");
  std::string name = fmt::format("slap-test-{}", ::getpid());
  UniqueFd abstract_socket = unix_listener(name, true);
  Measure abstract = with({{"abstract", name}}).run("check_socket_listening");
  CHECK_FALSE(abstract.failed);
  CHECK(abstract.message == "socket connection OK '\\x00" + name + "'");
  Measure missing = with({{"pathname", path + ".none"}}).run("check_socket_listening");
  CHECK(missing.message == "FileNotFoundError: [Errno 2] No such file or directory");
  Measure usage = with({{"host", "127.0.0.1"}, {"pathname", path}}).run("check_socket_listening");
  CHECK(usage.failed);
  CHECK(usage.message == "Address must be specified in 1 of the following 3 forms: (host, port), path or abstract");
}

TEST_CASE("check_file_state") {
  std::string dir = test::temp_dir("promise-file-state");
  test::write(dir + "/empty", "");
  test::write(dir + "/full", "x");
  auto state = [&](std::string file, std::string s) { return with({{"filename", dir + "/" + file}, {"state", s}}).run("check_file_state"); };
  CHECK_FALSE(state("empty", "empty").failed);
  CHECK(state("empty", "empty").message == "OK '" + dir + "/empty' state 'empty'");
  CHECK(state("full", "empty").message == "ERROR '" + dir + "/full' not empty");
  CHECK(state("empty", "not-empty").message == "ERROR '" + dir + "/empty' empty");
  CHECK(state("none", "empty").message == "ERROR '" + dir + "/none' not present");
  CHECK_FALSE(state("none", "absent").failed);
  CHECK(state("full", "absent").failed);
  CHECK(state("full", "big").message == "ERROR: 'state' must be empty, not-empty or absent, not 'big'");
}

TEST_CASE("check_free_disk_space, check_process_running, check_command_execute, unknown modules") {
  std::string dir = test::temp_dir("promise-misc");
  CHECK_FALSE(with({{"path", dir}, {"threshold", "1B"}}).run("check_free_disk_space").failed);
  Measure full = with({{"path", dir}, {"threshold", "1000000T"}}).run("check_free_disk_space");
  CHECK(full.failed);
  CHECK(full.message.starts_with("Free disk space low: remaining "));
  CHECK(with({{"threshold", "lots"}}).run("check_free_disk_space").message ==
        "ERROR: 'threshold' must be a size like 2 (GiB), 500M or 10G, not 'lots'");

  test::write(dir + "/self.pid", std::to_string(::getpid()) + "\n");
  Measure self = with({{"pidfile", dir + "/self.pid"}}).run("check_process_running");
  CHECK_FALSE(self.failed);
  CHECK(self.message == fmt::format("process {} from '{}/self.pid' is running", ::getpid(), dir));
  CHECK(with({{"pidfile", dir + "/none.pid"}}).run("check_process_running").message ==
        "ERROR pidfile '" + dir + "/none.pid' not present");
  CHECK_FALSE(with({{"process-name", "unit-tests"}}).run("check_process_running").failed);
  CHECK(with({{"process-name", "no-such-process-xyz"}}).run("check_process_running").message ==
        "ERROR no process named 'no-such-process-xyz' is running");

  Measure ok = with({{"command", "true"}}).run("check_command_execute");
  CHECK_FALSE(ok.failed);
  CHECK(ok.message == "OK 'true' run with success");
  Measure bad = with({{"command", "echo broken; exit 3"}}).run("check_command_execute");
  CHECK(bad.message == "ERROR 'echo broken; exit 3' run with failure, output: 'broken'");
  CHECK(find_module("check_surykatka_json") == nullptr);
}

TEST_CASE("check_url_available: connection refused") {
  int port = 0;
  { UniqueFd closed = tcp_listener(port); }
  std::string url = fmt::format("http://127.0.0.1:{}/", port);
  Measure m = with({{"url", url}}).run("check_url_available");
  CHECK(m.failed);
  CHECK(m.message == "ERROR connection not possible while accessing '" + url + "'");
  CHECK(with({}).run("check_url_available").message == "ERROR: 'url' is not set");
}
