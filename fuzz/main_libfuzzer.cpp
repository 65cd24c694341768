// libFuzzer's entry point for the target named by SLAP_FUZZ_TARGET (one binary per target).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "targets.hpp"

namespace {

void (*chosen())(std::string_view) {
  for (const auto& t : slap::fuzz::targets())
    if (t.name == SLAP_FUZZ_TARGET) return t.run;
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto run = chosen();
  run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
