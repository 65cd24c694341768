#include "release/freeze_scan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "release/recipe_outputs.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/profile.hpp"
#include "slap/resolver.hpp"
#include "slap/strings.hpp"

namespace slap::release {

using profile::Options;

bool is_download_recipe(std::string_view recipe) {
  static constexpr std::string_view recipes[] = {
      "slapos.recipe.cmmi", "slapos.recipe.build", "slapos.recipe.build:download",
      "slapos.recipe.build:download-unpacked", "slapos.recipe.template", "slapos.recipe.template:jinja2",
      "hexagonit.recipe.download", "hexagonit.recipe.cmmi", "collective.recipe.template"};
  return std::find(std::begin(recipes), std::end(recipes), recipe) != std::end(recipes);
}

Result<std::vector<std::string>> resolve_parts(profile::Resolver& resolver) {
  SLAP_CHECK(resolver.init_buildout());
  Options& buildout = *SLAP_TRY(resolver.section("buildout"));
  for (const auto& part : str::split_ws(SLAP_TRY(buildout.get("parts")).value_or(""))) {
    auto section = resolver.section(part);
    if (!section) return fail(std::move(section.error()).add_context(fmt::format("while resolving part '{}'", part)));
  }
  return resolver.parts();
}

namespace {

// zc.buildout compares distribution names case-insensitively, '-', '_' and '.' alike.
std::string egg_key(std::string_view name) {
  std::string key = str::to_lower(name);
  std::replace_if(key.begin(), key.end(), [](char c) { return c == '_' || c == '.'; }, '-');
  return key;
}

// Where an edit of an option goes: the file and line of the `=` that set its value.
struct Place {
  std::string file;
  std::uint32_t line = 0;
  std::string reason;  // set when the place cannot be edited
};

class Scanner {
 public:
  Scanner(const profile::Profile& profile, profile::Resolver& resolver, std::string parts_directory)
      : profile_(profile), resolver_(resolver), parts_directory_(std::move(parts_directory)) {}

  Status scan(const std::string& part);
  std::vector<FreezeTarget> targets;

 private:
  Status scan_download(Options& o);
  Status scan_patches(Options& o);
  Status scan_gitclone(Options& o);
  Status scan_eggs(Options& o, const std::string& recipe);
  Place defined_at(const profile::Key* key, std::string_view option) const;
  Result<std::vector<std::pair<Place, std::string>>> written_words(const profile::Key& key);
  Result<const profile::ParsedOption*> written_option(const std::string& file, std::uint32_t line);
  Result<const std::set<std::string>*> needs_no_pin();
  bool built(std::string_view value) const { return produced_by_build(value, parts_directory_); }
  void add(FreezeTarget target);

