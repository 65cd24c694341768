// lint: the profile resolves, every download is pinned by a checksum, templates parse,
// and software.cfg.json names valid schemas that exist.
#include <fmt/format.h>

#include "release/freeze_scan.hpp"
#include "release/recipe_outputs.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/resolver.hpp"
#include "slap/template.hpp"

namespace slap::release {

namespace {

LintProblem from_error(std::string rule, const Error& e, const std::string& fallback_file) {
  std::string message = e.message;
  for (const auto& c : e.context) message += fmt::format(" ({})", c);
  return {std::move(rule), e.where.file.empty() ? fallback_file : e.where.file,
          static_cast<std::uint32_t>(std::max(e.where.line, 0)), {}, std::move(message)};
}

void lint_checksums(const profile::Profile& profile, const Context& ctx, LintReport& report) {
  auto targets = scan_unfrozen(profile, ctx);
  if (!targets) return;  // the profile check reports why it does not resolve
  for (const auto& t : *targets) {
    const FreezeItem& i = t.item;
    if (i.kind == FreezeItem::Kind::download)
      report.problems.push_back({"checksum", i.file, i.line, {}, fmt::format("[{}] downloads {} without md5sum", i.section, i.subject)});
    else if (i.kind == FreezeItem::Kind::patch)
      report.problems.push_back({"checksum", i.file, i.line, {}, fmt::format("[{}] patch {} has no #md5", i.section, i.subject)});
  }
}

// The local file a url names, or "" for remote URLs.
std::string local_path(const std::string& url) {
  if (url.starts_with("file://")) return url.substr(7);
  return path::is_url(url) ? std::string() : url;
}

// Templates rendered by Jinja2: the source of every jinja2 part, and files named like
// Jinja2 instance templates that the release downloads.
bool is_jinja2_name(std::string_view file) {
  for (std::string_view suffix : {".jinja2", ".j2", ".jinja2.in", ".cfg.in"})
    if (file.ends_with(suffix)) return true;
  return false;
}

void parse_template(const tmpl::Environment& env, std::string_view text, const std::string& name, LintReport& report) {
  auto parsed = env.parse(text, name);
  if (!parsed) report.problems.push_back(from_error("template", parsed.error(), name));
}

void lint_templates(const profile::Report& resolved, const Context& ctx, LintReport& report) {
  tmpl::Environment env;
  const auto& buildout = resolved.resolved.at("buildout").options;
  auto parts_dir = buildout.find("parts-directory");
  std::string parts_directory = parts_dir == buildout.end() ? "" : parts_dir->second;
  for (const auto& part : resolved.order) {
    const auto& section = resolved.resolved.at(part);
    if (section.error) continue;
    const auto& o = section.options;
    auto get = [&](const char* k) { auto it = o.find(k); return it == o.end() ? std::string() : it->second; };
    bool jinja2 = get("recipe") == "slapos.recipe.template:jinja2";
    if (jinja2 && o.contains("inline")) parse_template(env, get("inline"), fmt::format("[{}] inline", part), report);
    std::string file = local_path(get("url"));
    if (file.empty() || produced_by_build(file, parts_directory) || (!jinja2 && !is_jinja2_name(file))) continue;
    auto text = fs::read_file(file);
    if (!text) {
      report.problems.push_back({"missing-file", file, 0, {}, fmt::format("[{}] url names a file that cannot be read: {}", part, text.error().message)});
      continue;
    }
    ctx.debug(fmt::format("lint: parsing template {}", file));
    parse_template(env, *text, file, report);
  }
}

}  // namespace

LintReport lint(const profile::Profile& profile, const LintOptions& options, const Context& ctx) {
  LintReport report;
  RecipeOutputsHook hook(profile);
  auto resolved = profile::resolve_all(profile, hook);
  if (!resolved) {
    report.problems.push_back(from_error("profile", resolved.error(), profile.root()));
  } else {
    for (const auto& [part, e] : resolved->part_errors)
      report.problems.push_back(from_error("profile", e, profile.root()));
    lint_templates(*resolved, ctx, report);
  }
  if (std::size_t n = hook.placeholders().size())
    report.notes.push_back(fmt::format("{} option{} set by recipes when they build (e.g. {}) taken as given", n,
                                       n == 1 ? " is" : "s are", hook.placeholders().front()));
  if (options.checksums) lint_checksums(profile, ctx, report);
  std::string software_json = path::join(path::dirname(profile.root()), "software.cfg.json");
  if (fs::exists(software_json)) {
    auto problems = lint_software_json(software_json);
    report.problems.insert(report.problems.end(), problems.begin(), problems.end());
  } else {
    report.notes.push_back(fmt::format("no software.cfg.json next to {}: no schema to check", profile.root()));
  }
  return report;
}

}  // namespace slap::release
