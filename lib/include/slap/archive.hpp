// Archive extraction (tar, tar.gz/bz2/xz/zst, zip via libarchive) that refuses entries
// escaping the target, and reproducible archive creation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "slap/error.hpp"

namespace slap::archive {

enum class Strip {
  never,     // keep the archive layout
  always,    // the archive must have exactly one top-level directory; use its content
  automatic, // strip when the archive holds exactly one top-level directory and nothing else
};

struct ExtractOptions {
  Strip strip = Strip::automatic;
  std::string subdirectory;  // keep only this directory of the archive (after stripping)
};

// Extracts into `dest` (created if needed; existing entries of the same name are replaced).
// Entries with absolute paths, `..` components, paths through a symlink, symlinks/hardlinks
// pointing outside `dest`, and device files are refused: nothing is written to `dest` and
// the error (ErrorKind::input) names the entry. Permission bits and symlinks are kept,
// owners are not.
Status extract(const std::string& archive_file, const std::string& dest, const ExtractOptions& options = {});

struct CreateOptions {
  std::int64_t mtime = 0;         // every entry gets this mtime
  std::string prefix;             // prepended to every entry path ("name-1.0/")
  enum class Format { tar_gz, tar } format = Format::tar_gz;
};

// Writes `root_dir` (or only `paths`, relative to it, when not empty) as an archive whose
// bytes depend only on the content: sorted entries, uid/gid 0, owner "root", fixed mtime,
// normalised modes (0644 / 0755), no extended attributes, gzip without name/timestamp.
// Written atomically.
Status create(const std::string& out_file, const std::string& root_dir,
              const std::vector<std::string>& paths, const CreateOptions& options = {});

}  // namespace slap::archive