  const profile::Profile& profile_;
  profile::Resolver& resolver_;
  std::map<std::string, profile::ParsedFile> parsed_;
  std::string parts_directory_;
  std::optional<std::set<std::string>> needs_no_pin_;
  std::string versions_section_;
};

Place Scanner::defined_at(const profile::Key* key, std::string_view option) const {
  if (!key) return {{}, 0, fmt::format("{} is not written in any profile file", option)};
  auto history = key->history();
  auto it = std::find_if(history.rbegin(), history.rend(), [](const profile::HistoryEntry& h) {
    return h.op == profile::Op::set || h.op == profile::Op::override_value;
  });
  const profile::Origin& o = it == history.rend() ? key->origin() : it->origin;
  if (o.source < profile::first_file_source || o.line == 0)
    return {{}, 0, fmt::format("{} is set by {}", option, profile_.source_name(o.source))};
  std::string file = profile_.source_name(o.source);
  if (path::is_url(file)) return {file, o.line, fmt::format("{} is defined in the remote profile {}", option, file)};
  return {path::normpath(file), o.line, {}};
}

Result<const profile::ParsedOption*> Scanner::written_option(const std::string& file, std::uint32_t line) {
  auto it = parsed_.find(file);
  if (it == parsed_.end()) {
    auto text = SLAP_TRY(fs::read_file(file));
    it = parsed_.emplace(file, SLAP_TRY(profile::parse(text, file))).first;
  }
  for (const auto& section : it->second.sections)
    for (const auto& option : section.options)
      if (option.line == line) return &option;
  return nullptr;
}

// The words of a list option as the files write them (`=` then `+=`), each with its line.
Result<std::vector<std::pair<Place, std::string>>> Scanner::written_words(const profile::Key& key) {
  std::vector<std::pair<Place, std::string>> out;
  for (const auto& h : key.history()) {
    if (h.op == profile::Op::remove) return fail(ErrorKind::input, "some are removed with -=");
    if (h.op == profile::Op::directory) continue;
    if (h.op != profile::Op::add) out.clear();
    if (h.origin.source < profile::first_file_source) return fail(ErrorKind::input, "some are not written in a file");
    std::string file = profile_.source_name(h.origin.source);
    if (path::is_url(file)) return fail(ErrorKind::input, "some are written in a remote profile");
    file = path::normpath(file);
    const auto* option = SLAP_TRY(written_option(file, h.origin.line));
    if (!option) return fail(ErrorKind::input, fmt::format("{}:{} holds no option", file, h.origin.line));
    for (auto& w : str::split_ws(option->value)) out.push_back({{file, h.origin.line, {}}, std::move(w)});
  }
  return out;
}

// Eggs pinned in [versions], and eggs a zc.recipe.egg:develop part builds from a checkout.
Result<const std::set<std::string>*> Scanner::needs_no_pin() {
  if (needs_no_pin_) return &*needs_no_pin_;
  needs_no_pin_.emplace();
  Options& buildout = *SLAP_TRY(resolver_.section("buildout"));
  versions_section_ = SLAP_TRY(buildout.get("versions")).value_or("");
  if (!versions_section_.empty()) {
    Options& versions = *SLAP_TRY(resolver_.section(versions_section_));
    for (const auto& name : versions.keys()) needs_no_pin_->insert(egg_key(name));
  }
  for (const auto& part : resolver_.parts()) {
    Options& o = *SLAP_TRY(resolver_.section(part));
    if (SLAP_TRY(o.get("recipe")).value_or("").ends_with(":develop"))
      needs_no_pin_->insert(egg_key(SLAP_TRY(o.get("egg")).value_or("")));
  }
  return &*needs_no_pin_;
}

void Scanner::add(FreezeTarget target) {
  for (auto& t : targets) {
    const FreezeItem &a = t.item, &b = target.item;
    if (a.file != b.file || a.line != b.line || t.option != target.option || t.word != target.word || a.kind != b.kind)
      continue;
    if (t.fetch_url != target.fetch_url && t.item.reason.empty())
      t.item.reason = fmt::format("{}:{} is shared by [{}] and [{}] with different values ({} and {}): "
                                  "set {} in each part", a.file, a.line, a.section, b.section, t.fetch_url,
                                  target.fetch_url, t.item.missing);
    return;
  }
  targets.push_back(std::move(target));
}

}  // namespace

namespace {

FreezeTarget make_target(FreezeItem::Kind kind, const std::string& section, const Place& place, std::string subject,
                         std::string missing) {
  FreezeTarget t;
  t.item.kind = kind;
  t.item.section = section;
  t.item.file = place.file;
  t.item.line = place.line;
  t.item.subject = std::move(subject);
  t.item.missing = std::move(missing);
  t.item.reason = place.reason;
  return t;
}

// A checksum option that exists but is empty is rewritten in place; one that is missing
// is added after `anchor`.
void place_edit(FreezeTarget& t, const profile::Key* existing, const std::string& option, std::string_view anchor) {
  t.option = option;
  t.edit = existing ? FreezeTarget::Edit::set_value : FreezeTarget::Edit::insert_after;
  t.anchor = existing ? option : std::string(anchor);
  if (existing && !existing->value().empty() && t.item.reason.empty())
    t.item.reason = fmt::format("{} = {} resolves to an empty value", option, existing->value());
}

}  // namespace

Status Scanner::scan_download(Options& o) {
  std::string url = SLAP_TRY(o.get("url")).value_or("");
  // A url produced by another part (its `target`) is that part's download.
  if (url.empty() || built(url) || !SLAP_TRY(o.get("md5sum")).value_or("").empty())
    return {};
  const profile::Key* md5 = o.raw_key("md5sum");
  Place place = md5 ? defined_at(md5, "md5sum") : defined_at(o.raw_key("url"), "url");
  auto t = make_target(FreezeItem::Kind::download, o.name(), place, url, "md5sum");
  place_edit(t, md5, "md5sum", "url");
  t.fetch_url = url;
  add(std::move(t));
  return {};
}

Status Scanner::scan_patches(Options& o) {
  auto value = SLAP_TRY(o.get("patches"));
  if (!value) return {};
  auto entries = str::split_ws(*value);
  if (std::all_of(entries.begin(), entries.end(), [this](const std::string& e) {
        return str::contains(e, "#") || built(e);
      }))
    return {};
  const profile::Key* key = o.raw_key("patches");
  auto written = key ? written_words(*key) : fail(ErrorKind::input, "set by a recipe");
  Place fallback = defined_at(key, "patches");
  if (written && written->size() != entries.size())
    written = fail(ErrorKind::input, "the entries come from ${} references");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (str::contains(entries[i], "#") || built(entries[i])) continue;
    Place place = written ? (*written)[i].first : fallback;
    if (!written && place.reason.empty())
      place.reason = fmt::format("cannot tell which patches entry of the profile text gives '{}' ({}): "
                                 "add #MD5 to it by hand", entries[i], written.error().message);
    auto t = make_target(FreezeItem::Kind::patch, o.name(), place, entries[i], "#md5");
    t.edit = FreezeTarget::Edit::append_to_word;
    t.anchor = "patches";
    if (written) t.word = (*written)[i].second;
    t.fetch_url = entries[i];
    add(std::move(t));
  }
  return {};
}

