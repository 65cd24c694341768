// freeze: compute every missing checksum and revision first, then edit each file once.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "release/freeze_scan.hpp"
#include "release/git.hpp"
#include "release/profile_text.hpp"
#include "slap/checksum.hpp"
#include "slap/fetch.hpp"
#include "slap/fs.hpp"

namespace slap::release {

namespace {

Result<std::string> compute_value(const FreezeTarget& t, const FreezeOptions& options, const std::string& base_dir) {
  if (t.item.kind == FreezeItem::Kind::gitclone)
    return options.resolve_revision ? options.resolve_revision(t.fetch_url, t.branch)
                                    : git::branch_revision(options.environment, t.fetch_url, t.branch);
  std::string local = SLAP_TRY(options.fetcher->fetch(t.fetch_url, std::nullopt, base_dir));
  return checksum::file_hex_digest(checksum::Algorithm::md5, local);
}

Status apply(ProfileText& text, const FreezeTarget& t) {
  switch (t.edit) {
    case FreezeTarget::Edit::insert_after: return text.insert_after(t.item.line, t.anchor, t.option, t.item.value);
    case FreezeTarget::Edit::set_value: return text.set_value(t.item.line, t.option, t.item.value);
    case FreezeTarget::Edit::append_to_word:
      return text.replace_word(t.item.line, t.anchor, t.word, t.word + "#" + t.item.value);
  }
  return {};
}

// Every edit is made in memory before the first file is written.
Result<std::vector<std::string>> write_edits(const std::vector<FreezeTarget>& targets) {
  std::map<std::string, std::vector<const FreezeTarget*>> by_file;
  for (const auto& t : targets)
    if (t.item.reason.empty()) by_file[t.item.file].push_back(&t);
  std::vector<std::pair<std::string, std::string>> texts;
  for (const auto& [file, edits] : by_file) {
    ProfileText text(file, SLAP_TRY(fs::read_file(file)));
    for (const auto* t : edits) SLAP_CHECK(apply(text, *t));
    if (text.changed()) texts.emplace_back(file, text.text());
  }
  std::vector<std::string> changed;
  for (const auto& [file, text] : texts) {
    SLAP_CHECK(rewrite_file(file, text));
    changed.push_back(file);
  }
  return changed;
}

}  // namespace

std::string_view kind_name(FreezeItem::Kind kind) {
  switch (kind) {
    case FreezeItem::Kind::download: return "download";
    case FreezeItem::Kind::patch: return "patch";
    case FreezeItem::Kind::gitclone: return "gitclone";
    case FreezeItem::Kind::egg: return "egg";
  }
  return "";
}

std::size_t FreezeReport::unfixable() const {
  return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [](const FreezeItem& i) { return !i.reason.empty(); }));
}

Result<FreezeReport> freeze(const profile::Profile& profile, const FreezeOptions& options, const Context& ctx) {
  auto targets = SLAP_TRY(scan_unfrozen(profile, ctx));
  FreezeReport report;
  if (!options.check) {
    if (!options.fetcher) return fail(ErrorKind::internal, "freeze needs a fetcher");
    const std::string base_dir(profile.config().find("buildout")->at("directory").value());
    std::size_t fixable = static_cast<std::size_t>(std::count_if(targets.begin(), targets.end(), [](const FreezeTarget& t) { return t.item.reason.empty(); }));
    std::optional<Progress> progress;
    if (fixable) progress.emplace(ctx, "freeze", fixable);
    std::size_t done = 0;
    for (auto& t : targets) {
      if (!t.item.reason.empty()) continue;
      if (ctx.cancelled()) return fail(ErrorKind::interrupted, "freeze interrupted: no file was changed");
      auto value = compute_value(t, options, base_dir);
      if (!value)
        return fail(std::move(value.error())
                        .add_context(fmt::format("while freezing [{}] {} (no file was changed)", t.item.section, t.item.subject)));
      t.item.value = std::move(*value);
      progress->advance(++done);
    }
    progress.reset();
    report.changed_files = SLAP_TRY(write_edits(targets));
  }
  for (auto& t : targets) report.items.push_back(std::move(t.item));
  return report;
}

}  // namespace slap::release
