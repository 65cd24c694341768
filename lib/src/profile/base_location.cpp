#include "profile/base_location.hpp"

#include <charconv>

namespace slap::profile {

namespace {
std::string marker(std::uint32_t id) { return '\0' + std::to_string(id) + '\0'; }
}  // namespace

BaseLocations::BaseLocations() { own_ = marker(intern(false, "")); }

std::uint32_t BaseLocations::intern(bool absolute, std::string text) {
  auto key = std::make_pair(absolute, text);
  if (auto it = ids_.find(key); it != ids_.end()) return it->second;
  auto id = static_cast<std::uint32_t>(entries_.size());
  entries_.push_back({absolute, std::move(text)});
  ids_.emplace(std::move(key), id);
  return id;
}

template <typename F>
std::string BaseLocations::rewrite(std::string_view value, F&& map_id) const {
  std::string out;
  out.reserve(value.size());
  std::size_t pos = 0;
  while (true) {
    std::size_t open = value.find('\0', pos);
    if (open == std::string_view::npos) break;
    std::size_t close = value.find('\0', open + 1);
    out.append(value.substr(pos, open - pos));
    std::uint32_t id = 0;
    std::from_chars(value.data() + open + 1, value.data() + close, id);
    out += map_id(id);
    pos = close + 1;
  }
  out.append(value.substr(pos));
  return out;
}

std::string BaseLocations::reanchor_relative(std::string_view value, const std::string& relative) {
  return rewrite(value, [&](std::uint32_t id) {
    Entry e = entries_[id];
    if (e.absolute) return marker(id);
    return marker(intern(false, "/" + relative + e.text));
  });
}

std::string BaseLocations::reanchor_absolute(std::string_view value, const std::string& base) {
  return rewrite(value, [&](std::uint32_t id) {
    Entry e = entries_[id];
    if (e.absolute) return marker(id);
    return marker(intern(true, base + e.text));
  });
}

std::string BaseLocations::resolve(std::string_view value, const std::string& root_base) const {
  return rewrite(value, [&](std::uint32_t id) {
    const Entry& e = entries_[id];
    return e.absolute ? e.text : root_base + e.text;
  });
}

}  // namespace slap::profile