Status Scanner::scan_gitclone(Options& o) {
  std::string repository = SLAP_TRY(o.get("repository")).value_or("");
  if (repository.empty() || built(repository) ||
      !SLAP_TRY(o.get("revision")).value_or("").empty())
    return {};
  const profile::Key* revision = o.raw_key("revision");
  Place place = revision ? defined_at(revision, "revision") : defined_at(o.raw_key("repository"), "repository");
  std::string branch = SLAP_TRY(o.get("branch")).value_or("");
  if (branch.empty()) branch = "master";
  auto t = make_target(FreezeItem::Kind::gitclone, o.name(), place, repository + " " + branch, "revision");
  place_edit(t, revision, "revision", "repository");
  t.fetch_url = repository;
  t.branch = branch;
  add(std::move(t));
  return {};
}

Status Scanner::scan_eggs(Options& o, const std::string& recipe) {
  if (recipe.ends_with(":develop")) return {};  // a local checkout, not a picked version
  std::string option = recipe.ends_with(":custom") ? "egg" : "eggs";
  std::string value = SLAP_TRY(o.get(option)).value_or(option == "egg" ? o.name() : "");
  const auto* pins = SLAP_TRY(needs_no_pin());
  for (const auto& line : str::split(value, "\n")) {
    std::string_view requirement = str::strip(line);
    std::string name(requirement.substr(0, requirement.find_first_of("[<>=!~; \t")));
    if (name.empty() || str::contains(requirement, "==") || built(requirement) ||
        pins->contains(egg_key(name)))
      continue;
    Place place = defined_at(o.raw_key(option), option);
    if (place.reason.empty())
      place.reason = fmt::format("slap cannot resolve Python package versions: pin it with '{} = VERSION' in [{}]",
                                 name, versions_section_.empty() ? "versions" : versions_section_);
    add(make_target(FreezeItem::Kind::egg, o.name(), place, name, "version pin"));
  }
  return {};
}

Status Scanner::scan(const std::string& part) {
  Options& o = *SLAP_TRY(resolver_.section(part));
  std::string recipe = SLAP_TRY(o.get("recipe")).value_or("");
  if (recipe == "slapos.recipe.build:gitclone") return scan_gitclone(o);
  if (recipe.starts_with("zc.recipe.egg")) return scan_eggs(o, recipe);
  if (!is_download_recipe(recipe)) return {};
  SLAP_CHECK(scan_download(o));
  return scan_patches(o);
}

Result<std::vector<FreezeTarget>> scan_unfrozen(const profile::Profile& profile, const Context& ctx) {
  RecipeOutputsHook hook(profile);
  profile::Resolver resolver(profile, &hook);
  auto parts = SLAP_TRY(resolve_parts(resolver));
  Options& buildout = *SLAP_TRY(resolver.section("buildout"));
  Scanner scanner(profile, resolver, SLAP_TRY(buildout.get("parts-directory")).value_or(""));
  for (const auto& part : parts) {
    if (ctx.cancelled()) return fail(ErrorKind::interrupted, "freeze interrupted");
    auto status = scanner.scan(part);
    if (!status) return fail(std::move(status.error()).add_context(fmt::format("while checking part '{}'", part)));
  }
  return std::move(scanner.targets);
}

}  // namespace slap::release
