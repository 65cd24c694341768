// Finding a partition's promises: etc/plugin/ (plugin files) then etc/promise/ (executables).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <map>

#include "promise/plugin_file.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/promise.hpp"
#include "slap/strings.hpp"

namespace slap::promise {

namespace {

constexpr std::size_t plugin_size_limit = 1 << 20;

// os.path.splitext(name)[0]
std::string title_of(const std::string& name) {
  auto dot = name.rfind('.');
  if (dot == std::string::npos || name.find_first_not_of('.') > dot) return name;
  return name.substr(0, dot);
}

// Regular files (symlinks followed) of `dir`, sorted, without hidden ones; none if absent.
Result<std::vector<std::string>> file_names(const std::string& dir) {
  std::vector<std::string> names;
  if (!fs::is_dir(dir)) return names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.starts_with('.') && it->is_regular_file()) names.push_back(std::move(name));
  }
  if (ec) return fail(ErrorKind::io, fmt::format("cannot list {}: {}", dir, ec.message()));
  std::sort(names.begin(), names.end());
  return names;
}

bool is_plugin_name(const std::string& name) {
  return !name.starts_with("__init__") && (name.ends_with(".py") || name.ends_with(".json"));
}

Promise plugin_promise(const std::string& dir, const std::string& name) {
  Promise p{name, title_of(name), path::join(dir, name), Kind::plugin, {}, {}, {}};
  struct stat st {};
  if (::stat(p.path.c_str(), &st) == 0 && static_cast<std::size_t>(st.st_size) > plugin_size_limit) {
    p.problem = fmt::format("unsupported plugin: {} is larger than 1 MiB", p.path);
    return p;
  }
  auto text = fs::read_file(p.path);
  if (!text) {
    p.problem = text.error().describe();
    return p;
  }
  auto spec = parse_plugin(*text, p.path);
  if (!spec) {
    bool descriptor = str::lstrip(*text).starts_with('{');
    p.problem = (descriptor ? "invalid promise descriptor: " : "unsupported plugin: ") + spec.error().describe();
    return p;
  }
  p.module = std::move(spec->module);
  p.config = std::move(spec->config);
  return p;
}

Promise legacy_promise(const std::string& dir, const std::string& name) {
  Promise p{name, title_of(name), path::join(dir, name), Kind::legacy, {}, {}, {}};
  struct stat st {};
  if (::stat(p.path.c_str(), &st) == 0 && ::access(p.path.c_str(), X_OK) != 0)
    p.problem = fmt::format("{} is not executable (mode {:04o})", p.path, st.st_mode & 07777);
  return p;
}

Result<std::vector<Promise>> select(const std::vector<Promise>& all, const std::vector<std::string>& only,
                                    const std::string& partition) {
  std::vector<Promise> out;
  for (const auto& want : only) {
    auto it = std::find_if(all.begin(), all.end(), [&](const Promise& p) { return p.title == want || p.name == want; });
    if (it == all.end()) return fail(ErrorKind::usage, fmt::format("no promise named '{}' in {}", want, partition));
    out.push_back(*it);
  }
  return out;
}

}  // namespace

Result<std::vector<Promise>> discover(const std::string& partition, const std::vector<std::string>& only) {
  if (!fs::is_dir(partition))
    return fail(ErrorKind::usage, fmt::format("partition directory {} does not exist", partition));
  std::vector<Promise> out;
  std::string plugin_dir = path::join(partition, "etc/plugin");
  for (const auto& name : SLAP_TRY(file_names(plugin_dir)))
    if (is_plugin_name(name)) out.push_back(plugin_promise(plugin_dir, name));
  std::string legacy_dir = path::join(partition, "etc/promise");
  for (const auto& name : SLAP_TRY(file_names(legacy_dir))) out.push_back(legacy_promise(legacy_dir, name));

  std::map<std::string, std::string> owner;  // title -> first file name using it
  for (auto& p : out) {
    auto [it, fresh] = owner.emplace(p.title, p.name);
    if (fresh) continue;
    p.problem = fmt::format("{} has the same title '{}' as {}: their results would collide", p.path, p.title, it->second);
    p.title = p.name;  // its own failing result must not overwrite the other's
  }
  return only.empty() ? out : select(out, only, partition);
}

}  // namespace slap::promise
