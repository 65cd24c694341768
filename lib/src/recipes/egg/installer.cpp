#include "recipes/egg/installer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <set>

#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes::egg {

namespace {

constexpr const char* not_picked_text =
    "Picked: {0} = {1}\n\n"
    "The `{0}` egg does not have a version pin and `allow-picked-versions = false`.\n\n"
    "To resolve this, add\n\n    {0} = {1}\n\nto the [versions] section,\n\n"
    "OR set `allow-picked-versions = true`.";

Error user_error(std::string message) { return Error(ErrorKind::input, std::move(message)).with_class("UserError"); }

// pkg_resources orders distributions of one project by version, then precedence
// (an egg before a develop egg of the same version), then location.
bool better(const Distribution& a, const Distribution& b) {
  if (a.version != b.version) return a.version > b.version;
  if (a.develop != b.develop) return !a.develop;
  return a.location > b.location;
}

std::string pin_of(const std::map<std::string, std::string>& versions, const std::string& key) {
  auto it = versions.find(key);
  return it == versions.end() ? std::string() : std::string(str::strip(it->second));
}

}  // namespace

Installer::Installer(InstallerOptions options, Provider& provider, MarkerEnvironment markers, const Context* ctx)
    : options_(std::move(options)), provider_(provider), markers_(std::move(markers)), ctx_(ctx) {
  env_ = scan_directory(options_.dest);
  for (const auto& dir : options_.path) {
    if (dir == options_.dest) continue;
    auto found = scan_directory(dir);
    env_.insert(env_.end(), found.begin(), found.end());
  }
}

bool Installer::compatible(const Distribution& d) const {
  if (!d.py_version.empty() && !options_.python_version.empty() && d.py_version != options_.python_version) return false;
  return d.platform.empty() || options_.platform.empty() || d.platform == options_.platform;
}

bool Installer::compatible(const Candidate& c) const {
  if (c.kind == PackageKind::egg)
    return c.py_version.empty() || options_.python_version.empty() || c.py_version == options_.python_version;
  if (c.kind != PackageKind::wheel || options_.wheel_tags.empty()) return true;
  return std::any_of(c.tags.begin(), c.tags.end(), [&](const std::string& t) {
    return std::find(options_.wheel_tags.begin(), options_.wheel_tags.end(), t) != options_.wheel_tags.end();
  });
}

// _constrain(): a [versions] pin replaces the requirement's own clauses (after checking
// they allow it); a pin starting with < or > is added to them.
Result<Requirement> Installer::constrain(Requirement req) const {
  std::string pin = pin_of(options_.versions, req.key);
  if (pin.ends_with(":whl")) pin = std::string(str::rstrip(pin.substr(0, pin.size() - 4)));
  if (pin.empty()) return req;
  if (pin[0] != '<' && pin[0] != '>') {
    std::string version = pin;
    if (pin.starts_with('=')) {
      if (!pin.starts_with("==")) return fail(user_error(fmt::format("Invalid [versions] constraint for {}: {}", req.name, pin)));
      version = std::string(str::strip(pin.substr(2)));
    }
    if (!req.contains(Version::parse(version)))
      return fail(user_error(fmt::format("The requirement ({}) is not allowed by your [versions] constraint ({})",
                                         str::string_repr(req.str()), version)));
    req.specifier = SLAP_TRY(SpecifierSet::parse("==" + version));
    return req;
  }
  auto extra = SpecifierSet::parse(pin);
  if (!extra) return fail(user_error(fmt::format("Invalid [versions] constraint for {}: {}", req.name, pin)));
  req.specifier.clauses.insert(req.specifier.clauses.end(), extra->clauses.begin(), extra->clauses.end());
  return req;
}

std::vector<Distribution> Installer::existing(const Requirement& req) const {
  std::vector<Distribution> out;
  for (const auto& d : env_)
    if (d.key == req.key && compatible(d) && req.contains(d.version)) out.push_back(d);
  std::sort(out.begin(), out.end(), better);
  return out;
}

