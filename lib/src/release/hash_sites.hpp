// Where md5sums of local files are recorded: the sections of a buildout.hash.cfg, and the
// sections of other .cfg files whose `url` is ${:_profile_base_location_}/FILE.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "slap/error.hpp"

namespace slap::release {

struct HashSite {
  std::string section;
  std::uint32_t section_line = 0;
  std::uint32_t md5_line = 0;  // 0: the section has no md5sum yet
  std::string recorded;
  std::string target;  // as the profile names it, relative to the file's directory
  std::string path;    // the file to hash
};

bool is_hash_file(std::string_view path);

// A buildout.hash.cfg: every section names a file (filename, _update_hash_filename_, or
// the section name). Keys other than those and md5sum are an error, as upstream.
Result<std::vector<HashSite>> hash_file_sites(const std::string& file, std::string_view text);

// Any other .cfg: sections with `url = ${:_profile_base_location_}/...` and a literal
// md5sum; ${:option} references to the section's own options in the url are expanded.
Result<std::vector<HashSite>> template_sites(const std::string& file, std::string_view text);

}  // namespace slap::release
