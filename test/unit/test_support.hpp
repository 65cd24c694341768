#pragma once

#include <fstream>
#include <string>

namespace slap::test {
// A fresh directory under this run's temporary root.
std::string temp_dir(const std::string& name);

inline void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}
}  // namespace slap::test
