// slap show: the resolved profile with the origin of every value (like buildout annotate),
// or the raw/resolved/order views as JSON.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "profile_args.hpp"
#include "slap/build.hpp"
#include "slap/resolver.hpp"
#include "slap/strings.hpp"

namespace slap::cli {

namespace {

struct ShowOptions {
  ProfileArgs profile;
  bool raw = false;
};

nlohmann::json raw_view(const profile::Profile& p, const std::string& only) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& name : p.config().names()) {
    if (!only.empty() && name != only) continue;
    nlohmann::json sec = nlohmann::json::object();
    for (const auto& [k, key] : *p.config().find(name)) sec[k] = key.value();
    out[name] = std::move(sec);
  }
  return out;
}

nlohmann::json report_json(const profile::Profile& p, const profile::Report& r, const std::string& only) {
  nlohmann::json resolved = nlohmann::json::object();
  int errors = 0;
  for (const auto& [name, sec] : r.resolved) {
    if (sec.error) ++errors;
    if (!only.empty() && name != only) continue;
    if (sec.error) resolved[name] = {{"__error__", profile::error_label(*sec.error)}};
    else resolved[name] = sec.options;
  }
  nlohmann::json part_errors = nlohmann::json::object();
  for (const auto& [part, e] : r.part_errors) part_errors[part] = profile::error_label(e);
  return {{"profile", p.root()}, {"raw", raw_view(p, only)}, {"resolved", std::move(resolved)},
          {"order", r.order}, {"part_errors", std::move(part_errors)}, {"errors", errors}};
}

// One option in annotate style: "name = value" then its origin(s), indented.
void print_option(Terminal& t, const profile::Profile& p, const std::string& name, const std::string& value,
                  const profile::Key* key) {
  auto lines = str::split(value, "\n");
  std::string text = t.style(Style::bold, name) + " =" + (value.empty() ? "" : " " + lines[0]) + "\n";
  for (std::size_t i = 1; i < lines.size(); ++i) text += "    " + lines[i] + "\n";
  if (!key) {
    text += t.style(Style::dim, "    (set by recipe)") + "\n";
  } else {
    // Newest first until the value was last set: the += / -= that built it, then the set.
    std::vector<std::string> origins;
    auto history = key->history();
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
      const char* prefix = it->op == profile::Op::add ? "+=  " : it->op == profile::Op::remove ? "-=  " : "    ";
      origins.push_back(prefix + p.describe(it->origin));
      if (it->op != profile::Op::add && it->op != profile::Op::remove) break;
    }
    for (auto it = origins.rbegin(); it != origins.rend(); ++it) text += t.style(Style::dim, *it) + "\n";
  }
  t.out(text);
}

void print_human(Terminal& t, const profile::Profile& p, const profile::Report& r, bool raw, const std::string& only) {
  std::vector<std::string> names = p.config().names();
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    if (!only.empty() && name != only) continue;
    t.out(t.style(Style::good, "[" + name + "]") + "\n");
    const auto& sec = r.resolved.at(name);
    const profile::Section& rawsec = *p.config().find(name);
    if (sec.error && !raw) {
      t.out(t.style(Style::bad, "  error: " + sec.error->describe()) + "\n\n");
      continue;
    }
    if (raw) {
      for (const auto& [k, key] : rawsec) print_option(t, p, k, std::string(key.value()), &key);
    } else {
      for (const auto& [k, v] : sec.options) {
        auto it = rawsec.find(k);
        print_option(t, p, k, v, it == rawsec.end() ? nullptr : &it->second);
      }
    }
    t.out("\n");
  }
  if (!r.order.empty()) t.out(t.style(Style::dim, "# install order: " + str::join(r.order, " ")) + "\n");
}

// A reference to an option the section itself does not define, in a section with a recipe:
// recipes set options when they run (download sets `target`), which `show` does not do.
// Returns that section's name, or "" for a genuine error.
std::string set_by_recipe(const profile::Profile& p, const Error& e) {
  if (e.cls != "MissingOption" || e.message.starts_with("Missing option:")) return {};
  auto colon = e.subject.find(':');
  if (colon == std::string::npos) return {};
  std::string section = e.subject.substr(0, colon);
  return profile::has_recipe(p, section) ? section : std::string();
}

Result<Outcome> run_show(Env& env, ShowOptions& o) {
  auto overrides = SLAP_TRY(take_overrides(o.profile.positional));
  if (o.profile.positional.size() > 1)
    return fail(ErrorKind::usage, fmt::format("expected one SECTION[:OPTION], got '{}'", str::join(o.profile.positional, " ")));
  std::string section, option;
  if (!o.profile.positional.empty()) {
    const std::string& what = o.profile.positional[0];
    auto colon = what.find(':');
    section = what.substr(0, colon);
    if (colon != std::string::npos) option = what.substr(colon + 1);
  }
  auto loaded = SLAP_TRY(load_profile(env, o.profile, overrides));
  // Shared parts are shown where `slap build` puts them.
  auto build_options = SLAP_TRY(base_build_options(env, false));
  auto hook = build::show_hook(build_options);
  auto report = SLAP_TRY(profile::resolve_all(loaded, *hook));
  if (!section.empty() && !loaded.config().contains(section))
    return fail(Error(ErrorKind::input, fmt::format("no section [{}] in {}", section, loaded.root())).with_class("MissingSection"));

  Outcome out;
  const auto& sec = section.empty() ? report.resolved.end() : report.resolved.find(section);
  if (!option.empty()) {
    if (sec->second.error) return fail(sec->second.error.value());
    auto it = sec->second.options.find(option);
    if (it == sec->second.options.end())
      return fail(Error(ErrorKind::input, fmt::format("[{}] has no option '{}'", section, option)).with_class("MissingOption"));
    out.result = {{"section", section}, {"option", option}, {"value", it->second}};
    if (!env.term.json()) env.term.out(it->second + "\n");
    return out;
  }
  if (sec != report.resolved.end() && sec->second.error) return fail(sec->second.error.value());
  out.result = report_json(loaded, report, section);
  if (!env.term.json()) print_human(env.term, loaded, report, o.raw, section);
  for (const auto& [part, e] : report.part_errors) {
    if (part == "buildout") {
      env.ctx.warn(fmt::format("{}: [buildout] has no 'parts' option: nothing would be installed", loaded.root()));
    } else if (std::string recipe_section = set_by_recipe(loaded, e); !recipe_section.empty()) {
      env.ctx.warn(fmt::format("part '{}': ${{{}}} is not known until the recipe of [{}] runs", part, e.subject, recipe_section));
    } else if (!out.error) {
      out.error = e;
      out.error->message = fmt::format("part '{}' cannot be installed: {}", part, e.message);
    }
  }
  return out;
}

}  // namespace

void add_show_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<ShowOptions>();
  auto* sub = app.add_subcommand("show", "print the resolved profile, with where each value comes from");
  add_profile_option(*sub, opts->profile);
  sub->add_flag("--raw", opts->raw, "show values before ${} substitution and <= macros");
  sub->add_option("args", opts->profile.positional, "[SECTION[:OPTION]] [section:option=value...]");
  sub->callback([&action, opts] { action = [opts](Env& env) { return run_show(env, *opts); }; });
}

}  // namespace slap::cli
