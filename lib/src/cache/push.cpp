// Pushing a whole directory (the download cache) to Shacache: hash everything, ask once
// what the cache lacks, send only that.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <set>

#include "slap/cache.hpp"
#include "slap/checksum.hpp"

namespace slap::cache {

namespace {

// Regular files under `dir`, sorted, skipping ".*" names and repeated inodes (hard links).
Result<std::vector<Pushed>> list_files(const std::string& dir) {
  std::vector<std::pair<Pushed, std::pair<dev_t, ino_t>>> found;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename().string().starts_with(".")) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    found.push_back({{it->path().string(), "", static_cast<std::uint64_t>(st.st_size), false}, {st.st_dev, st.st_ino}});
  }
  if (ec) return fail(ErrorKind::io, fmt::format("cannot list {}: {}", dir, ec.message()));
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first.path < b.first.path; });
  std::vector<Pushed> files;
  std::set<std::pair<dev_t, ino_t>> seen;
  for (auto& [file, inode] : found)
    if (seen.insert(inode).second) files.push_back(std::move(file));
  return files;
}

}  // namespace

Result<std::vector<Pushed>> push_tree(Client& client, const std::string& dir) {
  std::vector<Pushed> unique;
  std::vector<std::string> digests;
  std::set<std::string> known;
  for (auto& file : SLAP_TRY(list_files(dir))) {
    file.sha512 = SLAP_TRY(checksum::file_hex_digest(checksum::Algorithm::sha512, file.path));
    if (!known.insert(file.sha512).second) continue;
    digests.push_back(file.sha512);
    unique.push_back(std::move(file));
  }
  auto missing = SLAP_TRY(client.missing(digests, Side::upload));
  std::set<std::string> wanted(missing.begin(), missing.end());
  for (auto& file : unique) {
    if (!wanted.contains(file.sha512)) continue;
    auto posted = client.post_blob(file.path, file.sha512);
    if (!posted) return fail(std::move(posted.error().add_context(fmt::format("pushing {}", file.path))));
    file.uploaded = true;
  }
  return unique;
}

}  // namespace slap::cache
