#include "recipes/common.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <fstream>
#include <deque>
#include <nlohmann/json.hpp>

#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {
constexpr const char* shared_signature_file = ".buildout-shared.json";
}

Error option_error(profile::Options& options, const std::string& option, std::string message) {
  Error e(ErrorKind::input, fmt::format("[{}] {}: {}", options.name(), option, message));
  e.subject = options.name() + ":" + option;
  return options.located(std::move(e), option);
}

Result<std::string> optional(profile::Options& options, const std::string& name) {
  auto v = SLAP_TRY(options.get(name));
  return v ? *v : std::string();
}

Result<bool> flag(profile::Options& options, const std::string& name, bool fallback) {
  auto v = SLAP_TRY(options.get(name));
  if (!v || str::strip(*v).empty()) return fallback;
  std::string l = str::to_lower(str::strip(*v));
  if (l == "true" || l == "yes" || l == "on" || l == "1") return true;
  if (l == "false" || l == "no" || l == "off" || l == "0") return false;
  return fail(option_error(options, name, fmt::format("'{}' is not a boolean (use true or false)", *v)));
}

Result<std::optional<unsigned>> mode(profile::Options& options, const std::string& name) {
  std::string v(str::strip(SLAP_TRY(optional(options, name))));
  if (v.empty()) return std::optional<unsigned>{};
  unsigned m = 0;
  for (char c : v) {
    if (c < '0' || c > '7') return fail(option_error(options, name, fmt::format("'{}' is not an octal mode", v)));
    m = m * 8 + static_cast<unsigned>(c - '0');
  }
  return std::optional<unsigned>{m & 07777};
}

Result<std::optional<fetch::Checksum>> checksum(profile::Options& options, const std::string& name) {
  std::string v(str::strip(SLAP_TRY(optional(options, name))));
  if (v.empty()) return std::optional<fetch::Checksum>{};
  auto sum = fetch::parse_checksum(v);
  if (!sum) return fail(option_error(options, name, sum.error().message));
  return std::optional<fetch::Checksum>{*sum};
}

Result<std::string> part_location(profile::Resolver& resolver, profile::Options& options) {
  if (auto v = SLAP_TRY(options.get("location")); v && !v->empty()) return *v;
  auto* buildout = SLAP_TRY(resolver.section("buildout"));
  return path::join(SLAP_TRY(buildout->at("parts-directory")), options.name());
}

Result<std::string> shared_location(profile::Resolver& resolver, profile::Options& options, const Env& env,
                                    bool& shared) {
  shared = false;
  if (auto v = SLAP_TRY(options.get("location")); v && !v->empty()) return *v;
  if (!SLAP_TRY(flag(options, "shared", false)) || env.shared_dirs.empty()) return part_location(resolver, options);
  // As upstream does with ${:_profile_base_location_}: where the profile lives must not
  // change the digest, so that machines share builds of the same options.
  auto* buildout = SLAP_TRY(resolver.section("buildout"));
  std::string directory = SLAP_TRY(buildout->at("directory"));
  nlohmann::json sig = nlohmann::json::object();
  for (const auto& [k, v] : SLAP_TRY(options.values())) sig[k] = str::replace_all(v, directory, "${buildout:directory}");
  std::string digest = checksum::hex_digest(checksum::Algorithm::md5, sig.dump(2));
  // An existing complete build in any shared directory is reused; new ones go to the last.
  for (const auto& dir : env.shared_dirs) {
    std::string candidate = path::join(path::join(dir, options.name()), digest);
    if (shared_part_complete(candidate)) {
      shared = true;
      return candidate;
    }
  }
  shared = true;
  return path::join(path::join(env.shared_dirs.back(), options.name()), digest);
}

bool shared_part_complete(const std::string& location) {
  return fs::exists(path::join(location, shared_signature_file));
}

Status mark_shared_part_complete(const std::string& location, const std::string& signature) {
  return fs::write_atomic(path::join(location, shared_signature_file), signature);
}

Result<process::Environment> environment(profile::Resolver& resolver, profile::Options& options,
                                         process::Environment base, bool interpolate) {
  std::string text = SLAP_TRY(optional(options, "environment"));
  std::vector<std::pair<std::string, std::string>> assignments;
  std::string stripped(str::strip(text));
  if (!stripped.empty() && stripped.find('=') == std::string::npos && stripped.find('\n') == std::string::npos) {
    auto* section = SLAP_TRY(resolver.section(stripped));
    for (const auto& [k, v] : SLAP_TRY(section->values())) assignments.emplace_back(k, v);
  } else {
    for (const auto& line : str::split(text, "\n")) {
      std::string_view l = str::strip(line);
      if (l.empty()) continue;
      auto eq = l.find('=');
      if (eq == std::string_view::npos)
        return fail(option_error(options, "environment", fmt::format("'{}' is not KEY=VALUE", l)));
      std::string key(str::strip(l.substr(0, eq)));
      for (const auto& [k, v] : assignments)
        if (k == key) return fail(option_error(options, "environment", fmt::format("Key '{}' is repeated", key)));
      assignments.emplace_back(key, std::string(str::strip(l.substr(eq + 1))));
    }
  }
  std::map<std::string, std::string> vars;
  if (interpolate)
    for (const auto& [k, v] : base) vars[k] = v;
  for (auto& [key, value] : assignments) {
    if (interpolate) {
      auto expanded = percent(value, vars);
      if (!expanded) return fail(option_error(options, "environment", expanded.error().message));
      value = std::move(*expanded);
    }
    process::set(base, key, value);
  }
  return base;
}

