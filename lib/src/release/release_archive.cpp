// The release archive: the release directory's files, sorted, with fixed owner and mtime,
// so that the same tree gives the same bytes.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "release/git.hpp"
#include "slap/archive.hpp"
#include "slap/paths.hpp"
#include "slap/release.hpp"

namespace slap::release {

namespace {

// What a build writes next to the profile, never part of a release.
bool is_build_output(const std::string& top) {
  return top == "parts" || top == "bin" || top == "eggs" || top == "develop-eggs";
}

Result<std::vector<std::string>> walk(const std::string& dir) {
  namespace sfs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = sfs::recursive_directory_iterator(dir, ec); it != sfs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::string rel = sfs::path(it->path()).lexically_relative(dir).string();
    std::string name = it->path().filename().string();
    if (name.starts_with('.') || (it.depth() == 0 && is_build_output(name))) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() || it->is_symlink()) out.push_back(std::move(rel));
  }
  if (ec) return fail(ErrorKind::io, fmt::format("cannot list {}: {}", dir, ec.message()));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Result<std::vector<std::string>> release_files(const std::string& dir, const process::Environment& env) {
  if (!git::in_work_tree(env, dir)) return walk(dir);
  auto tracked = SLAP_TRY(git::tracked_files(env, dir));
  if (tracked.empty())
    return fail(ErrorKind::input, fmt::format("{} is in a git work tree but git tracks no file there: add them first", dir));
  return tracked;
}

Status write_archive(const std::string& dir, const std::string& out, const std::string& prefix,
                     const process::Environment& env) {
  auto files = SLAP_TRY(release_files(dir, env));
  std::string self = path::relpath(path::abspath(out, dir), dir);
  std::erase(files, self);
  archive::CreateOptions options;
  options.prefix = prefix.empty() || prefix.ends_with('/') ? prefix : prefix + "/";
  options.format = archive::CreateOptions::Format::tar_gz;
  // A commit gives the time every entry carries; outside git, the epoch.
  options.mtime = git::in_work_tree(env, dir) ? SLAP_TRY(git::head_time(env, dir)) : 0;
  return archive::create(out, dir, files, options);
}

}  // namespace slap::release
