// From measurements to a verdict, as SlapOS' GenericPromise decides it: test and anomaly
// look at the last `result_count` senses, periodicity decides when to measure again.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "promise/text.hpp"
#include "slap/error.hpp"
#include "slap/promise.hpp"

namespace slap::promise {

struct Threshold {
  int result_count = 1;    // senses looked at, newest first
  int failure_amount = 1;  // failures among them (the newest included) that make a failure
};

// A module's defaults; a promise's config may override them.
struct Policy {
  double periodicity_minutes = 2;  // config "frequency"
  Threshold test;                  // config "result-count" / "failure-amount" set both
  Threshold anomaly;
  bool tested = true;              // config "periodic-only" = true clears it
  bool anomaly_detected = true;    // config "report-anomaly" = false clears it
};

Result<Policy> apply_config(Policy defaults, const std::map<std::string, std::string>& config);

struct Verdict {
  bool failed = false;
  std::string message;
};

// GenericPromise._test/_anomaly over `history` (oldest first): passes when the newest sense
// passed; fails when the newest failed and `failure_amount` of the last `result_count` did.
// The message is the newest sense's.
Verdict evaluate(const std::vector<Sense>& history, Threshold threshold);

// A sense is due when there is none yet, when the periodicity has elapsed since the last
// one, or when the promise file changed after it.
bool sense_due(const std::vector<Sense>& history, double periodicity_minutes, Clock::time_point now,
               std::optional<Clock::time_point> file_changed);

Clock::time_point next_sense(const Sense& last, double periodicity_minutes);

}  // namespace slap::promise
