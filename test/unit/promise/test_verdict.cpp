#include <doctest/doctest.h>

#include "promise/verdict.hpp"

using namespace slap;
using namespace slap::promise;

namespace {
// Senses from a pattern, oldest first: 'F' failed, 'o' passed.
std::vector<Sense> senses(const std::string& pattern) {
  std::vector<Sense> out;
  for (char c : pattern) out.push_back({"2024-01-01T00:00:00+0000", c == 'F', std::string(1, c), 0.01});
  return out;
}
}  // namespace

TEST_CASE("evaluate: GenericPromise's N failures among the last M senses") {
  CHECK(evaluate({}, {1, 1}).failed == false);
  CHECK(evaluate({}, {1, 1}).message == "No result found!");
  CHECK(evaluate(senses("F"), {1, 1}).failed);
  CHECK_FALSE(evaluate(senses("Fo"), {1, 1}).failed);
  CHECK_FALSE(evaluate(senses("F"), {3, 3}).failed);
  CHECK_FALSE(evaluate(senses("FF"), {3, 3}).failed);
  CHECK(evaluate(senses("FFF"), {3, 3}).failed);
  CHECK(evaluate(senses("oFFF"), {3, 3}).failed);
  CHECK_FALSE(evaluate(senses("FoFoF"), {3, 3}).failed);  // flapping is no anomaly
  CHECK(evaluate(senses("FoF"), {3, 2}).failed);
  CHECK_FALSE(evaluate(senses("FFFF"), {2, 3}).failed);  // more failures asked than looked at
  Verdict v = evaluate(senses("oF"), {3, 3});
  CHECK_FALSE(v.failed);
  CHECK(v.message == "F");  // the newest sense speaks, even when the verdict passes
}

TEST_CASE("apply_config: frequency, counts, test-less and anomaly-less promises") {
  Policy defaults{2, {3, 3}, {3, 3}};
  auto p = apply_config(defaults, {{"frequency", "0.5"}, {"result_count", "5"}, {"failure-amount", "2"}});
  REQUIRE(p);
  CHECK(p->periodicity_minutes == 0.5);
  CHECK(p->test.result_count == 5);
  CHECK(p->anomaly.failure_amount == 2);
  CHECK(p->tested);
  auto periodic = apply_config(defaults, {{"perdiodic-only", "True"}, {"report-anomaly", "no"}});
  REQUIRE(periodic);
  CHECK_FALSE(periodic->tested);
  CHECK_FALSE(periodic->anomaly_detected);
  auto bad = apply_config(defaults, {{"frequency", "often"}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "'frequency' must be a number of minutes > 0, not 'often'");
  auto zero = apply_config(defaults, {{"result-count", "0"}});
  REQUIRE_FALSE(zero);
  CHECK(zero.error().message == "'result-count' must be a whole number >= 1, not '0'");
}

TEST_CASE("sense_due: periodicity and promise file changes") {
  auto last = parse_result_date("2024-01-01T12:00:00+0000");
  REQUIRE(last);
  std::vector<Sense> history{{"2024-01-01T12:00:00+0000", false, "ok", 0}};
  using std::chrono::seconds;
  CHECK(sense_due({}, 2, *last, std::nullopt));
  CHECK_FALSE(sense_due(history, 2, *last + seconds(119), std::nullopt));
  CHECK(sense_due(history, 2, *last + seconds(120), std::nullopt));
  CHECK(sense_due(history, 2, *last + seconds(10), *last + seconds(5)));
  CHECK_FALSE(sense_due(history, 2, *last + seconds(10), *last - seconds(5)));
  CHECK(result_date(next_sense(history.back(), 0.5)) == "2024-01-01T12:00:30+0000");
}
