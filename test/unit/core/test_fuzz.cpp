// Every input the fuzzers found a defect with (test/fuzz/regressions/TARGET/*) runs through its
// target again: a crash, a sanitizer report or an escaping exception fails this test.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "targets.hpp"

namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("fuzz regressions replay without a crash") {
  namespace fs = std::filesystem;
  fs::path root = fs::path(SLAP_FUZZ_DIR) / "regressions";
  int replayed = 0;
  for (const auto& target : slap::fuzz::targets()) {
    fs::path dir = root / target.name;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      CAPTURE(entry.path().string());
      CHECK_NOTHROW(target.run(read_all(entry.path())));
      ++replayed;
    }
  }
  CHECK(replayed > 0);
}

TEST_CASE("fuzz targets accept ordinary input") {
  for (const auto& target : slap::fuzz::targets()) {
    CAPTURE(target.name);
    CHECK_NOTHROW(target.run(""));
    CHECK_NOTHROW(target.run("[buildout]\nparts = a\n{{ x }}bytes=0-1"));
  }
}
