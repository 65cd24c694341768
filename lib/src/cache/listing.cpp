// Listing the directory store page by page, for `slap sync`: the shards are walked in name
// order, so a page ends at a name and the next one starts after it.
#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <functional>
#include <memory>

#include "slap/cache_store.hpp"
#include "slap/checksum.hpp"
#include "slap/fd.hpp"
#include "slap/fs.hpp"

namespace slap::cache {

namespace {

bool is_hex(std::string_view name, std::size_t size) {
  return name.size() == size &&
         std::all_of(name.begin(), name.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The names in `dir` not starting with '.', sorted; none when `dir` does not exist.
Result<std::vector<std::string>> sorted_names(const std::string& dir) {
  UniqueDir handle(::opendir(dir.c_str()));
  if (!handle) {
    if (errno == ENOENT) return std::vector<std::string>{};
    return fail(ErrorKind::io, fmt::format("cannot list {}: {}", dir, std::strerror(errno)));
  }
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(handle.get()))
    if (e->d_name[0] != '.') names.emplace_back(e->d_name);
  std::sort(names.begin(), names.end());
  return names;
}

// Told each file's directory and name; returns false to end the walk.
using Visit = std::function<Result<bool>(const std::string& dir, const std::string& name)>;

// Visits the files `levels` shard directories below `dir` in name order, skipping names up
// to `after`. A shard is named by the next two hex digits of the names it holds, so only
// the shards on `after`'s own path need the comparison below them.
Result<bool> walk_shards(const std::string& dir, int levels, std::string_view after, std::size_t depth,
                         const Visit& visit) {
  for (const auto& name : SLAP_TRY(sorted_names(dir))) {
    if (levels == 0) {
      if (name <= after && !after.empty()) continue;
      if (!SLAP_TRY(visit(dir, name))) return false;
      continue;
    }
    std::string_view bound = after.size() >= depth + 2 ? after.substr(depth, 2) : std::string_view();
    if (!is_hex(name, 2) || name < bound) continue;
    std::string_view below = name == bound ? after : std::string_view();
    if (!SLAP_TRY(walk_shards(dir + "/" + name, levels - 1, below, depth + 2, visit))) return false;
  }
  return true;
}

}  // namespace

Result<std::vector<StoredBlob>> Store::list_blobs(std::string_view after, std::size_t limit) const {
  std::vector<StoredBlob> blobs;
  if (limit == 0) return blobs;
  Visit visit = [&](const std::string& dir, const std::string& name) -> Result<bool> {
    std::string file = dir + "/" + name;
    struct stat st {};
    if (is_sha512_hex(name) && blob_path(name) == file && ::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode))
      blobs.push_back({name, static_cast<std::uint64_t>(st.st_size)});
    return blobs.size() < limit;
  };
  SLAP_TRY(walk_shards(root_ + "/shacache", 2, after, 0, visit));
  return blobs;
}

Result<std::vector<StoredKey>> Store::list_keys(std::string_view after, std::size_t limit, std::string_view glob,
                                                std::uint64_t max_bytes) const {
  std::vector<StoredKey> keys;
  if (limit == 0) return keys;
  std::string pattern(glob);
  std::uint64_t bytes = 0;
  Visit visit = [&](const std::string& dir, const std::string& name) -> Result<bool> {
    std::string file = dir + "/" + name;
    // Lists written before keys were kept beside them cannot be named: they are skipped.
    if (!is_hex(name, 64) || !fs::exists(file + ".key")) return true;
    std::string key = SLAP_TRY(fs::read_file(file + ".key"));
    if (entries_path(key) != file || (!pattern.empty() && ::fnmatch(pattern.c_str(), key.c_str(), 0) != 0))
      return true;
    std::string list = SLAP_TRY(fs::read_file(file));
    auto entries = parse_entries(list);
    if (!entries) return fail(ErrorKind::io, fmt::format("{}: corrupt entry list", file));
    keys.push_back({std::move(key), name, std::move(*entries)});
    bytes += list.size();
    return keys.size() < limit && bytes < max_bytes;
  };
  SLAP_TRY(walk_shards(root_ + "/shadir", 1, after, 0, visit));
  return keys;
}

}  // namespace slap::cache
