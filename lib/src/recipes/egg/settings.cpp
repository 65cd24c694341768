#include "recipes/egg/settings.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "recipes/common.hpp"
#include "slap/strings.hpp"

namespace slap::recipes::egg {

namespace {

constexpr const char* default_index = "https://pypi.org/simple";

Result<bool> buildout_flag(profile::Options& buildout, const std::string& name, bool fallback) {
  auto v = SLAP_TRY(buildout.get(name));
  if (!v || str::strip(*v).empty()) return fallback;
  return str::strip(*v) == "true";
}

}  // namespace

std::vector<std::string> option_lines(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& l : str::split(text, "\n"))
    if (!str::strip(l).empty()) out.emplace_back(str::strip(l));
  return out;
}

Result<std::map<std::string, PatchSet>> read_patches(profile::Options& options, const std::string& egg) {
  auto get = [&](const std::string& name, const std::string& key, const std::string& fallback) -> Result<std::string> {
    if (auto v = SLAP_TRY(options.get(name + "-" + key))) return *v;
    if (auto v = SLAP_TRY(options.get(key))) return *v;
    return fallback;
  };
  std::vector<std::string> names;
  for (const auto& k : options.keys())
    if (k.ends_with("-patches") && k != "-patches") names.push_back(k.substr(0, k.size() - 8));
  if (!egg.empty() && std::find(names.begin(), names.end(), egg) == names.end()) names.push_back(egg);
  std::map<std::string, PatchSet> out;
  for (const auto& name : names) {
    PatchSet set;
    std::string option = options.has(name + "-patches") ? name + "-patches" : "patches";
    for (const auto& line : option_lines(SLAP_TRY(get(name, "patches", "")))) {
      Patch p;
      auto hash = line.rfind('#');
      p.url = hash == std::string::npos ? line : line.substr(0, hash);
      if (hash != std::string::npos) {
        auto sum = fetch::parse_checksum(line.substr(hash + 1));
        if (!sum) return fail(option_error(options, option, sum.error().message));
        p.checksum = *sum;
      }
      set.patches.push_back(std::move(p));
    }
    if (set.patches.empty()) continue;
    set.options = str::join(str::split_ws(SLAP_TRY(get(name, "patch-options", "-p0"))), " ");
    set.binary = SLAP_TRY(get(name, "patch-binary", "patch"));
    std::string revision = SLAP_TRY(get(name, "patch-revision", std::to_string(set.patches.size())));
    set.version_suffix = fmt::format("+SlapOSPatched{:03d}", std::strtol(revision.c_str(), nullptr, 10));
    out[canonical_name(name)] = std::move(set);
  }
  return out;
}

Result<bool> strict_bool(profile::Options& options, const std::string& name, bool fallback) {
  auto v = SLAP_TRY(options.get(name));
  if (!v || v->empty()) return fallback;
  if (*v == "true") return true;
  if (*v == "false") return false;
  return fail(option_error(options, name, fmt::format("Invalid value for {} option: {}", name, *v)));
}

Result<EggSettings> read_settings(profile::Resolver& resolver, profile::Options& options, const Env& env) {
  EggSettings s;
  s.part = options.name();
  auto* b = SLAP_TRY(resolver.section("buildout"));
  s.buildout_dir = SLAP_TRY(b->at("directory"));

  auto links = SLAP_TRY(options.get("find-links"));
  if (!links) links = SLAP_TRY(b->get("find-links"));
  s.find_links = str::split_ws(links.value_or(""));

  auto index = SLAP_TRY(options.get("index"));
  if (!index) index = SLAP_TRY(b->get("index"));
  s.index_given = index.has_value();
  s.index = index ? std::string(str::strip(*index)) : default_index;

  s.allow_hosts = option_lines(SLAP_TRY(b->get("allow-hosts")).value_or("*"));
  if (std::find(s.allow_hosts.begin(), s.allow_hosts.end(), "*") != s.allow_hosts.end()) s.allow_hosts.clear();

  s.eggs_dir = SLAP_TRY(b->at("eggs-directory"));
  s.develop_eggs_dir = SLAP_TRY(b->at("develop-eggs-directory"));

  // SlapOS' zc.recipe.egg: `python` names the section whose `executable` runs the eggs.
  auto python = SLAP_TRY(options.get("python"));
  bool own_python = python.has_value();
  if (!python) python = SLAP_TRY(b->get("python"));
  std::string section(str::strip(python.value_or("")));
  // A path there (no such section, a '/') is the interpreter itself, as for slapos.recipe.build.
  if (!section.empty() && !resolver.profile().config().find(section) && section.find('/') != std::string::npos)
    s.executable = section;
  else if (!section.empty()) {
    auto p = resolver.section(section);
    if (!p) return fail(own_python ? options.located(std::move(p.error()), "python") : std::move(p.error()));
    s.executable = SLAP_TRY((*p)->at("executable"));
  }
  if (s.executable.empty()) s.executable = "python3";

  s.newest = SLAP_TRY(buildout_flag(*b, "newest", true)) && !SLAP_TRY(buildout_flag(*b, "offline", false));
  s.prefer_final = SLAP_TRY(buildout_flag(*b, "prefer-final", true));
  s.allow_picked_versions = SLAP_TRY(buildout_flag(*b, "allow-picked-versions", true));
  s.allow_unknown_extras = SLAP_TRY(buildout_flag(*b, "allow-unknown-extras", false));
  s.versions_section = std::string(str::strip(SLAP_TRY(b->get("versions")).value_or("")));
  SLAP_CHECK(read_versions(resolver, s));

  s.environment = SLAP_TRY(environment(resolver, options, env.environment, true));
  s.setup_eggs = option_lines(SLAP_TRY(optional(options, "setup-eggs")));
  return s;
}

