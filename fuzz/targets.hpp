// Fuzz targets: each feeds untrusted bytes to one reader of slap. A target returns
// normally when the reader accepts the input or refuses it with a slap::Error; anything
// else (a crash, a sanitizer report, another exception escaping) is a finding.
// The same functions run under libFuzzer (fuzz/main_libfuzzer.cpp, `meson -Dfuzz=true`
// with clang) and replay the saved findings in the unit tests (test/unit/core/test_fuzz.cpp).
#pragma once

#include <span>
#include <string_view>

namespace slap::fuzz {

struct Target {
  std::string_view name;  // also the directory of its seeds and regressions
  void (*run)(std::string_view input);
};

// Every target, in a fixed order.
std::span<const Target> targets();

}  // namespace slap::fuzz
