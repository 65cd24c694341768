#include "archive/entry_guard.hpp"

#include <sys/stat.h>

#include <fmt/format.h>

#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::archive {

Error refusal(const std::string& archive_file, std::string_view entry, std::string_view reason) {
  return Error(ErrorKind::input, fmt::format("{}: refusing entry '{}': {}", archive_file, entry, reason));
}

Result<std::string> EntryGuard::relative(std::string_view name, std::string_view shown) const {
  if (path::is_abs(name)) return fail(refusal(archive_file_, shown, "absolute path"));
  std::vector<std::string> kept;
  for (auto& part : str::split(name, "/")) {
    if (part == "..") return fail(refusal(archive_file_, shown, "'..' in its path"));
    if (!part.empty() && part != ".") kept.push_back(std::move(part));
  }
  return str::join(kept, "/");
}

Status EntryGuard::no_symlink_on_the_way(const std::string& rel, std::string_view shown) {
  for (auto slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', slash + 1)) {
    std::string prefix = rel.substr(0, slash);
    if (real_dirs_.contains(prefix)) continue;
    struct stat st {};
    if (::lstat(path::join(root_, prefix).c_str(), &st) != 0) return {};  // created later, as a directory
    if (S_ISLNK(st.st_mode))
      return fail(refusal(archive_file_, shown, fmt::format("its path goes through the symlink '{}'", prefix)));
    real_dirs_.insert(prefix);
  }
  return {};
}

Result<std::string> EntryGuard::check(archive_entry* entry) {
  const char* raw = la_.archive_entry_pathname(entry);
  std::string name = raw ? raw : "";
  std::string rel = SLAP_TRY(relative(name, name));
  SLAP_CHECK(no_symlink_on_the_way(rel, name));
  if (const char* hardlink = la_.archive_entry_hardlink(entry)) {
    auto target = relative(hardlink, name);
    if (!target) return fail(refusal(archive_file_, name, fmt::format("hard link to '{}' outside the destination", hardlink)));
    SLAP_CHECK(no_symlink_on_the_way(*target, name));
    return rel;
  }
  switch (la_.archive_entry_filetype(entry)) {
    case AE_IFREG:
    case AE_IFDIR:
      return rel;
    case AE_IFLNK: {
      const char* raw_target = la_.archive_entry_symlink(entry);
      std::string target = raw_target ? raw_target : "";
      std::string resolved = path::normpath(path::join(path::dirname(rel), target));
      if (path::is_abs(target) || resolved == ".." || str::starts_with(resolved, "../"))
        return fail(refusal(archive_file_, name, fmt::format("symlink to '{}' outside the destination", target)));
      real_dirs_.clear();  // it may replace a directory checked before
      return rel;
    }
    default:
      return fail(refusal(archive_file_, name, "device or special file"));
  }
}

}  // namespace slap::archive