void set_links_options(profile::Options& options, const EggSettings& settings) {
  if (!settings.find_links.empty()) options.set("find-links", str::join(settings.find_links, "\n"));
  if (settings.index_given) options.set("index", settings.index);
}

Status read_versions(profile::Resolver& resolver, EggSettings& settings) {
  settings.versions.clear();
  if (settings.versions_section.empty()) return {};
  auto* section = SLAP_TRY(resolver.section(settings.versions_section));
  for (const auto& [k, v] : SLAP_TRY(section->values())) settings.versions[canonical_name(k)] = v;
  return {};
}

void warn_unused(profile::Options& options, const Context* ctx) {
  std::vector<std::string> unused;
  for (const auto& k : options.keys())
    if (options.raw_key(k) && !options.accessed(k)) unused.push_back(k);
  if (unused.empty() || !ctx) return;
  std::sort(unused.begin(), unused.end());
  std::vector<std::string> quoted;
  for (const auto& u : unused) quoted.push_back("'" + u + "'");
  ctx->warn(fmt::format("Section `{}` contains unused option(s): {}.\nThis may be an indication for either a typo "
                        "in the option's name or a bug in the used recipe.",
                        options.name(), str::join(quoted, " ")));
}

Result<std::unique_ptr<Workspace>> Workspace::open(const EggSettings& egg, const Env& env, const InstallContext& ic,
                                                   Build build) {
  std::unique_ptr<Workspace> w(new Workspace(egg, env));
  w->settings_.python = SLAP_TRY(python_info(egg.executable, egg.environment));
  w->settings_.environment = egg.environment;
  w->settings_.build_ext = std::move(build.build_ext);
  w->settings_.patches = std::move(build.patches);
  w->finder_ = std::make_unique<Finder>(Finder::Options{egg.find_links, egg.index, egg.allow_hosts, egg.buildout_dir},
                                        env.fetcher, env.ctx);
  w->provider_ = std::make_unique<PipProvider>(*w->finder_, env, w->settings_, ic);
  if (egg.setup_eggs.empty()) return w;
  // zc.recipe.egg:custom's setup-eggs (SlapOS): eggs the build itself imports.
  auto ws = SLAP_TRY(w->installer(egg.eggs_dir, {egg.develop_eggs_dir}).install(egg.setup_eggs));
  std::vector<std::string> paths;
  for (const auto& d : ws) paths.push_back(d.location);
  if (std::string old = process::lookup(w->settings_.environment, "PYTHONPATH"); !old.empty()) paths.push_back(old);
  process::set(w->settings_.environment, "PYTHONPATH", str::join(paths, ":"));
  w->provider_ = std::make_unique<PipProvider>(*w->finder_, env, w->settings_, ic);
  return w;
}

Installer Workspace::installer(const std::string& dest, const std::vector<std::string>& path) {
  InstallerOptions o;
  o.dest = dest;
  o.path = path;
  o.versions = egg_.versions;
  o.newest = egg_.newest;
  o.prefer_final = egg_.prefer_final;
  o.allow_picked_versions = egg_.allow_picked_versions;
  o.allow_unknown_extras = egg_.allow_unknown_extras;
  o.python_version = settings_.python.version;
  o.platform = settings_.python.platform;
  o.wheel_tags = settings_.python.tags;
  for (const auto& [key, set] : settings_.patches) o.patched[key] = set.version_suffix;
  return Installer(std::move(o), *provider_, settings_.python.markers, env_.ctx);
}

}  // namespace slap::recipes::egg