// _obtain(): the best file for the requirement (final releases first with prefer-final).
// SlapOS' `NAME = VERSION:whl` pins ask for the wheel; other pins prefer a source
// distribution to a wheel of the same version. The index is asked only when the
// find-links have no usable file: a pinned egg found locally needs no network. A pin on
// a patched version (VERSION+SlapOSPatchedNNN) is met by the sdist of VERSION.
std::optional<Candidate> Installer::obtain(const Requirement& req, bool source_only) {
  if (auto found = obtain_exact(req, source_only)) return found;
  auto patched = options_.patched.find(req.key);
  auto pin = req.specifier.pinned();
  if (patched == options_.patched.end() || !pin || !str::to_lower(*pin).ends_with(str::to_lower(patched->second)))
    return std::nullopt;
  Requirement source = req;
  auto exact = SpecifierSet::parse("==" + pin->substr(0, pin->size() - patched->second.size()));
  if (!exact) return std::nullopt;
  source.specifier = std::move(*exact);
  return obtain_exact(source, true);
}

std::optional<Candidate> Installer::obtain_exact(const Requirement& req, bool source_only) {
  std::string pin = pin_of(options_.versions, req.key);
  bool wheel_only = pin.ends_with(":whl");
  std::vector<Candidate> cands;
  for (bool with_index : {false, true}) {
    for (auto& c : provider_.available(req, with_index)) {
      if (c.key != req.key || !compatible(c) || !req.contains(c.version)) continue;
      if (source_only && c.kind != PackageKind::sdist) continue;
      if (wheel_only && c.kind != PackageKind::wheel) continue;
      cands.push_back(std::move(c));
    }
    if (!cands.empty()) break;
  }
  if (options_.prefer_final && std::any_of(cands.begin(), cands.end(), [](const Candidate& c) { return !c.version.is_prerelease(); }))
    std::erase_if(cands, [](const Candidate& c) { return c.version.is_prerelease(); });
  if (cands.empty()) return std::nullopt;
  auto rank = [&](const Candidate& c) {
    int r = c.kind == PackageKind::wheel ? 3 : c.kind == PackageKind::egg ? 2 : 1;
    return !pin.empty() && !wheel_only ? 4 - r : r;
  };
  return *std::max_element(cands.begin(), cands.end(), [&](const Candidate& a, const Candidate& b) {
    if (a.version != b.version) return a.version < b.version;
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return a.url < b.url;
  });
}

// _satisfied(): an installed distribution, or a file to install, or neither.
Result<std::pair<std::optional<Distribution>, std::optional<Candidate>>> Installer::satisfied(const Requirement& req,
                                                                                               bool source_only) {
  using Answer = std::pair<std::optional<Distribution>, std::optional<Candidate>>;
  auto dists = existing(req);
  if (dists.empty()) return Answer{std::nullopt, obtain(req, source_only)};
  for (const auto& d : dists)
    if (d.develop) return Answer{d, std::nullopt};
  if (req.specifier.pinned()) return Answer{dists.front(), std::nullopt};
  if (options_.prefer_final && std::any_of(dists.begin(), dists.end(), [](const auto& d) { return !d.version.is_prerelease(); }))
    std::erase_if(dists, [](const Distribution& d) { return d.version.is_prerelease(); });
  const Distribution& have = dists.front();
  if (!options_.newest || !options_.install) return Answer{have, std::nullopt};
  auto available = obtain(req, source_only);
  if (!available) return Answer{have, std::nullopt};
  bool newer = available->version > have.version;
  if (options_.prefer_final && !available->version.is_prerelease() && have.version.is_prerelease()) newer = true;
  if (options_.prefer_final && available->version.is_prerelease() && !have.version.is_prerelease()) newer = false;
  return newer ? Answer{std::nullopt, available} : Answer{have, std::nullopt};
}

