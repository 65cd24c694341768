// Disk usage of a partition directory, as `du -s`: allocated blocks, each inode once,
// symbolic links not followed, other file systems included (a partition's mounts are its).
#include <ftw.h>
#include <sys/stat.h>

#include <set>
#include <utility>

#include "slap/usage.hpp"

namespace slap::usage {

namespace {

// nftw() takes a plain function: the walk's state lives here, one walk per thread.
thread_local std::int64_t walk_bytes = 0;
thread_local std::set<std::pair<dev_t, ino_t>>* walk_links = nullptr;

int visit(const char*, const struct stat* st, int type, FTW*) {
  if (type == FTW_NS) return 0;  // unreadable: not counted
  if (st->st_nlink > 1 && !S_ISDIR(st->st_mode) && !walk_links->emplace(st->st_dev, st->st_ino).second) return 0;
  walk_bytes += static_cast<std::int64_t>(st->st_blocks) * 512;
  return 0;
}

}  // namespace

std::int64_t disk_usage(const std::string& dir) {
  std::set<std::pair<dev_t, ino_t>> links;
  walk_links = &links;
  walk_bytes = 0;
  ::nftw(dir.c_str(), visit, 32, FTW_PHYS);
  walk_links = nullptr;
  return walk_bytes;
}

}  // namespace slap::usage
