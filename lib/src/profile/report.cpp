// The [buildout] part of zc.buildout's Buildout.__init__, and the full resolution report
// used by `slap show` and the conformance tests.
#include <fmt/format.h>

#include <algorithm>

#include "slap/paths.hpp"
#include "slap/resolver.hpp"
#include "slap/strings.hpp"

namespace slap::profile {

namespace {

constexpr const char* default_option_names[] = {
    "allow-hosts", "allow-picked-versions", "allow-unknown-extras", "bin-directory",
    "develop-eggs-directory", "eggs-directory", "executable", "find-links",
    "install-from-cache", "installed", "log-format", "log-level", "newest", "offline",
    "parts-directory", "prefer-final", "python", "show-picked-versions", "socket-timeout",
    "update-versions-file", "use-dependency-links"};

Error user_error(std::string message, const Key* where, const Profile& profile) {
  Error e(ErrorKind::input, std::move(message));
  e.cls = "UserError";
  if (where && where->origin().source >= first_file_source) {
    e.where.file = profile.source_name(where->origin().source);
    e.where.line = static_cast<int>(where->origin().line);
    e.where.column = 1;
  }
  return e;
}

// zc.buildout's bool_option: only the exact strings "true" and "false".
Result<bool> bool_value(const std::string& name, std::string_view value, const Key* where,
                        const Profile& profile) {
  if (value == "true") return true;
  if (value == "false") return false;
  return fail(user_error(fmt::format("Invalid value for '{}' option: '{}' (use true or false)", name, value),
                         where, profile));
}

Result<bool> bool_option(Options& options, const std::string& name, const Profile& profile,
                         const char* fallback = nullptr) {
  auto value = SLAP_TRY(options.get(name));
  if (!value && fallback) value = fallback;
  if (!value) return fail(Error(ErrorKind::input, fmt::format("Missing option: buildout:{}", name)).with_class("KeyError"));
  return bool_value(name, *value, options.raw_key(name), profile);
}

bool is_integer(std::string_view s) {
  s = str::strip(s);
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Status Resolver::init_buildout() {
  const Section& raw = *profile_.config().find("buildout");
  bool offline = SLAP_TRY(bool_value("offline", raw.at("offline").value(), &raw.at("offline"), profile_));
  if (!offline) SLAP_TRY(bool_value("newest", raw.at("newest").value(), &raw.at("newest"), profile_));

  Options& options = *SLAP_TRY(section("buildout"));
  std::string directory = SLAP_TRY(options.at("directory"));
  for (const char* name : {"bin-directory", "parts-directory", "eggs-directory", "develop-eggs-directory"}) {
    std::string d = SLAP_TRY(options.at(name));
    if (d.find("${") == std::string::npos) d = path::join(directory, d);
    options.set(name, std::move(d));
  }
  std::string installed = SLAP_TRY(options.at("installed"));
  if (!installed.empty()) options.set("installed", path::join(directory, installed));

  SLAP_TRY(options.at("log-format"));
  std::string level = SLAP_TRY(options.at("log-level"));
  if (level != "DEBUG" && level != "INFO" && level != "WARNING" && level != "ERROR" &&
      level != "CRITICAL" && !is_integer(level))
    return fail(user_error(fmt::format("Invalid logging level {}", level), options.raw_key("log-level"), profile_));
  auto verbosity = SLAP_TRY(options.get("verbosity"));
  if (verbosity && !is_integer(*verbosity))
    return fail(user_error(fmt::format("Invalid verbosity {}", *verbosity), options.raw_key("verbosity"), profile_));
  SLAP_TRY(options.at("socket-timeout"));

  const std::string versions(raw.at("versions").value());
  if (!versions.empty()) SLAP_TRY(section(versions));
  SLAP_TRY(options.at("versions"));
  for (const char* name : {"prefer-final", "use-dependency-links", "allow-picked-versions", "show-picked-versions"})
    SLAP_TRY(bool_option(options, name, profile_));
  SLAP_TRY(options.at("update-versions-file"));
  SLAP_TRY(options.get("download-cache"));
  SLAP_TRY(options.get("extends-cache"));
  SLAP_TRY(bool_option(options, "abi-tag-eggs", profile_, "false"));
  SLAP_TRY(options.get("eggs-directory"));
  if (SLAP_TRY(bool_option(options, "install-from-cache", profile_)) && offline)
    return fail(user_error("install-from-cache can't be used with offline mode.", options.raw_key("install-from-cache"), profile_));
  for (const char* name : default_option_names) SLAP_TRY(options.at(name));
  return {};
}

bool has_recipe(const Profile& profile, const std::string& section) {
  std::vector<std::string> todo{section}, seen;
  while (!todo.empty()) {
    std::string name = todo.back();
    todo.pop_back();
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    const Section* raw = profile.config().find(name);
    if (!raw) continue;
    if (raw->contains("recipe")) return true;
    if (auto it = raw->find("<"); it != raw->end())
      for (const auto& source : str::split_ws(it->second.value())) todo.push_back(source);
  }
  return false;
}

Result<Report> resolve_all(const Profile& profile, RecipeHook& hook) {
  Resolver resolver(profile, &hook);
  SLAP_CHECK(resolver.init_buildout());
  Report report;
  Options& buildout = *SLAP_TRY(resolver.section("buildout"));
  auto parts = buildout.get("parts");
  if (!parts) return fail(std::move(parts.error()));
  if (!*parts) {
    report.part_errors.emplace("buildout", Error(ErrorKind::input, "Missing option: buildout:parts").with_class("MissingOption"));
  } else {
    for (const auto& part : str::split_ws(**parts)) {
      auto options = resolver.section(part);
      if (!options) {
        report.part_errors.insert_or_assign(part, std::move(options.error()));
        continue;
      }
      auto recipe = (*options)->at("recipe");
      if (!recipe) report.part_errors.insert_or_assign(part, std::move(recipe.error()));
    }
  }
  report.order = resolver.parts();
  std::vector<std::string> names = profile.config().names();
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    SectionResult result;
    auto options = resolver.section(name);
    if (!options) {
      result.error = std::move(options.error());
    } else if (const Error* e = resolver.init_error(name)) {
      result.error = *e;
    } else if (auto values = (*options)->values(); values) {
      result.options = std::move(*values);
    } else {
      result.error = std::move(values.error());
    }
    report.resolved.insert_or_assign(name, std::move(result));
  }
  return report;
}

}  // namespace slap::profile