Result<Distribution> Installer::get_dist(const Requirement& req, std::vector<Distribution>& ws) {
  auto [dist, avail] = SLAP_TRY(satisfied(req, false));
  if (!dist) {
    if (!options_.install)
      return fail(user_error(fmt::format("We don't have a distribution for {}\nand can't install one in offline "
                                         "(no-install) mode.\n", req.str())));
    if (!avail) {
      std::string note = provider_.lookup_problems();
      return fail(Error(ErrorKind::recipe, fmt::format("Couldn't find a distribution for {}.{}", str::string_repr(req.str()),
                                                        note.empty() ? "" : "\n" + note))
                      .with_class("MissingDistribution"));
    }
    if (ctx_) ctx_->info(fmt::format("Getting distribution for {}.", str::string_repr(req.str())));
    dist = SLAP_TRY(provider_.install(*avail, options_.dest));
    env_.push_back(*dist);
    std::erase_if(ws, [&](const Distribution& d) { return d.key == dist->key; });
    ws.push_back(*dist);
    if (ctx_) ctx_->info(fmt::format("Got {}.", dist->str()));
  } else if (std::none_of(ws.begin(), ws.end(), [&](const Distribution& d) { return d.key == dist->key; })) {
    ws.push_back(*dist);
  }
  if (!dist->develop && !req.specifier.pinned()) {
    picked_.emplace_back(dist->project, dist->version.text());
    if (!options_.allow_picked_versions)
      return fail(user_error(fmt::format(not_picked_text, dist->project, dist->version.text())));
  }
  return *dist;
}

// Eggs whose namespace packages are declared through pkg_resources need setuptools on
// sys.path, even when they do not say so.
Status Installer::maybe_add_setuptools(const Distribution& dist, std::vector<Distribution>& ws) {
  Metadata meta = SLAP_TRY(provider_.metadata(dist));
  if (meta.namespace_packages.empty()) return {};
  for (const auto& dep : meta.dependencies)
    if (dep.requirement.key == "setuptools") return {};
  bool needs = false;
  for (const auto& ns : meta.namespace_packages) {
    auto init = fs::read_file(path::join(path::join(dist.location, str::replace_all(ns, ".", "/")), "__init__.py"));
    if (init && init->find("pkg_resources") != std::string::npos && init->find("pkgutil") == std::string::npos) needs = true;
  }
  if (!needs) return {};
  if (dist.develop && ctx_)
    ctx_->warn(fmt::format("Develop distribution: {}\nuses namespace packages but the distribution does not "
                           "require setuptools.", dist.str()));
  Requirement req = SLAP_TRY(constrain(SLAP_TRY(Requirement::parse("setuptools"))));
  for (const auto& d : ws)
    if (d.key == req.key && req.contains(d.version)) return {};
  SLAP_TRY(get_dist(req, ws));
  return {};
}

Result<std::vector<Requirement>> Installer::requires_of(const Distribution& dist, const std::vector<std::string>& extras) {
  Metadata meta = SLAP_TRY(provider_.metadata(dist));
  auto reqs = requirements_for(meta, extras, markers_);
  if (!reqs) return fail(std::move(reqs.error()).add_context(fmt::format("reading the requirements of {}", dist.str())));
  return *reqs;
}

Error Installer::version_conflict(const Distribution& have, const Requirement& req, const std::vector<Distribution>& ws) {
  std::vector<std::string> lines{"There is a version conflict.", "We already have: " + have.str()};
  auto sorted = ws;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.str() < b.str(); });
  for (const auto& d : sorted) {
    auto reqs = requires_of(d, {});
    if (!reqs) continue;
    for (const auto& r : *reqs)
      if (r.key == req.key) lines.push_back(fmt::format("but {} requires {}.", d.str(), str::string_repr(r.str())));
  }
  return Error(ErrorKind::input, str::join(lines, "\n")).with_class("VersionConflict");
}

