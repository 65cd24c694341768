#include "slap/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <toml++/toml.h>

#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap {

namespace {

Error config_error(std::string message, Location where = {}) {
  return Error(ErrorKind::input, std::move(message), std::move(where));
}

std::string env_name(const std::string& key) {
  std::string out = "SLAP_";
  for (char c : key) out += (c == '.' || c == '-') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Status merge_table(Config& config, const std::string& file, const std::string& prefix, const toml::table& table) {
  for (auto&& [key, value] : table) {
    std::string full = fmt::format("{}.{}", prefix, key.str());
    Location where{file, static_cast<int>(value.source().begin.line), static_cast<int>(value.source().begin.column)};
    if (const toml::table* nested = value.as_table()) {
      SLAP_CHECK(merge_table(config, file, full, *nested));
      continue;
    }
    std::string text_value;
    if (auto s = value.value<std::string>(); s && value.is_string()) text_value = *s;
    else if (auto b = value.value<bool>(); b && value.is_boolean()) text_value = *b ? "true" : "false";
    else if (auto i = value.value<int64_t>(); i && value.is_integer()) text_value = std::to_string(*i);
    else if (auto f = value.value<double>(); f && value.is_floating_point()) text_value = fmt::format("{}", *f);
    else return fail(config_error(fmt::format("'{}' must be a string, number or boolean", full), where));
    auto r = config.set(full, text_value, fmt::format("{}:{}", file, value.source().begin.line));
    if (!r) {
      Error e = r.error();
      e.where = where;
      e.message = e.message.substr(e.message.find(": ") + 2);
      return fail(std::move(e));
    }
  }
  return {};
}

}  // namespace

Config Config::defaults(const std::string& home, unsigned cpus) {
  Config c;
  c.home_ = home;
  std::string cache = path::join(home, ".cache/slap");
  std::string data = path::join(home, ".local/share/slap");
  auto add = [&](std::string key, ConfigType type, std::string value, std::string help,
                 std::vector<std::string> choices = {}) {
    c.entries_.push_back({std::move(key), type, std::move(value), "default", std::move(help), std::move(choices)});
  };
  add("core.jobs", ConfigType::integer, std::to_string(std::max(1u, cpus)), "parallel jobs (builds, promises, transfers)");
  add("core.color", ConfigType::choice, "auto", "colour output", {"auto", "always", "never"});
  add("core.progress", ConfigType::boolean, "true", "progress bars on a terminal");
  add("core.offline", ConfigType::boolean, "false", "never use the network");
  add("build.download-cache", ConfigType::path, path::join(cache, "download"), "verified downloads, by content");
  add("build.python", ConfigType::path, "",
      "Python for profile code and [buildout] executable; empty: python3 from PATH when a build needs it");
  add("build.shared-parts", ConfigType::path, "",
      "shared parts (shared = true) when [buildout] shared-part-list is empty; empty: in parts/, as buildout");
  add("cache.shacache-url", ConfigType::string, "", "Shacache base URL (binary cache)");
  add("cache.shadir-url", ConfigType::string, "", "Shadir base URL (signed entries)");
  add("cache.signature-private-key-file", ConfigType::path, "", "PEM key used to sign Shadir entries");
  add("cache.signature-certificate-file", ConfigType::path, "", "PEM certificate matching the signing key");
  add("cache.trusted-certificates", ConfigType::path, "", "PEM file of certificates whose entries are trusted");
  add("cache.upload-token-file", ConfigType::path, "", "file holding the upload token");
  add("cache.slapos-cfg", ConfigType::path, "", "slapos.cfg whose [networkcache] section gives the cache settings");
  add("promise.jobs", ConfigType::integer, "16",
      "promises run at once (they mostly wait); core.jobs wins when it is set explicitly");
  add("promise.timeout", ConfigType::integer, "20", "seconds before a promise is killed");
  add("promise.bang-command", ConfigType::string, "", "command run when a promise fails");
  add("node.root", ConfigType::path, path::join(data, "node"), "where `slap node` keeps its state, releases and partitions");
  add("node.period", ConfigType::integer, "60", "seconds between two runs of `slap node` (without --once)");
  add("node.maximum-periodicity", ConfigType::integer, "86400",
      "seconds after which `slap node` processes an unchanged partition again");
  add("node.promise-wait", ConfigType::integer, "10",
      "seconds `slap node` gives a processed partition's failing promises to pass");
  add("node.ipv4", ConfigType::string, "127.0.0.1", "the IPv4 address of every partition");
  add("node.ipv6", ConfigType::string, "::1", "the IPv6 address of every partition");
  add("usage.disk-period", ConfigType::integer, "600",
      "seconds between two measures of a partition directory's disk usage by the usage collector");
  add("usage.price.cpu-hour", ConfigType::number, "", "price of one CPU-hour; empty: CPU is not charged");
  add("usage.price.memory-gib-hour", ConfigType::number, "",
      "price of one GiB of resident memory for one hour; empty: memory is not charged");
  add("usage.price.disk-gib-hour", ConfigType::number, "",
      "price of one GiB of partition disk for one hour; empty: disk is not charged");
  add("usage.currency", ConfigType::string, "", "currency of the usage prices, shown with costs (e.g. EUR)");
  add("serve.root", ConfigType::path, path::join(data, "cache"), "directory of `slap cache-serve`");
  add("serve.listen", ConfigType::string, "127.0.0.1:8080", "address of `slap cache-serve`");
  add("serve.upload-token-file", ConfigType::path, "", "upload token of `slap cache-serve`; empty: ROOT/upload-token");
  add("serve.max-size", ConfigType::integer, "4294967296", "largest blob `slap cache-serve` accepts, in bytes");
  add("serve.access-log", ConfigType::path, "", "access log file of `slap cache-serve`; empty: the log");
  add("serve.threads", ConfigType::integer, "64", "connections `slap cache-serve` serves at once");
  add("serve.timeout", ConfigType::integer, "60", "seconds `slap cache-serve` waits on a silent connection");
  add("s3.endpoint", ConfigType::string, "", "S3-compatible service URL (MinIO, Ceph RGW...); empty: AWS");
  add("s3.region", ConfigType::string, "", "S3 region; empty: AWS_DEFAULT_REGION, else us-east-1");
  add("s3.url-style", ConfigType::choice, "auto", "S3 URLs: path (ENDPOINT/BUCKET), virtual (BUCKET.HOST); auto: "
      "path with an endpoint, virtual on AWS", {"auto", "path", "virtual"});
  add("s3.access-key-id", ConfigType::string, "", "S3 access key id; empty: AWS_ACCESS_KEY_ID");
  add("s3.secret-access-key", ConfigType::string, "", "S3 secret key; empty: AWS_SECRET_ACCESS_KEY");
  add("s3.part-size", ConfigType::integer, "16777216", "bytes per part of S3 multipart uploads (at least 5 MiB)");
  return c;
}

const ConfigEntry* Config::find(const std::string& key) const {
  for (const auto& e : entries_)
    if (e.key == key) return &e;
  return nullptr;
}

const std::string& Config::get(const std::string& key) const {
  static const std::string empty;
  const ConfigEntry* e = find(key);
  return e ? e->value : empty;
}

long Config::get_int(const std::string& key) const {
  try {
    return std::stol(get(key));
  } catch (...) {
    return 0;
  }
}

bool Config::get_bool(const std::string& key) const { return get(key) == "true"; }

std::optional<double> Config::get_number(const std::string& key) const {
  const std::string& v = get(key);
  if (v.empty()) return std::nullopt;
  return std::strtod(v.c_str(), nullptr);
}

Status Config::set(const std::string& key, const std::string& value, const std::string& origin) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const ConfigEntry& e) { return e.key == key; });
  if (it == entries_.end()) {
    std::string hint;
    for (const auto& e : entries_)
      if (str::edit_distance(e.key, key) <= 2) hint = fmt::format(" (did you mean '{}'?)", e.key);
    return fail(config_error(fmt::format("{}: unknown setting '{}'{}", origin, key, hint)));
  }
  std::string v = value;
  switch (it->type) {
    case ConfigType::integer: {
      bool ok = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!ok) return fail(config_error(fmt::format("{}: '{}' must be a whole number, not '{}'", origin, key, v)));
      // Every integer setting counts something that cannot be none (jobs, seconds, bytes).
      if (v.find_first_not_of('0') == std::string::npos)
        return fail(config_error(fmt::format("{}: '{}' must be at least 1, not '{}'", origin, key, v)));
      break;
    }
    case ConfigType::boolean: {
      auto b = str::parse_bool(v);
      if (!b) return fail(config_error(fmt::format("{}: '{}' must be true or false, not '{}'", origin, key, v)));
      v = *b ? "true" : "false";
      break;
    }
    case ConfigType::choice:
      if (std::find(it->choices.begin(), it->choices.end(), v) == it->choices.end())
        return fail(config_error(fmt::format("{}: '{}' must be one of {}, not '{}'", origin, key,
                                             str::join(it->choices, ", "), v)));
      break;
    case ConfigType::path:
      if (v == "~" || v.starts_with("~/")) v = home_ + v.substr(1);
      break;
    case ConfigType::number: {
      if (v.empty()) break;
      char* end = nullptr;
      double d = std::strtod(v.c_str(), &end);
      if (end != v.c_str() + v.size() || !std::isfinite(d) || d < 0 || std::isspace(static_cast<unsigned char>(v[0])))
        return fail(config_error(fmt::format("{}: '{}' must be a number, 0 or more, not '{}'", origin, key, v)));
      break;
    }
    case ConfigType::string: break;
  }
  it->value = std::move(v);
  it->origin = origin;
  return {};
}

