// Decides whether an archive entry may be written under the extraction root: no absolute
// path, no `..`, no special file, no link leading outside the root, and no path that
// passes through a symlink an earlier entry created.
#pragma once

#include <string>
#include <unordered_set>

#include "archive/handles.hpp"
#include "slap/error.hpp"

namespace slap::archive {

// ErrorKind::input "ARCHIVE: refusing entry 'NAME': REASON".
Error refusal(const std::string& archive_file, std::string_view entry, std::string_view reason);

class EntryGuard {
 public:
  EntryGuard(const detail::ArchiveApi& la, std::string root, std::string archive_file)
      : la_(la), root_(std::move(root)), archive_file_(std::move(archive_file)) {}

  // The entry's path relative to the root, normalised ("" for the root itself).
  Result<std::string> check(archive_entry* entry);

 private:
  Result<std::string> relative(std::string_view name, std::string_view shown) const;
  Status no_symlink_on_the_way(const std::string& rel, std::string_view shown);

  const detail::ArchiveApi& la_;
  std::string root_;
  std::string archive_file_;
  std::unordered_set<std::string> real_dirs_;  // prefixes known to be directories
};

}  // namespace slap::archive
