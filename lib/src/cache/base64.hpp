// Standard base64 (RFC 4648, padded) for signatures and Basic auth.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace slap::cache {

std::string base64_encode(std::string_view bytes);
// Whitespace (line breaks of wrapped encoders) is ignored; anything else invalid = nullopt.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace slap::cache
