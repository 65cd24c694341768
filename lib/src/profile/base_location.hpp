// `${:_profile_base_location_}` while profiles are merged.
//
// zc.buildout (slapos.buildout) replaces it by the directory of the file the value is
// written in, spelled as the chain of `extends` that reached the file, unnormalised
// (`component/a/../b`). The same file is reached through thousands of such spellings, so
// slap merges each file once and writes a marker instead: "\0ID\0", where ID names a path
// relative to the directory of the file being merged (or an absolute one). When a merged
// file is included by another, its markers are re-expressed relative to the includer; the
// root file's directory finally turns them into text.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace slap::profile {

class BaseLocations {
 public:
  BaseLocations();

  static bool has_marker(std::string_view value) { return value.find('\0') != std::string_view::npos; }
  // The marker for "the directory of the file being read".
  const std::string& own_marker() const { return own_; }

  // Where an extended file lies for its includer: `relative` to the includer's directory
  // (e.g. "../perl"), or `absolute` (an absolute path or URL prefix). Returns a handle for
  // reanchor().
  std::uint32_t place(bool absolute, const std::string& where);
  // The markers of `value`, from a file at `place`, re-expressed relative to the includer.
  std::string reanchor(std::string_view value, std::uint32_t place);
  // Final text, markers relative to `root_base`.
  std::string resolve(std::string_view value, const std::string& root_base) const;

 private:
  struct Entry {
    bool absolute;
    std::string text;  // suffix ("" or "/../perl") or absolute base
  };
  std::uint32_t intern(bool absolute, std::string text);
  template <typename F>
  std::string rewrite(std::string_view value, F&& map_id) const;

  std::vector<Entry> entries_;
  std::map<std::pair<bool, std::string>, std::uint32_t> ids_;
  // (marker id << 32 | place) -> marker id: each marker moves through each place once.
  std::unordered_map<std::uint64_t, std::uint32_t> moved_;
  std::string own_;
};

}  // namespace slap::profile