Status Config::merge_file(const std::string& file, bool optional) {
  if (!fs::exists(file)) {
    if (optional) return {};
    return fail(config_error(fmt::format("config file {} does not exist", file)));
  }
  auto text = fs::read_file(file);
  if (!text) return fail(text.error());
  toml::table table;
  try {
    table = toml::parse(*text, file);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return fail(config_error(std::string(e.description()),
                             {file, static_cast<int>(where.line), static_cast<int>(where.column)}));
  }
  for (auto&& [section, node] : table) {
    const toml::table* inner = node.as_table();
    if (!inner)
      return fail(config_error(fmt::format("'{}' must be a table like [{}]", section.str(), section.str()),
                               {file, static_cast<int>(node.source().begin.line), 1}));
    SLAP_CHECK(merge_table(*this, file, std::string(section.str()), *inner));
  }
  return {};
}

Status Config::merge_env(const std::map<std::string, std::string>& env) {
  for (const auto& e : std::vector<ConfigEntry>(entries_)) {
    std::string name = env_name(e.key);
    if (auto it = env.find(name); it != env.end()) SLAP_CHECK(set(e.key, it->second, "env " + name));
  }
  return {};
}

Result<Config> load_config(const ConfigSources& s) {
  Config c = Config::defaults(s.home, s.cpus);
  SLAP_CHECK(c.merge_file(s.system_file, true));
  std::string xdg = s.xdg_config_home.empty() ? path::join(s.home, ".config") : s.xdg_config_home;
  SLAP_CHECK(c.merge_file(path::join(xdg, "slap/slap.toml"), true));
  if (!s.explicit_file.empty()) SLAP_CHECK(c.merge_file(s.explicit_file, false));
  else SLAP_CHECK(c.merge_file(path::join(s.cwd, "slap.toml"), true));
  SLAP_CHECK(c.merge_env(s.env));
  for (const auto& [key, value] : s.flags) SLAP_CHECK(c.set(key, value, "flag"));
  return c;
}

}  // namespace slap
