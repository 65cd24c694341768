#include "recipes/rubygems/gems.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>

#include "recipes/common.hpp"
#include "slap/strings.hpp"

namespace slap::recipes::gems {

namespace {

constexpr std::string_view rubygems_base = "https://rubygems.org/rubygems/rubygems";
// Upstream's VERSION_ZIP_RE, whose dot before "zip" matches any character.
constexpr std::string_view version_zip = R"(-([0-9.]+).zip)";

// "1.2.10" -> {1, 2, 10}: versions compare as lists of integers, as upstream does.
Result<std::vector<long>> numbers(const std::string& version, const std::string& gem) {
  std::vector<long> out;
  for (const auto& part : str::split(version, ".")) {
    if (part.empty() || !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return user_error(fmt::format("Configuration error, version {} for gem {} cannot be compared: only versions "
                                    "made of numbers can",
                                    version, gem));
    out.push_back(std::stol(part));
  }
  return out;
}

bool holds(const std::string& symbol, const std::vector<long>& have, const std::vector<long>& bound) {
  if (symbol == "<") return have < bound;
  if (symbol == ">=") return have >= bound;
  return have != bound;  // "!="
}

Status check_one(const Constraint& c, const std::string& dep, const std::string& pinned, const std::string& gem) {
  auto have = SLAP_TRY(numbers(pinned, dep));
  auto bound = SLAP_TRY(numbers(c.version, gem));
  if (holds(c.symbol, have, bound)) return {};
  return user_error(fmt::format("Configuration error, version {} for gem {} does not satisfy dependency constraint "
                                "{} {} of gem {}",
                                pinned, dep, c.symbol, c.version, gem));
}

std::string join_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> kept;
  for (const auto& p : paths)
    if (!p.empty()) kept.push_back(p);
  return str::join(kept, ":");
}

void assign(Variables& vars, const std::string& key, std::string value) {
  for (auto& [k, v] : vars)
    if (k == key) {
      v = std::move(value);
      return;
    }
  vars.emplace_back(key, std::move(value));
}

}  // namespace

std::unexpected<Error> user_error(std::string message) {
  return fail(Error(ErrorKind::input, std::move(message)).with_class("UserError"));
}

Gem parse_gem(std::string_view word) {
  auto eq = word.find("==");
  if (eq == std::string_view::npos) return {std::string(str::strip(word)), std::nullopt};
  return {std::string(str::strip(word.substr(0, eq))), std::string(str::strip(word.substr(eq + 2)))};
}

Rubygems rubygems_for_version(const std::string& version) {
  return {fmt::format("{}-{}.zip", rubygems_base, version), version};
}

std::optional<Rubygems> rubygems_for_url(const std::string& url) {
  static const std::regex re(std::string(version_zip) + "$");
  std::smatch m;
  if (!std::regex_search(url, m, re)) return std::nullopt;
  return Rubygems{url, m[1].str()};
}

std::optional<Rubygems> rubygems_from_download_page(std::string_view html) {
  static const std::regex re(std::string(rubygems_base) + std::string(version_zip));
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(html.begin(), html.end(), m, re)) return std::nullopt;
  return Rubygems{m[0].str(), m[1].str()};
}

std::optional<int> major_version(std::string_view version) {
  auto dot = version.find('.');
  std::string_view head = version.substr(0, dot);
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (head.empty() || head.size() > 6 || !std::all_of(head.begin(), head.end(), digit)) return std::nullopt;
  return std::stoi(std::string(head));
}

std::string dependency_pattern(const std::string& name, int rubygems_major) {
  std::string pattern = "^" + str::replace_all(name, ".", "\\.") + "$";
  return rubygems_major < 3 ? "/" + pattern + "/" : pattern;
}

std::vector<Dependency> parse_dependencies(std::string_view output) {
  static const std::regex re(R"(\s+([\w\-_.]+) \((<|~>|>=|!=) ((\d+\.)*\d+)(, (<|~>|>=|!=) ((\d+\.)*\d+))?\))");
  std::vector<Dependency> out;
  using It = std::regex_iterator<std::string_view::const_iterator>;
  for (It it(output.begin(), output.end(), re), end; it != end; ++it) {
    const auto& m = *it;
    Dependency d{m[1].str(), {{m[2].str(), m[3].str()}}};
    if (m[6].matched) d.constraints.push_back({m[6].str(), m[7].str()});
    out.push_back(std::move(d));
  }
  return out;
}

Status check_constraint(const Constraint& c, const std::string& dep, const std::string& pinned,
                        const std::string& gem) {
  if (c.symbol.empty()) return {};
  if (c.symbol != "~>") return check_one(c, dep, pinned, gem);
  SLAP_CHECK(check_one({">=", c.version}, dep, pinned, gem));
  auto bound = SLAP_TRY(numbers(c.version, gem));
  if (bound.size() > 1) bound.pop_back();
  ++bound.back();
  std::vector<std::string> parts;
  for (long n : bound) parts.push_back(std::to_string(n));
  return check_one({"<", str::join(parts, ".")}, dep, pinned, gem);
}

Result<Variables> environment(const std::string& prefix, const std::string& path, const std::string& rubylib,
                              std::string_view overrides) {
  Variables vars = {
      {"GEM_HOME", prefix + "/lib/ruby/gems"},
      {"RUBYLIB", join_paths({rubylib, prefix + "/lib", prefix + "/lib/ruby", prefix + "/lib/site_ruby"})},
      {"PATH", join_paths({path, prefix + "/bin"})},
  };
  // Every value is interpolated with the three computed variables, before any is replaced.
  std::map<std::string, std::string> computed(vars.begin(), vars.end());
  Variables added;
  for (const auto& line : str::split(overrides, "\n")) {
    std::string_view l = str::strip(line);
    if (l.empty()) continue;
    auto eq = l.find('=');
    if (eq == std::string_view::npos)
      return user_error("Configuration error, every environment line should contain a \"=\" sign");
    auto value = percent(str::strip(l.substr(eq + 1)), computed);
    if (!value) return fail(ErrorKind::input, fmt::format("{}: {}", l, value.error().message));
    assign(added, std::string(str::strip(l.substr(0, eq))), std::move(*value));
  }
  for (auto& [k, v] : added) assign(vars, k, std::move(v));
  return vars;
}

std::string wrapper(const Variables& variables, const std::string& executable) {
  std::string text = "#!/bin/sh\n";
  for (const auto& [k, v] : variables) text += fmt::format("export {}='{}'\n", k, v);
  return text + executable + " \"$@\"\n\n";
}

}  // namespace slap::recipes::gems
