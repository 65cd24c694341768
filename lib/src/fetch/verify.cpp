#include "fetch/verify.hpp"

#include <fmt/format.h>

#include "slap/strings.hpp"

namespace slap::fetch {

namespace {

bool all_hex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::size_t hex_length(checksum::Algorithm a) {
  switch (a) {
    case checksum::Algorithm::md5: return 32;
    case checksum::Algorithm::sha256: return 64;
    case checksum::Algorithm::sha512: return 128;
  }
  return 0;
}

}  // namespace

Result<Checksum> parse_checksum(std::string_view text) {
  std::string value = str::to_lower(str::strip(text));
  Checksum sum;
  std::string_view hex = value;
  auto colon = hex.find(':');
  if (colon != std::string_view::npos) {
    std::string_view prefix = hex.substr(0, colon);
    hex.remove_prefix(colon + 1);
    if (prefix == "md5") sum.algorithm = checksum::Algorithm::md5;
    else if (prefix == "sha256") sum.algorithm = checksum::Algorithm::sha256;
    else if (prefix == "sha512") sum.algorithm = checksum::Algorithm::sha512;
    else return fail(ErrorKind::input, fmt::format("unknown checksum algorithm '{}' in '{}' (md5, sha256 or sha512)", prefix, text));
  } else if (auto guessed = checksum::algorithm_for_hex(hex)) {
    sum.algorithm = *guessed;
  }
  if (!all_hex(hex) || hex.size() != hex_length(sum.algorithm))
    return fail(ErrorKind::input, fmt::format("invalid checksum '{}': expected {} hex digits for {}", text,
                                              hex_length(sum.algorithm), checksum::name(sum.algorithm)));
  sum.hex = std::string(hex);
  return sum;
}

Status verify_file(const std::string& file, const Checksum& expected, const std::string& url) {
  std::string actual = SLAP_TRY(checksum::file_hex_digest(expected.algorithm, file));
  if (actual != expected.hex)
    return fail(ErrorKind::checksum, fmt::format("checksum mismatch for {}: expected {} {}, got {}", url,
                                                 checksum::name(expected.algorithm), expected.hex, actual));
  return {};
}

}  // namespace slap::fetch
