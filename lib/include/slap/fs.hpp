// File helpers. Every persistent write goes through AtomicFile: write to a temporary file
// in the target directory, fsync, rename on commit(). Destroying an uncommitted
// AtomicFile removes the temporary file, so a reader never sees half a file. A symlink is
// followed (the file it names is replaced, the link stays); a device or FIFO is written in
// place, never renamed over; a directory is refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "slap/error.hpp"

namespace slap::fs {

Result<std::string> read_file(const std::string& path);
bool exists(const std::string& path) noexcept;
bool is_dir(const std::string& path) noexcept;
// The size of the file at `path`; 0 when it cannot be stat()ed.
std::uint64_t size_or_zero(const std::string& path) noexcept;
Status make_dirs(const std::string& path, unsigned mode = 0777);
Status remove_all(const std::string& path);
std::string current_dir();

class AtomicFile {
 public:
  static Result<AtomicFile> create(std::string target, unsigned mode = 0644);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile();

  Status write(std::string_view data);
  // fsync, then rename over the target. With durable = false the data is
  // only renamed into place: readers (and a kill -9) never see half a file, but a power
  // loss may lose it. For files that are cheap to recreate (build outputs, logs).
  Status commit(bool durable = true);
  // Where the bytes go until commit(): the temporary file, or the target written in place.
  const std::string& writing_path() const { return temp_.empty() ? target_ : temp_; }

 private:
  AtomicFile(std::string target, std::string temp, int fd)
      : target_(std::move(target)), temp_(std::move(temp)), fd_(fd) {}
  std::string target_;
  std::string temp_;
  int fd_ = -1;
};

// Where a writer stages `target` before renaming it into place: ".NAME.KIND-PID-" in the
// same directory, to be completed by mkstemp/mkdtemp's XXXXXX. Staging files and
// directories of writers that died before their rename (kill -9) are removed first, once
// their process is gone.
std::string staging_prefix(const std::string& target, std::string_view kind);

// fsync of an existing file (e.g. one written by a non-durable commit).
Status sync_file(const std::string& path);
// fsync of a directory: makes the renames and creations in it durable.
Status sync_dir(const std::string& dir);

// One-shot: AtomicFile::create + write + commit.
Status write_atomic(const std::string& path, std::string_view data, unsigned mode = 0644, bool durable = true);

}  // namespace slap::fs
