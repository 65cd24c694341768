#include "promise_view.hpp"

#include <fmt/format.h>

#include "slap/strings.hpp"

namespace slap::cli {

namespace {

using nlohmann::json;
using promise::Disposition;

const char* kind_name(promise::Kind k) { return k == promise::Kind::legacy ? "legacy" : "plugin"; }

const char* disposition_name(Disposition d) {
  switch (d) {
    case Disposition::sensed: return "sensed";
    case Disposition::reused: return "reused";
    case Disposition::skipped: return "skipped";
  }
  return "";
}

std::string duration(double seconds) {
  return seconds < 1 ? fmt::format("{:.0f} ms", seconds * 1000) : fmt::format("{:.1f} s", seconds);
}

// Continuation lines of a multi-line message, indented under the first.
std::string indented(const std::string& message) { return str::replace_all(message, "\n", "\n    "); }

json promise_json(const promise::Promise& p) {
  json j = {{"title", p.title}, {"name", p.name}, {"path", p.path}, {"kind", kind_name(p.kind)}};
  if (p.kind == promise::Kind::plugin) {
    j["module"] = p.module;
    j["config"] = p.config;
  }
  j["problem"] = p.problem.empty() ? json(nullptr) : json(p.problem);
  return j;
}

json result_json(const promise::Report& r) {
  return {{"type", r.type}, {"failed", r.failed}, {"date", r.date}, {"message", r.message}};
}

json sense_json(const promise::Sense& s) {
  return {{"date", s.date}, {"failed", s.failed}, {"message", s.message}, {"execution-time", s.execution_time}};
}

}  // namespace

json run_json(const promise::RunReport& report, const std::string& partition, promise::Mode mode) {
  json promises = json::array();
  for (const auto& r : report.reports) {
    json j = promise_json(r.promise);
    j["status"] = disposition_name(r.disposition);
    j["execution-time"] = r.execution_time;
    j["result"] = result_json(r);
    j["sense-failed"] = r.sense_failed;
    j["next-run"] = r.next_run.empty() ? json(nullptr) : json(r.next_run);
    promises.push_back(std::move(j));
  }
  json bang = nullptr;
  if (report.bang)
    bang = {{"title", report.bang->title}, {"message", report.bang->message},
            {"command", report.bang->command.empty() ? json(nullptr) : json(report.bang->command)},
            {"command-status", report.bang->command_status},
            {"command-error", report.bang->command_error.empty() ? json(nullptr) : json(report.bang->command_error)}};
  return {{"partition", partition}, {"mode", mode == promise::Mode::test ? "test" : "anomaly"},
          {"promises", promises}, {"failed", report.failed()}, {"bang", bang}};
}

void print_run(Terminal& t, const promise::RunReport& report) {
  for (const auto& r : report.reports) {
    std::string status = r.disposition == Disposition::skipped ? t.style(Style::dim, "SKIP")
                         : r.failed                            ? t.style(Style::bad, "FAIL")
                                                               : t.style(Style::good, "OK  ");
    std::string message = indented(r.message);
    if (!r.failed && r.sense_failed) message = t.style(Style::warn, message);
    std::string note;
    if (r.disposition == Disposition::sensed)
      note = " (" + duration(r.execution_time) + (!r.failed && r.sense_failed ? ", failure tolerated" : "") + ")";
    else if (r.disposition == Disposition::reused) note = " (measured " + r.date + ", next after " + r.next_run + ")";
    t.out(fmt::format("{} {}: {}{}\n", status, t.style(Style::bold, r.promise.title), message, t.style(Style::dim, note)));
  }
  if (report.bang) {
    std::string ran = report.bang->command.empty() ? "no promise.bang-command set"
                      : report.bang->command_error.empty() ? "promise.bang-command ran"
                                                          : "promise.bang-command " + report.bang->command_error;
    t.note(fmt::format("bang: promise {} failed ({})", report.bang->title, ran));
  }
}

json list_json(const std::vector<promise::Promise>& promises, const std::string& partition) {
  json list = json::array();
  for (const auto& p : promises) {
    json j = promise_json(p);
    auto last = promise::load_status(partition, p);
    j["last"] = last ? result_json(*last) : json(nullptr);
    list.push_back(std::move(j));
  }
  return {{"partition", partition}, {"promises", list}};
}

void print_list(Terminal& t, const std::vector<promise::Promise>& promises, const std::string& partition) {
  for (const auto& p : promises) {
    std::string what = p.kind == promise::Kind::legacy ? "legacy" : p.module.empty() ? "plugin" : p.module;
    auto last = promise::load_status(partition, p);
    std::string state = !last ? t.style(Style::dim, "never run")
                        : last->failed ? t.style(Style::bad, "FAIL") + " " + last->date
                                       : t.style(Style::good, "OK") + " " + last->date;
    t.out(fmt::format("{} {} {}\n", t.style(Style::bold, p.title), t.style(Style::dim, "(" + what + ")"), state));
    if (!p.problem.empty()) t.out("    " + t.style(Style::bad, p.problem) + "\n");
  }
}

json history_json(const std::vector<promise::Promise>& promises, const std::string& partition) {
  json list = json::array();
  for (const auto& p : promises) {
    json senses = json::array();
    for (const auto& s : promise::load_history(partition, p.title)) senses.push_back(sense_json(s));
    list.push_back({{"title", p.title}, {"name", p.name}, {"path", p.path}, {"history", senses}});
  }
  return {{"partition", partition}, {"promises", list}};
}

void print_history(Terminal& t, const std::vector<promise::Promise>& promises, const std::string& partition) {
  for (const auto& p : promises) {
    t.out(fmt::format("{} {}\n", t.style(Style::bold, p.title), t.style(Style::dim, "(" + p.path + ")")));
    auto history = promise::load_history(partition, p.title);
    if (history.empty()) t.out("    " + t.style(Style::dim, "no measurement yet") + "\n");
    for (const auto& s : history)
      t.out(fmt::format("    {} {} {:>8} {}\n", s.date, s.failed ? t.style(Style::bad, "FAIL") : t.style(Style::good, "OK  "),
                        duration(s.execution_time), indented(s.message)));
  }
}

}  // namespace slap::cli
