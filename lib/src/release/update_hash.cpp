// update-hash: recompute the md5sum of every local file a profile pins, and rewrite only
// the md5sum lines that changed (spec/release-process.md §2).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "release/hash_sites.hpp"
#include "release/profile_text.hpp"
#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/profile.hpp"
#include "slap/release.hpp"
#include "slap/strings.hpp"

namespace slap::release {

namespace {

Result<std::vector<HashSite>> sites_of(const std::string& file, std::string_view text, const Context& ctx) {
  if (is_hash_file(file)) return hash_file_sites(file, text);
  auto sites = template_sites(file, text);
  if (!sites) {
    // Files named .cfg that are not profiles (Jinja2 instance templates) hold no sites.
    ctx.debug(fmt::format("update-hash: skipping {}: {}", file, sites.error().describe()));
    return std::vector<HashSite>{};
  }
  return sites;
}

Result<HashEntry> update_site(const std::string& file, const HashSite& site, ProfileText& text) {
  HashEntry entry{file, site.md5_line ? site.md5_line : site.section_line, site.section, site.target,
                  site.recorded, {}, HashEntry::State::match};
  if (!fs::exists(site.path) || fs::is_dir(site.path)) {
    entry.state = HashEntry::State::missing;
    return entry;
  }
  entry.actual = SLAP_TRY(checksum::file_hex_digest(checksum::Algorithm::md5, site.path));
  if (entry.actual == entry.recorded) return entry;
  entry.state = HashEntry::State::updated;
  if (site.md5_line)
    SLAP_CHECK(text.set_value(site.md5_line, "md5sum", entry.actual));
  else
    SLAP_CHECK(text.insert_in_section(site.section_line, "md5sum", entry.actual));
  return entry;
}

bool extends_hash_file(const std::string& file) {
  auto text = fs::read_file(file);
  if (!text) return false;
  auto parsed = profile::parse(*text, file);
  if (!parsed) return false;
  auto* buildout = parsed->find("buildout");
  if (!buildout) return false;
  for (const auto& option : buildout->options)
    if (option.name == "extends")
      for (const auto& name : str::split_ws(option.value))
        if (path::normpath(name) == "buildout.hash.cfg") return true;
  return false;
}

}  // namespace

std::size_t HashReport::count(HashEntry::State s) const {
  return static_cast<std::size_t>(std::count_if(entries.begin(), entries.end(), [s](const HashEntry& e) { return e.state == s; }));
}

std::optional<Error> HashReport::missing_error() const {
  std::vector<std::string> lines;
  const HashEntry* first = nullptr;
  for (const auto& e : entries) {
    if (e.state != HashEntry::State::missing) continue;
    if (!first) first = &e;
    else lines.push_back(fmt::format("  also {}:{}: [{}] file '{}' does not exist", e.file, e.line, e.section, e.target));
  }
  if (!first) return std::nullopt;
  std::string message = fmt::format("[{}] file '{}' does not exist (the file holding it was left unchanged)",
                                    first->section, first->target);
  for (const auto& l : lines) message += "\n" + l;
  return Error(ErrorKind::input, std::move(message), {first->file, static_cast<int>(first->line), 1});
}

Result<HashReport> update_hash(const std::vector<std::string>& files, bool dry_run, const Context& ctx) {
  HashReport report;
  for (const auto& file : files) {
    if (ctx.cancelled()) return fail(ErrorKind::interrupted, "update-hash interrupted");
    auto text = SLAP_TRY(fs::read_file(file));
    auto sites = SLAP_TRY(sites_of(file, text, ctx));
    ProfileText edited(file, text);
    bool missing = false;
    for (const auto& site : sites) {
      auto entry = SLAP_TRY(update_site(file, site, edited));
      missing = missing || entry.state == HashEntry::State::missing;
      report.entries.push_back(std::move(entry));
    }
    if (missing || !edited.changed()) continue;
    report.changed_files.push_back(file);
    if (!dry_run) SLAP_CHECK(rewrite_file(file, edited.text()));
  }
  return report;
}

std::vector<std::string> hash_files_under(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  namespace sfs = std::filesystem;
  for (auto it = sfs::recursive_directory_iterator(dir, ec); !ec && it != sfs::recursive_directory_iterator();
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (it->is_directory() && name.starts_with('.')) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && name.ends_with(".cfg")) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> hash_files_in(const std::string& dir) {
  std::vector<std::string> out;
  std::string hash_file = path::join(dir, "buildout.hash.cfg");
  if (fs::exists(hash_file)) out.push_back(hash_file);
  std::error_code ec;
  std::vector<std::string> profiles;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string file = e.path().string();
    if (e.is_regular_file() && file.ends_with(".cfg") && file != hash_file && extends_hash_file(file))
      profiles.push_back(file);
  }
  std::sort(profiles.begin(), profiles.end());
  out.insert(out.end(), profiles.begin(), profiles.end());
  return out;
}

std::vector<std::string> local_sources(const profile::Profile& profile) {
  std::vector<std::string> out;
  for (const auto& s : profile.sources()) {
    if (path::is_url(s)) continue;
    std::string file = path::normpath(s);  // one file reached through several `..` spellings
    if (std::find(out.begin(), out.end(), file) == out.end()) out.push_back(std::move(file));
  }
  return out;
}

}  // namespace slap::release
