// The byte ranges a Range header (RFC 9110 §14.1.2) asks of a blob, worked out before
// cpp-httplib sees them: it computes a bogus Content-Length for a range that starts past
// the end ("bytes=999999999999-" on 200 MB answered 206 with 18446743073909551617).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace slap::cache {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive, below the blob's size
};

// nullopt: nothing to honour (no header, another unit): 200 with every byte. Otherwise the
// satisfiable ranges, clamped to the blob, in request order; none (a malformed header, or
// no range overlapping the blob) means 416 with "Content-Range: bytes */SIZE".
std::optional<std::vector<ByteRange>> satisfiable_ranges(std::string_view header, std::uint64_t size);

}  // namespace slap::cache
