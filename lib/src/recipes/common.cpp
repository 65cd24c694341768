#include "recipes/common.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <deque>
#include <nlohmann/json.hpp>

#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"
#include "slap/template.hpp"

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

Result<bool> strict_flag(profile::Options& options, const std::string& name, bool fallback) {
  auto v = SLAP_TRY(options.get(name));
  if (!v) return fallback;
  if (*v == "true" || *v == "false") return *v == "true";
  return fail(option_error(options, name, fmt::format("'{}' is not true or false", *v)));
}

Result<bool> flag(profile::Options& options, const std::string& name, bool fallback) {
  auto v = SLAP_TRY(options.get(name));
  if (!v || str::strip(*v).empty()) return fallback;
  if (auto b = str::parse_bool(str::strip(*v))) return *b;
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

// A directory is usable for new shared parts when it is writable, or does not exist yet
// and can be created (slap.toml's build.shared-parts is created by the first build).
bool can_create_in(std::string dir) {
  while (!fs::exists(dir)) {
    std::string parent = path::dirname(dir);
    if (parent.empty() || parent == dir) return false;
    dir = std::move(parent);
  }
  return fs::is_dir(dir) && ::access(dir.c_str(), W_OK) == 0;
}

Result<SharedPlace> shared_place(profile::Resolver& resolver, profile::Options& options, const Env& env) {
  SharedPlace place;
  auto* buildout = SLAP_TRY(resolver.section("buildout"));
  place.location = path::join(SLAP_TRY(buildout->at("parts-directory")), options.name());
  if (!SLAP_TRY(strict_flag(options, "shared", false)) || env.shared_dirs.empty()) return place;
  // As upstream's Shared: every option but _profile_base_location_, whose value is written
  // as a reference wherever it appears; JSON with sorted keys, indent 2. slap also writes
  // the buildout directory as a reference (profiles expand ${:_profile_base_location_} as
  // they load), so that two machines with the release in different places share builds
  // through the binary cache.
  std::string base = SLAP_TRY(optional(options, "_profile_base_location_"));
  std::string directory = SLAP_TRY(buildout->at("directory"));
  nlohmann::json sig = nlohmann::json::object();
  for (auto [k, v] : SLAP_TRY(options.values())) {
    if (k == "_profile_base_location_") continue;
    if (!base.empty()) v = str::replace_all(v, base, "${:_profile_base_location_}");
    sig[k] = str::replace_all(v, directory, "${buildout:directory}");
  }
  std::string signature = sig.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string digest = checksum::hex_digest(checksum::Algorithm::md5, signature);
  // A build already in any shared directory is used; a new one goes to the first writable.
  std::optional<std::string> writable;
  for (const auto& dir : env.shared_dirs) {
    std::string candidate = path::join(path::join(dir, options.name()), digest);
    if (fs::exists(candidate)) {
      writable = candidate;
      break;
    }
    if (!writable && can_create_in(dir)) writable = candidate;
  }
  if (!writable) return place;
  place.location = *writable;
  place.signature = std::move(signature);
  return place;
}

Result<std::vector<std::string>> shared_dirs(profile::Resolver& resolver, const std::vector<std::string>& configured) {
  auto* buildout = SLAP_TRY(resolver.section("buildout"));
  auto listed = SLAP_TRY(buildout->get("shared-part-list"));
  std::vector<std::string> dirs;
  for (const auto& line : str::split(listed.value_or(""), "\n"))
    if (auto dir = str::rstrip_chars(str::strip(line), "/"); !dir.empty()) dirs.emplace_back(dir);
  return dirs.empty() ? configured : dirs;
}

bool shares_parts(std::string_view recipe) {
  for (std::string_view name : {"slapos.recipe.cmmi", "slapos.recipe.cmmi:default", "slapos.recipe.build:download",
                                "slapos.recipe.build:download-unpacked"})
    if (recipe == name) return true;
  return false;
}

bool shared_part_complete(const std::string& location) {
  return fs::exists(path::join(location, shared_signature_file));
}

Status mark_shared_part_complete(const std::string& location, const std::string& signature) {
  return fs::write_atomic(path::join(location, shared_signature_file), signature);
}

void make_read_only(const std::string& location) {
  namespace stdfs = std::filesystem;
  std::error_code ec;
  auto drop_write = [](const stdfs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) == 0 && !S_ISLNK(st.st_mode)) ::chmod(p.c_str(), st.st_mode & 0555);
  };
  std::vector<stdfs::path> dirs;
  for (stdfs::recursive_directory_iterator it(location, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) dirs.push_back(it->path());  // last: their content first
    else drop_write(it->path());
  }
  for (auto d = dirs.rbegin(); d != dirs.rend(); ++d) drop_write(*d);
  drop_write(location);
}

Status fix_shebangs(const std::string& location) {
  for (const char* sub : {"bin", "sbin"}) {
    std::string dir = path::join(location, sub);
    if (!fs::is_dir(dir)) continue;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      std::string file = entry.path().string();
      struct stat st {};
      if (::lstat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      std::string head(128, '\0');
      std::ifstream in(file, std::ios::binary);
      in.read(head.data(), static_cast<std::streamsize>(head.size()));
      head.resize(static_cast<std::size_t>(in.gcount()));
      auto newline = head.find('\n');
      // Linux reads 128 bytes of a shebang line (256 since 5.1): a longer one is run through
      // a wrapper that reads it from the renamed script, as upstream does.
      if (!head.starts_with("#!") || newline != std::string::npos) continue;
      std::string renamed = file + ".shebang";
      if (::rename(file.c_str(), renamed.c_str()) != 0)
        return fail(ErrorKind::io, fmt::format("cannot rename {}: {}", file, std::strerror(errno)));
      SLAP_CHECK(fs::write_atomic(file,
                                  "#!/bin/sh -e\n"
                                  "read -r EXE ARG < \"$0.shebang\"\n"
                                  "EXE=${EXE#\\#!}\n"
                                  "[ \"$EXE\" ] || read -r _ EXE ARG < \"$0.shebang\"\n"
                                  "exec $EXE ${ARG:+\"$ARG\"} \"$0.shebang\" \"$@\"\n",
                                  st.st_mode & 07777, false));
    }
  }
  return {};
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
    auto close = text.find(')', i);
    if (text.substr(i, 2) != "%(" || close == std::string_view::npos || close + 1 >= text.size() ||
        (text[close + 1] != 's' && text[close + 1] != 'r'))
      return fail(ErrorKind::input, fmt::format("bad %-interpolation at '{}' (%(NAME)s, %(NAME)r or %%)",
                                                text.substr(i, 20)));
    std::string name(text.substr(i + 2, close - i - 2));
    auto it = vars.find(name);
    if (it == vars.end())
      return fail(ErrorKind::input, fmt::format("%({}){} refers to an unknown name", name, text[close + 1]));
    out += text[close + 1] == 'r' ? tmpl::Value(it->second).repr() : it->second;  // Python's repr() of a str
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
