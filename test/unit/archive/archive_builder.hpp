// Builds test archives member by member with libarchive, including members no honest
// archiver would write (`../x`, absolute paths, links leading out, devices).
#pragma once

#include <string>
#include <vector>

namespace slap::test {

struct Member {
  enum class Type { file, dir, symlink, hardlink, device };
  std::string name;
  Type type = Type::file;
  std::string data;  // file content, or link target
  unsigned mode = 0644;
};

enum class ArchiveKind { tar, tar_gz, tar_bz2, tar_xz, tar_zst, tar_lz, zip };

void make_archive(const std::string& path, const std::vector<Member>& members,
                  ArchiveKind kind = ArchiveKind::tar_gz);

}  // namespace slap::test
