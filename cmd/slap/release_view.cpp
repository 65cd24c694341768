#include "release_view.hpp"

#include <fmt/format.h>

namespace slap::cli {

namespace {

std::string where(const std::string& file, std::uint32_t line) {
  if (file.empty()) return "";
  return line ? fmt::format("{}:{}: ", file, line) : file + ": ";
}

nlohmann::json change_json(const release::Change& c) {
  nlohmann::json j = {{"description", c.description}};
  if (!c.file.empty()) j["file"] = c.file;
  if (c.line) j["line"] = c.line;
  if (!c.section.empty()) j["section"] = c.section;
  return j;
}

}  // namespace

nlohmann::json freeze_items_json(const std::vector<release::FreezeItem>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& i : items) {
    nlohmann::json j = {{"kind", release::kind_name(i.kind)}, {"section", i.section}, {"file", i.file},
                        {"line", i.line}, {"subject", i.subject}, {"missing", i.missing},
                        {"fixed", !i.value.empty()}};
    if (!i.value.empty()) j["value"] = i.value;
    if (!i.reason.empty()) j["reason"] = i.reason;
    out.push_back(std::move(j));
  }
  return out;
}

void print_freeze_items(Terminal& t, const std::vector<release::FreezeItem>& items, bool check) {
  for (const auto& i : items) {
    std::string head = fmt::format("{}[{}] {} {}", where(i.file, i.line), i.section, release::kind_name(i.kind), i.subject);
    if (!i.value.empty())
      t.out_line(fmt::format("{}: {} {}", head, t.style(Style::good, "set"),
                             i.kind == release::FreezeItem::Kind::patch ? "#" + i.value : i.missing + " = " + i.value));
    else if (!i.reason.empty())
      t.out_line(fmt::format("{}: no {} ({})", head, i.missing, t.style(Style::bad, i.reason)));
    else
      t.out_line(fmt::format("{}: no {}{}", head, i.missing, check ? "" : " (not fixed)"));
  }
}

nlohmann::json hash_json(const release::HashReport& report) {
  using S = release::HashEntry::State;
  nlohmann::json missing = nlohmann::json::array();
  for (const auto& e : report.entries)
    if (e.state == S::missing)
      missing.push_back({{"file", e.file}, {"line", e.line}, {"section", e.section}, {"target", e.target}});
  return {{"checked", report.entries.size()}, {"matched", report.count(S::match)},
          {"updated", report.count(S::updated)}, {"missing", std::move(missing)},
          {"changed_files", report.changed_files}};
}

void print_hash_summary(Terminal& t, const release::HashReport& report) {
  using S = release::HashEntry::State;
  for (const auto& e : report.entries) {
    if (e.state == S::updated)
      t.out_line(fmt::format("{}[{}] md5sum of {}: {} -> {}", where(e.file, e.line), e.section, e.target,
                             e.recorded.empty() ? "(none)" : e.recorded, e.actual));
    else if (e.state == S::missing)
      t.out_line(fmt::format("{}[{}] {}", where(e.file, e.line), e.section,
                             t.style(Style::bad, fmt::format("file '{}' does not exist", e.target))));
  }
  t.out_line(fmt::format("update-hash: {} of {} md5sums match, {} updated, {} missing; {} file{} changed",
                         report.count(S::match), report.entries.size(), report.count(S::updated),
                         report.count(S::missing), report.changed_files.size(),
                         report.changed_files.size() == 1 ? "" : "s"));
}

nlohmann::json lint_json(const release::LintReport& report) {
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : report.problems) {
    nlohmann::json j = {{"rule", p.rule}, {"file", p.file}, {"message", p.message}};
    if (p.line) j["line"] = p.line;
    if (!p.json_path.empty()) j["json_path"] = p.json_path;
    problems.push_back(std::move(j));
  }
  return {{"problems", std::move(problems)}, {"notes", report.notes}};
}

void print_lint(Terminal& t, const release::LintReport& report) {
  for (const auto& p : report.problems)
    t.out_line(fmt::format("{}{}: {}{}", where(p.file, p.line), t.style(Style::bad, p.rule), p.message,
                           p.json_path.empty() ? "" : fmt::format(" (at {})", p.json_path)));
  for (const auto& n : report.notes) t.note("lint: " + n);
}

nlohmann::json release_json(const release::ReleaseReport& report, const std::string& directory) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : report.steps) {
    nlohmann::json j = {{"name", s.name}, {"ok", s.ok}, {"changes", nlohmann::json::array()}};
    for (const auto& c : s.changes) j["changes"].push_back(change_json(c));
    if (s.error) j["error"] = s.error->describe();
    if (s.name == "lint" && report.lint) j["lint"] = lint_json(*report.lint);
    if (s.name == "freeze" && report.freeze) j["items"] = freeze_items_json(report.freeze->items);
    if (s.name == "update-hash" && report.hash) j["hashes"] = hash_json(*report.hash);
    steps.push_back(std::move(j));
  }
  return {{"directory", directory}, {"steps", std::move(steps)}};
}

void print_release(Terminal& t, const release::ReleaseReport& report) {
  for (const auto& s : report.steps) {
    if (s.name == "lint" && report.lint) print_lint(t, *report.lint);
    if (s.name == "freeze" && report.freeze) print_freeze_items(t, report.freeze->items, false);
    if (s.name == "update-hash" && report.hash) print_hash_summary(t, *report.hash);
    else if (s.name != "freeze" && s.name != "lint")
      for (const auto& c : s.changes) t.out_line(fmt::format("{}{}", where(c.file, c.line), c.description));
    t.out_line(fmt::format("{}: {}", s.name, s.ok ? t.style(Style::good, "ok") : t.style(Style::bad, "failed")));
  }
}

}  // namespace slap::cli
