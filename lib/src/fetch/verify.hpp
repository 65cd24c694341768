// Checking a file against its expected digest.
#pragma once

#include <string>

#include "slap/fetch.hpp"

namespace slap::fetch {

// ErrorKind::checksum "checksum mismatch for URL: expected md5 X, got Y" (`url` names the
// file as the user gave it).
Status verify_file(const std::string& file, const Checksum& expected, const std::string& url);

}  // namespace slap::fetch
