// slap's own settings (slap.toml), with the origin of every value.
//
// Keys may nest: `usage.price.cpu-hour` is `cpu-hour` in the table [usage.price].
//
// Precedence, lowest first: built-in defaults < /etc/slap/slap.toml <
// $XDG_CONFIG_HOME/slap/slap.toml < ./slap.toml (or --config FILE) < SLAP_* environment
// variables < command-line flags. Keys are "table.key" (`core.jobs`); the environment
// form is SLAP_TABLE_KEY with '-' as '_' (`SLAP_CORE_JOBS`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "slap/error.hpp"

namespace slap {

// number: a decimal >= 0 (a price), or empty for none.
enum class ConfigType { string, integer, boolean, path, choice, number };

struct ConfigEntry {
  std::string key;
  ConfigType type;
  std::string value;
  std::string origin;  // "default", "FILE:LINE", "env SLAP_X", "flag --x"
  std::string help;
  std::vector<std::string> choices;  // for ConfigType::choice
};

class Config {
 public:
  // Built-in defaults; `home` expands paths, `cpus` sets core.jobs.
  static Config defaults(const std::string& home, unsigned cpus);

  // Sets a known key after checking the value against its type.
  Status set(const std::string& key, const std::string& value, const std::string& origin);
  // Merges a slap.toml file; a missing file is not an error when `optional`.
  Status merge_file(const std::string& path, bool optional);
  // Merges SLAP_* variables of `env`.
  Status merge_env(const std::map<std::string, std::string>& env);

  const std::string& get(const std::string& key) const;
  long get_int(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  // A number setting; nullopt when it is empty.
  std::optional<double> get_number(const std::string& key) const;
  const ConfigEntry* find(const std::string& key) const;
  const std::vector<ConfigEntry>& entries() const { return entries_; }

 private:
  std::vector<ConfigEntry> entries_;
  std::string home_;
};

struct ConfigSources {
  std::string home;
  std::string xdg_config_home;       // empty: $HOME/.config
  std::string system_file = "/etc/slap/slap.toml";
  std::string cwd;
  std::string explicit_file;         // --config FILE: replaces ./slap.toml, must exist
  std::map<std::string, std::string> env;
  std::vector<std::pair<std::string, std::string>> flags;  // (key, value) from flags
  unsigned cpus = 1;
};

Result<Config> load_config(const ConfigSources& sources);

}  // namespace slap