Result<std::string> percent(std::string_view text, const std::map<std::string, std::string>& vars) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    auto close = text.find(")s", i);
    if (text.substr(i, 2) != "%(" || close == std::string_view::npos)
      return fail(ErrorKind::input, fmt::format("bad %-interpolation at '{}'", text.substr(i, 20)));
    std::string name(text.substr(i + 2, close - i - 2));
    auto it = vars.find(name);
    if (it == vars.end()) return fail(ErrorKind::input, fmt::format("%({})s refers to an unknown name", name));
    out += it->second;
    i = close + 1;
  }
  return out;
}

std::string tail_of_file(const std::string& path, std::size_t lines) {
  std::ifstream in(path);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += l + "\n";
  return out;
}

void log_line(const InstallContext& ic, const std::string& line) {
  if (ic.log_file.empty()) return;
  std::ofstream(ic.log_file, std::ios::app) << line << "\n";
}

namespace {
Status finish(const process::Outcome& outcome, const std::string& shown, const InstallContext& ic) {
  if (outcome.ok()) return {};
  if (outcome.end == process::Outcome::End::cancelled) return fail(ErrorKind::interrupted, "interrupted");
  return fail(ErrorKind::recipe, fmt::format("command {} {}\n--- last 30 lines of {} ---\n{}", shown,
                                             outcome.describe(), ic.log_file, tail_of_file(ic.log_file, 30)));
}
}  // namespace

Status run_logged(const std::vector<std::string>& argv, const std::string& cwd, const process::Environment& env,
                  const InstallContext& ic) {
  std::vector<std::string> quoted;
  for (const auto& a : argv) quoted.push_back(process::shell_quote(a));
  std::string shown = "`" + str::join(quoted, " ") + "`";
  log_line(ic, "+ " + str::join(quoted, " "));
  process::Spec spec{.argv = argv, .cwd = cwd, .env = env, .log_file = ic.log_file, .cancel = ic.cancel};
  auto outcome = process::run(spec);
  if (!outcome) return fail(ErrorKind::recipe, fmt::format("command {}: {}", shown, outcome.error().message));
  return finish(*outcome, shown, ic);
}

Status run_shell(const std::string& script, const std::string& cwd, const process::Environment& env,
                 const InstallContext& ic) {
  log_line(ic, "+ sh -c " + process::shell_quote(script));
  process::Spec spec{.argv = {"/bin/sh", "-c", script}, .cwd = cwd, .env = env, .log_file = ic.log_file, .cancel = ic.cancel};
  auto outcome = process::run(spec);
  std::string first = str::split(std::string(str::strip(script)), "\n")[0];
  std::string shown = "`" + first + (script.find('\n') != std::string::npos ? " ...`" : "`");
  if (!outcome) return fail(ErrorKind::recipe, fmt::format("command {}: {}", shown, outcome.error().message));
  return finish(*outcome, shown, ic);
}

Result<std::string> download(const Env& env, const std::string& url, const std::optional<fetch::Checksum>& sum) {
  if (!env.fetcher) return fail(ErrorKind::internal, "no downloader");
  return env.fetcher->fetch(url, sum, env.buildout_dir);
}

Result<std::vector<std::string>> shell_split(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\'') {
      auto end = text.find('\'', i + 1);
      if (end == std::string_view::npos) return fail(ErrorKind::input, "no closing quotation");
      cur.append(text.substr(i + 1, end - i - 1));
      i = end;
      in_word = true;
    } else if (c == '"') {
      ++i;
      for (; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && std::string_view("\\\"$`\n").find(text[i + 1]) != std::string_view::npos)
          ++i;
        cur += text[i];
      }
      if (i >= text.size()) return fail(ErrorKind::input, "no closing quotation");
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      if (text[i + 1] != '\n') cur += text[i + 1];
      ++i;
      in_word = true;
    } else if (str::is_space(c)) {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(cur));
  return words;
}

Result<std::vector<std::string>> Recipe::update(const InstallContext&) { return std::vector<std::string>{}; }

}  // namespace slap::recipes
