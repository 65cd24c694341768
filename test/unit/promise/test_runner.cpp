#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "promise/store.hpp"
#include "slap/fs.hpp"
#include "slap/lock.hpp"
#include "slap/promise.hpp"
#include "test_support.hpp"

using namespace slap;
using namespace slap::promise;

namespace {

std::string partition_with_promises(const std::string& name) {
  std::string dir = test::temp_dir(name);
  std::filesystem::create_directories(dir + "/etc/plugin");
  std::filesystem::create_directories(dir + "/etc/promise");
  test::write(dir + "/etc/plugin/ready.json",
              R"({"module": "check_file_state", "config": {"filename": ")" + dir + R"(/ready", "state": "not-empty"}})");
  test::write(dir + "/etc/plugin/exotic.py",
              "extra_config_dict = {}\nfrom slapos.promise.plugin.check_surykatka_json import RunPromise\n");
  test::write(dir + "/etc/promise/say-ok", "#!/bin/sh\necho fine\n");
  std::filesystem::permissions(dir + "/etc/promise/say-ok", std::filesystem::perms::owner_all);
  return dir;
}

const Report& by_title(const RunReport& r, const std::string& title) {
  for (const auto& x : r.reports)
    if (x.promise.title == title) return x;
  FAIL("no report for " << title);
  return r.reports.front();
}

}  // namespace

TEST_CASE("run: verdicts, stored results, history, log and one bang") {
  std::string dir = partition_with_promises("promise-run");
  RunOptions o;
  o.partition = dir;
  o.jobs = 2;
  o.bang_command = "echo \"$1|$2|$SLAP_PROMISE_NAME\" > bang.txt";
  Context ctx;
  auto report = run(ctx, o);
  REQUIRE(report);
  REQUIRE(report->reports.size() == 3);
  CHECK(report->failed() == 2);
  const Report& exotic = by_title(*report, "exotic");
  CHECK(exotic.failed);
  CHECK(exotic.message == "unknown promise module check_surykatka_json (not implemented natively by slap)");
  CHECK(by_title(*report, "ready").message == "ERROR '" + dir + "/ready' not present");
  const Report& ok = by_title(*report, "say-ok");
  CHECK_FALSE(ok.failed);
  CHECK(ok.message == "fine");
  CHECK(ok.type == "Test Result");

  REQUIRE(report->bang);
  CHECK(report->bang->title == "exotic");
  CHECK(*fs::read_file(dir + "/bang.txt") ==
        "exotic|unknown promise module check_surykatka_json (not implemented natively by slap)|exotic\n");
  CHECK(fs::read_file(dir + "/.slapgrid/log/promise-bang.log")->find(" BANG exotic: unknown promise module") != std::string::npos);

  Store store{dir};
  auto status = nlohmann::json::parse(*fs::read_file(store.result_file("say-ok")));
  CHECK(status["name"] == "say-ok");
  CHECK(status["result"]["failed"] == false);
  CHECK(load_history(dir, "ready").size() == 1);
  CHECK(fs::read_file(store.log_file("ready"))->find(" - ERROR - ") != std::string::npos);

  // Within the periodicity the stored result stands; --force measures again.
  test::write(dir + "/ready", "yes");
  auto again = run(ctx, o);
  REQUIRE(again);
  CHECK(by_title(*again, "ready").disposition == Disposition::reused);
  CHECK(by_title(*again, "ready").failed);
  CHECK(by_title(*again, "exotic").disposition == Disposition::sensed);  // problems are always re-checked
  o.force = true;
  o.only = {"ready"};
  auto forced = run(ctx, o);
  REQUIRE(forced);
  REQUIRE(forced->reports.size() == 1);
  CHECK_FALSE(forced->reports[0].failed);
  CHECK_FALSE(forced->bang);
  CHECK(load_history(dir, "ready").size() == 2);
}

TEST_CASE("run: anomaly mode needs three failures in a row for socket checks") {
  std::string dir = test::temp_dir("promise-anomaly");
  std::filesystem::create_directories(dir + "/etc/plugin");
  test::write(dir + "/etc/plugin/sock.json",
              R"({"module": "check_socket_listening", "config": {"pathname": ")" + dir + R"(/none.sock"}})");
  RunOptions o;
  o.partition = dir;
  o.force = true;
  o.mode = Mode::anomaly;
  Context ctx;
  for (int i = 1; i <= 3; ++i) {
    auto r = run(ctx, o);
    REQUIRE(r);
    CHECK(r->reports[0].type == "Anomaly Result");
    CHECK(r->reports[0].sense_failed);
    CHECK(r->reports[0].failed == (i == 3));
  }
}

TEST_CASE("run: a held lock stops another run at once; stale results are removed") {
  std::string dir = partition_with_promises("promise-lock");
  Store store{dir};
  REQUIRE(store.make_dirs());
  test::write(store.result_file("gone"), "{}");
  RunOptions o;
  o.partition = dir;
  Context ctx;
  {
    auto held = FileLock::try_acquire(store.lock_file());
    REQUIRE(held);
    REQUIRE(*held);
    auto blocked = run(ctx, o);
    REQUIRE_FALSE(blocked);
    CHECK(blocked.error().kind == ErrorKind::io);
    CHECK(blocked.error().message == "another slap promise run holds the lock on " + dir);
  }
  REQUIRE(run(ctx, o));
  CHECK_FALSE(fs::exists(store.result_file("gone")));
  CHECK(fs::exists(store.result_file("say-ok")));
}
