#include <doctest/doctest.h>

#include <unistd.h>

#include <fmt/format.h>

#include "promise/checks.hpp"
#include "slap/process.hpp"
#include "test_support.hpp"

using namespace slap;
using namespace slap::promise;

namespace {

Measure sense(std::string_view module, std::map<std::string, std::string> config, const std::string& partition) {
  Promise p;
  p.config = std::move(config);
  std::vector<std::string> environment;
  CheckInput in{p, partition, std::chrono::steady_clock::now() + std::chrono::seconds(20), std::chrono::seconds(20),
                environment, nullptr};
  return find_module(module)->sense(in);
}

// A self-signed certificate valid for `days`, and its key.
void make_certificate(const std::string& dir, const std::string& name, int days) {
  process::Environment env{{"PATH", "/usr/bin:/bin"}};
  auto r = process::run({.argv = {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=test",
                                  "-days", std::to_string(days), "-keyout", dir + "/" + name + ".key", "-out",
                                  dir + "/" + name + ".crt"},
                         .env = env});
  REQUIRE(r);
  REQUIRE(r->ok());
}

}  // namespace

TEST_CASE("check_partition_deployment_state: the node's error log of the partition") {
  std::string part = test::temp_dir("slappart7");
  test::write(part + "/var/log/.keep", "");
  auto ok = sense("check_partition_deployment_state", {}, part);
  CHECK_FALSE(ok.failed);
  CHECK(ok.message == "buildout is OK");
  test::write(part + "/.slapgrid-slappart7-error.log", "Connection parameter url not found");
  auto failed = sense("check_partition_deployment_state", {{"monitor-url", "https://m/x"}}, part);
  CHECK(failed.failed);
  CHECK(failed.message == "Buildout failed to process slappart7.\nSee https://m/x/log/slapgrid-slappart7-error.log "
                          "for more information.");
  char target[512] = {};
  REQUIRE(::readlink((part + "/var/log/slapgrid-slappart7-error.log").c_str(), target, sizeof target - 1) > 0);
  CHECK(std::string(target) == part + "/.slapgrid-slappart7-error.log");
  test::write(part + "/.slapgrid-slappart7-error.log", "");
  CHECK_FALSE(sense("check_partition_deployment_state", {}, part).failed);
  CHECK(::access((part + "/var/log/slapgrid-slappart7-error.log").c_str(), F_OK) != 0);
}

TEST_CASE("monitor_bootstrap_status: ran, exited, its status file empty") {
  std::string part = test::temp_dir("bootstrap");
  std::map<std::string, std::string> config{{"process-pid-file", part + "/bootstrap.pid"},
                                            {"status-file", part + "/bootstrap.status"},
                                            {"process-name", "monitor-bootstrap"},
                                            {"partition-id", "slappart3"}};
  CHECK(sense("monitor_bootstrap_status", config, part).message == "Bootstrap didn't run!");
  test::write(part + "/bootstrap.pid", "x");
  auto bad = sense("monitor_bootstrap_status", config, part);
  CHECK(bad.failed);
  CHECK(bad.message.starts_with(fmt::format("'{}/bootstrap.pid' is empty or doesn't contain a valid pid number", part)));
  test::write(part + "/bootstrap.pid", "999999999\n");
  test::write(part + "/.slappart3_monitor-bootstrap.log", "a\nb\nc\nd\ne\n");
  auto exited = sense("monitor_bootstrap_status", config, part);
  CHECK(exited.failed);
  CHECK(exited.message == "Monitor bootstrap exited with error.\n ---- Latest monitor-boostrap.log ----\nb\nc\nd\ne");
  test::write(part + "/bootstrap.status", "");
  auto ok = sense("monitor_bootstrap_status", config, part);
  CHECK_FALSE(ok.failed);
  CHECK(ok.message == "Bootstrap OK");
}

TEST_CASE("check_certificate: loads, not expiring within N days, matches its key") {
  std::string dir = test::temp_dir("certificates");
  make_certificate(dir, "long", 60);
  make_certificate(dir, "short", 5);
  auto ok = sense("check_certificate", {{"certificate", dir + "/long.crt"}, {"key", dir + "/long.key"}}, dir);
  CHECK_FALSE(ok.failed);
  CHECK(ok.message == fmt::format("OK Certificate '{0}/long.crt' and key '{0}/long.key' are ok", dir));
  auto no_key = sense("check_certificate", {{"certificate", dir + "/long.crt"}}, dir);
  CHECK(no_key.message == fmt::format("OK Certificate '{}/long.crt' is ok, no key provided", dir));
  auto soon = sense("check_certificate", {{"certificate", dir + "/short.crt"}}, dir);
  CHECK(soon.failed);
  CHECK(soon.message == fmt::format("ERROR Certificate '{}/short.crt' will expire in less than 15 days", dir));
  CHECK_FALSE(sense("check_certificate", {{"certificate", dir + "/short.crt"}, {"certificate-expiration-days", "3"}}, dir).failed);
  auto mismatch = sense("check_certificate", {{"certificate", dir + "/long.crt"}, {"key", dir + "/short.key"}}, dir);
  CHECK(mismatch.failed);
  CHECK(mismatch.message == fmt::format("ERROR Certificate '{0}/long.crt' does not match key '{0}/short.key'", dir));
  test::write(dir + "/bad.crt", "not a certificate");
  auto bad = sense("check_certificate", {{"certificate", dir + "/bad.crt"}}, dir);
  CHECK(bad.failed);
  CHECK(bad.message.starts_with(fmt::format("ERROR Problem loading certificate '{}/bad.crt', error: ", dir)));
  CHECK(sense("check_certificate", {{"certificate", dir + "/long.crt"}, {"certificate-expiration-days", "x"}}, dir)
            .message == "ERROR certificate-expiration-days is wrong: 'x'");
}
