#include "release/recipe_outputs.hpp"

#include <fmt/format.h>

namespace slap::release {

namespace {

constexpr std::string_view marker = "<built:";

// Calls f(section, option) for each ${section:option} of `value` ($${ is an escape).
template <typename F>
void each_reference(std::string_view value, const std::string& current, F&& f) {
  for (std::size_t pos = value.find("${"); pos != std::string_view::npos; pos = value.find("${", pos + 2)) {
    if (pos > 0 && value[pos - 1] == '$') continue;
    std::size_t close = value.find('}', pos);
    if (close == std::string_view::npos) return;
    std::string_view inner = value.substr(pos + 2, close - pos - 2);
    std::size_t colon = inner.find(':');
    if (colon == std::string_view::npos) continue;
    std::string section(inner.substr(0, colon));
    f(section.empty() ? current : section, std::string(inner.substr(colon + 1)));
  }
}

}  // namespace

RecipeOutputsHook::RecipeOutputsHook(const profile::Profile& profile) {
  const auto& config = profile.config();
  for (const auto& name : config.names())
    for (const auto& [option, key] : *config.find(name))
      each_reference(key.value(), name, [&](std::string s, std::string o) { referenced_[std::move(s)].insert(std::move(o)); });
}

Status RecipeOutputsHook::init(profile::Resolver& resolver, profile::Options& section) {
  SLAP_CHECK(location_.init(resolver, section));
  auto it = referenced_.find(section.name());
  if (it == referenced_.end()) return {};
  for (const auto& option : it->second) {
    if (section.has(option)) continue;
    section.set(option, fmt::format("{}{}:{}>", marker, section.name(), option));
    given_.push_back(fmt::format("[{}] {}", section.name(), option));
  }
  return {};
}

bool produced_by_build(std::string_view value, std::string_view parts_directory) {
  if (value.find(marker) != std::string_view::npos) return true;
  if (value.starts_with("file://")) value.remove_prefix(7);
  return !parts_directory.empty() && value.starts_with(parts_directory) && value.size() > parts_directory.size() &&
         value[parts_directory.size()] == '/';
}

}  // namespace slap::release
