#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "promise/store.hpp"
#include "promise/text.hpp"
#include "slap/fs.hpp"
#include "slap/strings.hpp"
#include "test_support.hpp"

using namespace slap;
using namespace slap::promise;

TEST_CASE("history: appended, read back bounded, compacted, torn lines skipped") {
  Store store{test::temp_dir("promise-history")};
  REQUIRE(store.make_dirs());
  std::vector<Sense> history;
  for (int i = 0; i < 60; ++i) {
    history.push_back({"2024-01-01T00:00:00+0000", i % 2 == 0, std::to_string(i), 0.5});
    REQUIRE(store.record_sense("p", history));
  }
  auto loaded = load_history(store.partition, "p");
  REQUIRE(loaded.size() == history_limit);
  CHECK(loaded.front().message == "10");
  CHECK(loaded.back().message == "59");
  CHECK_FALSE(loaded.back().failed);
  CHECK(loaded.back().execution_time == 0.5);

  // Past history_compact_size the file is rewritten with the last history_limit senses.
  history.push_back({"2024-01-01T00:00:00+0000", true, std::string(history_compact_size, 'm'), 0});
  REQUIRE(store.record_sense("p", history));
  history.push_back({"2024-01-01T00:00:00+0000", false, "after", 0});
  REQUIRE(store.record_sense("p", history));
  CHECK(str::split(*fs::read_file(store.history_file("p")), "\n").size() == history_limit + 1);
  CHECK(load_history(store.partition, "p").back().message == "after");

  test::write(store.history_file("torn"), "{\"date\": \"d\", \"failed\": false, \"message\": \"ok\"}\n{\"date\": \"d\", \"fa");
  auto torn = load_history(store.partition, "torn");
  REQUIRE(torn.size() == 1);
  CHECK(torn[0].message == "ok");
  CHECK(load_history(store.partition, "missing").empty());
}

TEST_CASE("result files have slapgrid's shape") {
  Store store{test::temp_dir("promise-result")};
  REQUIRE(store.make_dirs());
  Report r;
  r.promise = {"web.py", "web", "/p/etc/plugin/web.py", Kind::plugin, "check_url_available", {}, {}};
  r.type = "Test Result";
  r.failed = true;
  r.date = "2024-01-01T00:00:00+0000";
  r.message = "bad \xFF byte";
  r.execution_time = 0.25;
  REQUIRE(store.write_result(r));
  auto doc = nlohmann::json::parse(*fs::read_file(store.result_file("web")));
  CHECK(doc == nlohmann::json::parse(R"({"title": "web", "name": "web.py", "path": "/p/etc/plugin/web.py",
      "execution-time": 0.25, "result": {"type": "Test Result", "failed": true,
      "date": "2024-01-01T00:00:00+0000", "message": "bad \ufffd byte"}})"));
  auto back = load_status(store.partition, r.promise);
  REQUIRE(back);
  CHECK(back->failed);
  CHECK(back->type == "Test Result");
}

TEST_CASE("logs rotate past log_rotate_size") {
  std::string dir = test::temp_dir("promise-log");
  std::string file = dir + "/p.log";
  test::write(file, std::string(log_rotate_size + 1, 'x'));
  REQUIRE(append_rotated(file, "2024-01-01 00:00:00 - INFO - 1-100 - fine"));
  CHECK(*fs::read_file(file) == "2024-01-01 00:00:00 - INFO - 1-100 - fine\n");
  CHECK(std::filesystem::file_size(file + ".1") == log_rotate_size + 1);
}

TEST_CASE("messages: bounded, valid UTF-8") {
  CHECK(bound_message("  ok \n") == "ok");
  std::string long_text(message_limit + 10, 'a');
  long_text += "END";
  std::string bounded = bound_message(long_text);
  CHECK(bounded.size() == message_limit + 3);
  CHECK(bounded.starts_with("..."));
  CHECK(bounded.ends_with("END"));
  CHECK(sanitize_utf8("a\xC3") == "a\xEF\xBF\xBD");
}
