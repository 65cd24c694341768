#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "slap/checksum.hpp"

namespace slap::test {
// A fresh directory under this run's temporary root.
std::string temp_dir(const std::string& name);

// Writes a file, creating its directory.
inline void write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Hex digests of `data`.
inline std::string md5(std::string_view data) { return checksum::hex_digest(checksum::Algorithm::md5, data); }
inline std::string sha512(std::string_view data) { return checksum::hex_digest(checksum::Algorithm::sha512, data); }
}  // namespace slap::test
