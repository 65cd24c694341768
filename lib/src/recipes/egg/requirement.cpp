#include "recipes/egg/requirement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "slap/strings.hpp"

namespace slap::recipes::egg {

namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }

// Runs of characters other than letters, digits and '.' become one `-` (pkg_resources'
// safe_name, and safe_version of a non-PEP 440 version).
std::string dash_runs(std::string_view text) {
  std::string out;
  bool in_run = false;
  for (char c : text) {
    bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '.';
    if (keep) {
      out += c;
      in_run = false;
    } else if (!in_run) {
      out += '-';
      in_run = true;
    }
  }
  return out;
}

Error bad(std::string_view text, std::string_view why) {
  return Error(ErrorKind::input, fmt::format("invalid requirement '{}': {}", text, why));
}

}  // namespace

std::string canonical_name(std::string_view name) {
  std::string out;
  bool in_run = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_run) out += '-';
      in_run = true;
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      in_run = false;
    }
  }
  return out;
}

std::string egg_project_name(std::string_view name) { return str::replace_all(dash_runs(name), "-", "_"); }

std::string egg_version_name(std::string_view version) {
  Version v = Version::parse(version);
  std::string safe = v.legacy() ? dash_runs(str::replace_all(version, " ", ".")) : v.normalized();
  return str::replace_all(safe, "-", "_");
}

Result<Requirement> Requirement::parse(std::string_view text) {
  Requirement r;
  std::string_view t = str::strip(text);
  std::size_t i = 0;
  while (i < t.size() && name_char(t[i])) ++i;
  if (i == 0) return fail(bad(t, "it does not start with a distribution name"));
  r.name = std::string(t.substr(0, i));
  r.key = canonical_name(r.name);
  std::string_view rest = str::lstrip(t.substr(i));
  if (rest.starts_with('[')) {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return fail(bad(t, "unclosed '['"));
    for (const auto& e : str::split(rest.substr(1, close - 1), ","))
      if (!str::strip(e).empty()) r.extras.push_back(canonical_name(str::strip(e)));
    rest = str::lstrip(rest.substr(close + 1));
  }
  if (rest.starts_with('@')) return fail(bad(t, "URL requirements are not supported"));
  std::string_view specs = rest;
  if (auto semi = rest.find(';'); semi != std::string_view::npos) {
    specs = rest.substr(0, semi);
    r.marker = std::string(str::strip(rest.substr(semi + 1)));
    if (r.marker.empty()) return fail(bad(t, "empty marker after ';'"));
  }
  specs = str::strip(specs);
  if (specs.starts_with('(')) {
    if (!specs.ends_with(')')) return fail(bad(t, "unclosed '('"));
    specs = specs.substr(1, specs.size() - 2);
  }
  auto set = SpecifierSet::parse(specs);
  if (!set) return fail(bad(t, set.error().message));
  r.specifier = std::move(*set);
  return r;
}

std::string Requirement::str() const {
  std::string out = name;
  if (!extras.empty()) {
    auto sorted = extras;
    std::sort(sorted.begin(), sorted.end());
    out += "[" + str::join(sorted, ",") + "]";
  }
  std::vector<std::string> clauses;
  for (const auto& c : specifier.clauses) clauses.push_back(c.str());
  std::sort(clauses.begin(), clauses.end());
  out += str::join(clauses, ",");
  if (!marker.empty()) out += "; " + marker;
  return out;
}

}  // namespace slap::recipes::egg