Result<std::vector<Distribution>> Installer::install(const std::vector<std::string>& specs) {
  std::vector<Requirement> requirements;
  MarkerEnvironment no_extra = markers_;
  no_extra["extra"] = "";
  for (const auto& spec : specs) {
    Requirement r = SLAP_TRY(Requirement::parse(spec));
    if (!r.marker.empty() && !SLAP_TRY(evaluate_marker(r.marker, no_extra))) continue;
    requirements.push_back(SLAP_TRY(constrain(std::move(r))));
  }
  std::vector<Distribution> ws;
  for (const auto& r : requirements) SLAP_CHECK(maybe_add_setuptools(SLAP_TRY(get_dist(r, ws)), ws));

  // Breadth-first through the dependencies, as zc.buildout does (its stack is reversed).
  std::deque<Requirement> todo(requirements.rbegin(), requirements.rend());
  std::set<std::string> processed;
  std::map<std::string, Distribution> best;
  while (!todo.empty()) {
    Requirement req = SLAP_TRY(constrain(todo.front()));
    todo.pop_front();
    if (!processed.insert(req.str()).second) continue;
    std::optional<Distribution> dist;
    if (auto it = best.find(req.key); it != best.end()) dist = it->second;
    if (!dist) {
      auto in_ws = std::find_if(ws.begin(), ws.end(), [&](const Distribution& d) { return d.key == req.key; });
      if (in_ws != ws.end()) {
        if (!req.contains(in_ws->version)) return fail(version_conflict(*in_ws, req, ws));
        dist = *in_ws;
      }
    }
    if (!dist) {
      dist = SLAP_TRY(get_dist(req, ws));
      SLAP_CHECK(maybe_add_setuptools(*dist, ws));
    }
    if (!req.contains(dist->version)) return fail(version_conflict(*dist, req, ws));
    best[req.key] = *dist;
    Metadata meta = SLAP_TRY(provider_.metadata(*dist));
    std::vector<std::string> known, missing;
    for (const auto& e : req.extras)
      (std::find(meta.extras.begin(), meta.extras.end(), e) != meta.extras.end() ? known : missing).push_back(e);
    std::sort(missing.begin(), missing.end());
    for (const auto& m : missing)
      if (ctx_) ctx_->warn(fmt::format("{} does not provide the extra '{}'", dist->str(), m));
    if (!missing.empty() && !options_.allow_unknown_extras)
      return fail(user_error(
          "Couldn't find the required extra. This means the requirement is incorrect. If the requirement is itself "
          "from software you requested, then there might be a bug in requested software. You can ignore this by "
          "using 'allow-unknown-extras=true', however that may simply cause needed software to be omitted."));
    auto deps = SLAP_TRY(requires_of(*dist, known));
    todo.insert(todo.end(), deps.rbegin(), deps.rend());
  }
  return ws;
}

Result<std::vector<std::string>> Installer::build(const std::string& spec) {
  Requirement req = SLAP_TRY(constrain(SLAP_TRY(Requirement::parse(spec))));
  auto [dist, avail] = SLAP_TRY(satisfied(req, true));
  if (dist) return std::vector<std::string>{dist->location};
  if (!avail) {
    std::string note = provider_.lookup_problems();
    return fail(Error(ErrorKind::recipe, fmt::format("Couldn't find a source distribution for {}.{}", str::string_repr(req.str()),
                                                      note.empty() ? "" : "\n" + note)));
  }
  if (!options_.install)
    return fail(user_error(fmt::format("We don't have a distribution for {}\nand can't build one in offline "
                                       "(no-install) mode.\n", req.str())));
  Distribution built = SLAP_TRY(provider_.build(*avail, options_.dest));
  env_.push_back(built);
  return std::vector<std::string>{built.location};
}

std::vector<Distribution> sort_working_set(const std::vector<Distribution>& ws, const std::string& eggs_dir,
                                           const std::string& develop_eggs_dir) {
  std::set<std::string> develop_paths;
  for (const auto& d : scan_directory(develop_eggs_dir))
    if (d.develop) develop_paths.insert(d.location);
  std::vector<Distribution> develop, eggs, other;
  for (const auto& d : ws) {
    if (develop_paths.contains(d.location)) develop.push_back(d);
    else if (d.location.starts_with(eggs_dir)) eggs.push_back(d);
    else other.push_back(d);
  }
  develop.insert(develop.end(), eggs.begin(), eggs.end());
  develop.insert(develop.end(), other.begin(), other.end());
  return develop;
}

}  // namespace slap::recipes::egg
