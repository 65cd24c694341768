#include "cache/range.hpp"

#include <charconv>

#include "slap/strings.hpp"

namespace slap::cache {

namespace {

// A decimal position; nullopt when not digits or too large for 64 bits.
std::optional<std::uint64_t> position(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// One of "first-last", "first-", "-suffix": false when malformed; `out` gets the range when
// it overlaps the blob.
bool read_spec(std::string_view spec, std::uint64_t size, std::vector<ByteRange>& out) {
  spec = str::strip(spec);
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return false;
  std::string_view first_text = spec.substr(0, dash), last_text = spec.substr(dash + 1);
  if (first_text.empty()) {
    auto suffix = position(last_text);
    if (!suffix) return false;
    if (*suffix > 0 && size > 0) out.push_back({size - std::min(*suffix, size), size - 1});
    return true;
  }
  auto first = position(first_text);
  if (!first) return false;
  std::uint64_t last = UINT64_MAX;
  if (!last_text.empty()) {
    auto given = position(last_text);
    if (!given || *given < *first) return false;
    last = *given;
  }
  if (*first < size) out.push_back({*first, std::min(last, size - 1)});
  return true;
}

}  // namespace

std::optional<std::vector<ByteRange>> satisfiable_ranges(std::string_view header, std::uint64_t size) {
  header = str::strip(header);
  constexpr std::string_view unit = "bytes=";
  if (header.size() < unit.size() || str::to_lower(header.substr(0, unit.size())) != unit) return std::nullopt;
  header.remove_prefix(unit.size());
  std::vector<ByteRange> ranges;
  while (true) {
    auto comma = header.find(',');
    if (!read_spec(header.substr(0, comma), size, ranges)) return std::vector<ByteRange>{};
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return ranges;
}

}  // namespace slap::cache
