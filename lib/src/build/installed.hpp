// The installed-state file (zc.buildout's .installed.cfg): which parts are installed, in
// which order, with which options and which paths they created. Values are written with
// buildout's whitespace placeholders so that every option round-trips exactly (a mismatch
// would reinstall the part on every run).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "slap/error.hpp"

namespace slap::build {

struct InstalledPart {
  std::map<std::string, std::string> options;  // without __buildout_installed__
  std::vector<std::string> paths;              // __buildout_installed__
};

struct InstalledState {
  std::vector<std::string> order;
  std::map<std::string, InstalledPart> parts;
};

// A missing file is an empty state.
Result<InstalledState> read_installed(const std::string& file);
// The text of .installed.cfg for `state`.
std::string render_installed(const InstalledState& state);
// Atomic (a reader or a kill -9 never sees half a file); `durable` adds an fsync.
Status write_installed(const std::string& file, const InstalledState& state, bool durable);

// buildout's _save_option / placeholder decoding, exposed for tests.
std::string encode_value(const std::string& value);
std::string decode_value(const std::string& value);

}  // namespace slap::build
