#include "promise/verdict.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

#include "slap/strings.hpp"

namespace slap::promise {

namespace {

std::optional<std::string> lookup(const std::map<std::string, std::string>& config, std::string_view dashed) {
  for (std::string key : {std::string(dashed), str::replace_all(dashed, "-", "_")})
    if (auto it = config.find(key); it != config.end()) return it->second;
  return std::nullopt;
}

Result<int> positive_int(const std::string& key, const std::string& value) {
  int n = 0;
  std::string_view v = str::strip(value);
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 1)
    return fail(ErrorKind::input, fmt::format("'{}' must be a whole number >= 1, not '{}'", key, value));
  return n;
}

bool is_word(const std::string& v, std::initializer_list<std::string_view> words) {
  std::string l = str::to_lower(str::strip(v));
  for (auto w : words)
    if (l == w) return true;
  return false;
}

std::chrono::seconds period(double minutes) {
  return std::chrono::seconds(static_cast<long long>(minutes * 60));
}

}  // namespace

Result<Policy> apply_config(Policy p, const std::map<std::string, std::string>& config) {
  if (auto f = lookup(config, "frequency")) {
    char* end = nullptr;
    double minutes = std::strtod(f->c_str(), &end);
    if (f->empty() || *end || !(minutes > 0))
      return fail(ErrorKind::input, fmt::format("'frequency' must be a number of minutes > 0, not '{}'", *f));
    p.periodicity_minutes = minutes;
  }
  if (auto c = lookup(config, "result-count")) p.test.result_count = p.anomaly.result_count = SLAP_TRY(positive_int("result-count", *c));
  if (auto a = lookup(config, "failure-amount")) p.test.failure_amount = p.anomaly.failure_amount = SLAP_TRY(positive_int("failure-amount", *a));
  // "perdiodic-only" is how SlapOS' check_socket_listening spells it.
  for (const char* key : {"periodic-only", "perdiodic-only"})
    if (auto v = lookup(config, key); v && is_word(*v, {"true", "yes", "1"})) p.tested = false;
  if (auto v = lookup(config, "report-anomaly"); v && is_word(*v, {"false", "no", "0"})) p.anomaly_detected = false;
  return p;
}

Verdict evaluate(const std::vector<Sense>& history, Threshold t) {
  if (history.empty()) return {false, "No result found!"};
  const Sense& newest = history.back();
  if (!newest.failed) return {false, newest.message};
  int failures = 1;
  int looked = 1;
  for (auto it = history.rbegin() + 1; it != history.rend() && looked < t.result_count && failures < t.failure_amount; ++it, ++looked)
    if (it->failed) ++failures;
  return {failures == t.failure_amount, newest.message};
}

Clock::time_point next_sense(const Sense& last, double periodicity_minutes) {
  auto when = parse_result_date(last.date).value_or(Clock::time_point{});
  return when + period(periodicity_minutes);
}

bool sense_due(const std::vector<Sense>& history, double periodicity_minutes, Clock::time_point now,
               std::optional<Clock::time_point> file_changed) {
  if (history.empty()) return true;
  auto last = parse_result_date(history.back().date);
  if (!last) return true;
  // Dates have whole seconds: an edit in the second of the last sense is not seen.
  if (file_changed && std::chrono::floor<std::chrono::seconds>(*file_changed) > *last) return true;
  return now >= next_sense(history.back(), periodicity_minutes);
}

}  // namespace slap::promise
