#include "release/hash_sites.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "slap/paths.hpp"
#include "slap/profile.hpp"

namespace slap::release {

namespace {

constexpr std::string_view base_location_ref = "${:_profile_base_location_}/";

const profile::ParsedOption* find_option(const profile::ParsedSection& section, std::string_view name) {
  for (const auto& o : section.options)
    if (o.name == name) return &o;
  return nullptr;
}

bool is_md5_hex(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Expands ${:name} references to the section's own literal options; false when a
// reference cannot be expanded that way.
bool expand_own_references(std::string& value, const profile::ParsedSection& section) {
  std::size_t pos;
  while ((pos = value.find("${")) != std::string::npos) {
    std::size_t close = value.find('}', pos);
    if (close == std::string::npos || value.compare(pos, 3, "${:") != 0) return false;
    const auto* option = find_option(section, std::string_view(value).substr(pos + 3, close - pos - 3));
    if (!option || option->value.find("${") != std::string::npos) return false;
    value.replace(pos, close + 1 - pos, option->value);
  }
  return true;
}

HashSite site_for(const std::string& file, const profile::ParsedSection& section, std::string target) {
  HashSite site;
  site.section = section.name;
  site.section_line = section.line;
  if (const auto* md5 = find_option(section, "md5sum")) {
    site.md5_line = md5->line;
    site.recorded = md5->value;
  }
  site.path = path::join(path::dirname(file), target);
  site.target = std::move(target);
  return site;
}

}  // namespace

bool is_hash_file(std::string_view file) { return path::basename(file) == "buildout.hash.cfg"; }

Result<std::vector<HashSite>> hash_file_sites(const std::string& file, std::string_view text) {
  auto parsed = SLAP_TRY(profile::parse(text, file));
  std::vector<HashSite> sites;
  for (const auto& section : parsed.sections) {
    std::string target = section.name;
    for (const auto& option : section.options) {
      if (option.name == "filename" || option.name == "_update_hash_filename_")
        target = option.value;
      else if (option.name != "md5sum")
        return fail(ErrorKind::input, fmt::format("Unknown key: '{}'", option.name),
                    {file, static_cast<int>(option.line), 1});
    }
    sites.push_back(site_for(file, section, std::move(target)));
  }
  return sites;
}

Result<std::vector<HashSite>> template_sites(const std::string& file, std::string_view text) {
  auto parsed = SLAP_TRY(profile::parse(text, file));
  std::vector<HashSite> sites;
  for (const auto& section : parsed.sections) {
    const auto* url = find_option(section, "url");
    const auto* md5 = find_option(section, "md5sum");
    if (!url || !md5 || !url->value.starts_with(base_location_ref) || !is_md5_hex(md5->value)) continue;
    std::string target = url->value.substr(base_location_ref.size());
    if (!expand_own_references(target, section)) continue;
    sites.push_back(site_for(file, section, std::move(target)));
  }
  return sites;
}

}  // namespace slap::release
