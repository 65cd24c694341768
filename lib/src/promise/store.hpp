// What a run keeps in the partition (layout in slap/promise.hpp): result files in
// slapgrid's format, bounded histories and logs. Writes are atomic or appends.
#pragma once

#include <string>
#include <vector>

#include "slap/error.hpp"
#include "slap/promise.hpp"

namespace slap::promise {

inline constexpr std::size_t log_rotate_size = 1 << 20;
inline constexpr std::size_t history_compact_size = 64 * 1024;

struct Store {
  std::string partition;

  std::string state_dir() const;  // DIR/.slapgrid/promise
  std::string result_file(const std::string& title) const;
  std::string history_file(const std::string& title) const;
  std::string log_file(const std::string& title) const;
  std::string lock_file() const;
  std::string bang_log() const;   // DIR/.slapgrid/log/promise-bang.log

  Status make_dirs() const;
  // Appends history.back() to the history file (one JSON object per line: an append,
  // not a rewrite, keeps a run of many promises fast); once the file has grown past
  // history_compact_size, rewrites it with the last history_limit senses of `history`.
  Status record_sense(const std::string& title, const std::vector<Sense>& history) const;
  Status write_result(const Report& report) const;
  // "DATE - INFO|ERROR - RUNID - message", as GenericPromise logs a sense.
  Status log_sense(const std::string& title, const Sense& sense, const std::string& run_id) const;
  // Removes result and history files of promises that no longer exist.
  void remove_stale(const std::vector<Promise>& promises) const;
};

// Appends `line` (plus a newline) to `file`, first moving it to FILE.1 when it has grown
// past log_rotate_size.
Status append_rotated(const std::string& file, const std::string& line);

}  // namespace slap::promise
