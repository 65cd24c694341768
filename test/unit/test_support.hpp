#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace slap::test {
// A fresh directory under this run's temporary root.
std::string temp_dir(const std::string& name);

// Writes a file, creating its directory.
inline void write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}
}  // namespace slap::test
