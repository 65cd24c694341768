#include "profile/base_location.hpp"

#include <charconv>

namespace slap::profile {

namespace {
void append_marker(std::string& out, std::uint32_t id) {
  out += '\0';
  out += std::to_string(id);
  out += '\0';
}
}  // namespace

BaseLocations::BaseLocations() { append_marker(own_, intern(false, "")); }

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
    map_id(out, id);
    pos = close + 1;
  }
  out.append(value.substr(pos));
  return out;
}

// A place is an entry like a marker's: a suffix below the includer's directory, or an
// absolute base.
std::uint32_t BaseLocations::place(bool absolute, const std::string& where) {
  return intern(absolute, absolute ? where : "/" + where);
}

std::string BaseLocations::reanchor(std::string_view value, std::uint32_t place) {
  return rewrite(value, [&](std::string& out, std::uint32_t id) {
    if (entries_[id].absolute) return append_marker(out, id);
    auto [it, added] = moved_.try_emplace(std::uint64_t{id} << 32 | place, 0);
    if (added) it->second = intern(entries_[place].absolute, entries_[place].text + entries_[id].text);
    append_marker(out, it->second);
  });
}

std::string BaseLocations::resolve(std::string_view value, const std::string& root_base) const {
  return rewrite(value, [&](std::string& out, std::uint32_t id) {
    const Entry& e = entries_[id];
    if (!e.absolute) out += root_base;
    out += e.text;
  });
}

}  // namespace slap::profile
