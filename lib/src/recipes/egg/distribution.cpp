#include "recipes/egg/distribution.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes::egg {

namespace {

namespace stdfs = std::filesystem;

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : stdfs::directory_iterator(dir, ec)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_or_empty(const std::string& file) {
  auto text = fs::read_file(file);
  return text ? *text : std::string();
}

// The header block of an RFC 822 style metadata file (PKG-INFO, METADATA, WHEEL).
std::vector<std::pair<std::string, std::string>> headers(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& line : str::split(text, "\n")) {
    std::string_view l = str::rstrip(line);
    if (l.empty()) break;
    if ((l[0] == ' ' || l[0] == '\t') && !out.empty()) {
      out.back().second += "\n" + std::string(str::strip(l));
      continue;
    }
    auto colon = l.find(':');
    if (colon == std::string_view::npos) continue;
    out.emplace_back(std::string(str::strip(l.substr(0, colon))), std::string(str::strip(l.substr(colon + 1))));
  }
  return out;
}

std::string header(std::string_view text, std::string_view name) {
  for (const auto& [k, v] : headers(text))
    if (str::to_lower(k) == str::to_lower(name)) return v;
  return {};
}

// pkg_resources' EGG_NAME: NAME[-VERSION[-pyPYVER[-PLATFORM]]]
bool parse_egg_name(std::string_view base, Distribution& d) {
  static const std::regex re(R"(^([^-]+)(?:-([^-]+)(?:-py([^-]+)(?:-(.+))?)?)?$)", std::regex::icase);
  std::string s(base);
  std::smatch m;
  if (!std::regex_match(s, m, re) || !m[2].matched) return false;
  d.project = str::replace_all(m[1].str(), "_", "-");
  d.version = Version::parse(str::replace_all(m[2].str(), "_", "-"));
  d.py_version = m[3].str();
  d.platform = m[4].str();
  return true;
}

Result<Distribution> read_egg_directory(const std::string& path) {
  Distribution d;
  d.location = path;
  std::string base = path::basename(path);
  if (!parse_egg_name(base.substr(0, base.size() - 4), d))
    return fail(ErrorKind::io, fmt::format("{}: not an egg name (NAME-VERSION-pyX.Y.egg)", path));
  if (fs::is_dir(path::join(path, "EGG-INFO"))) {
    d.metadata_dir = path::join(path, "EGG-INFO");
  } else {
    for (const auto& name : list_dir(path))
      if (name.ends_with(".dist-info")) d.metadata_dir = path::join(path, name);
  }
  if (!d.metadata_dir.empty()) {
    std::string file = d.metadata_dir.ends_with(".dist-info") ? "METADATA" : "PKG-INFO";
    std::string name = header(read_or_empty(path::join(d.metadata_dir, file)), "Name");
    if (!name.empty()) d.project = name;
  }
  d.key = canonical_name(d.project);
  return d;
}

// An .egg-link names the directory holding NAME.egg-info (setup.py develop).
Result<Distribution> read_egg_link(const std::string& path) {
  std::string text = SLAP_TRY(fs::read_file(path));
  std::string first(str::strip(str::split(text, "\n")[0]));
  if (first.empty()) return fail(ErrorKind::io, fmt::format("{}: empty egg link", path));
  std::string where = path::is_abs(first) ? first : path::normpath(path::join(path::dirname(path), first));
  std::string wanted = canonical_name(path::basename(path).substr(0, path::basename(path).size() - 9));
  std::vector<Distribution> found;
  for (const auto& name : list_dir(where)) {
    if (!name.ends_with(".egg-info")) continue;
    std::string info = path::join(where, name);
    std::string pkg = read_or_empty(fs::is_dir(info) ? path::join(info, "PKG-INFO") : info);
    Distribution d;
    d.project = header(pkg, "Name");
    if (d.project.empty()) d.project = name.substr(0, name.size() - 9);
    d.key = canonical_name(d.project);
    d.version = Version::parse(header(pkg, "Version"));
    d.location = where;
    d.metadata_dir = fs::is_dir(info) ? info : "";
    d.develop = true;
    found.push_back(std::move(d));
  }
  for (auto& d : found)
    if (d.key == wanted) return std::move(d);
  if (found.size() == 1) return std::move(found[0]);
  return fail(ErrorKind::io, fmt::format("{}: no {}.egg-info in {}", path, wanted, where));
}

}  // namespace

std::vector<Distribution> scan_directory(const std::string& dir) {
  std::vector<Distribution> out;
  for (const auto& name : list_dir(dir)) {
    if (!name.ends_with(".egg") && !name.ends_with(".egg-link")) continue;
    if (name.starts_with(".")) continue;  // staging directories
    if (auto d = read_distribution(path::join(dir, name))) out.push_back(std::move(*d));
  }
  return out;
}

Result<Distribution> read_distribution(const std::string& path) {
  if (path.ends_with(".egg-link")) return read_egg_link(path);
  return read_egg_directory(path);
}

Result<Distribution> read_target_directory(const std::string& dir) {
  for (const auto& name : list_dir(dir)) {
    if (!name.ends_with(".dist-info")) continue;
    Distribution d;
    d.location = dir;
    d.metadata_dir = path::join(dir, name);
    std::string meta = SLAP_TRY(fs::read_file(path::join(d.metadata_dir, "METADATA")));
    d.project = header(meta, "Name");
    d.version = Version::parse(header(meta, "Version"));
    d.key = canonical_name(d.project);
    if (d.project.empty()) break;
    return d;
  }
  return fail(ErrorKind::recipe, fmt::format("no .dist-info directory with a Name in {}", dir));
}

std::vector<EntryPoint> parse_console_scripts(std::string_view text) {
  std::vector<EntryPoint> out;
  bool in_section = false;
  for (const auto& raw : str::split(text, "\n")) {
    std::string_view line = str::strip(raw);
    if (line.empty() || line.starts_with('#') || line.starts_with(';')) continue;
    if (line.starts_with('[')) {
      in_section = str::strip(line.substr(1, line.find(']') - 1)) == "console_scripts";
      continue;
    }
    auto eq = line.find('=');
    if (!in_section || eq == std::string_view::npos) continue;
    EntryPoint ep;
    ep.name = std::string(str::strip(line.substr(0, eq)));
    std::string_view target = str::strip(line.substr(eq + 1));
    if (auto bracket = target.find('['); bracket != std::string_view::npos) target = str::strip(target.substr(0, bracket));
    auto colon = target.find(':');
    ep.module = std::string(str::strip(target.substr(0, colon)));
    if (colon != std::string_view::npos) ep.attrs = std::string(str::strip(target.substr(colon + 1)));
    bool seen = std::any_of(out.begin(), out.end(), [&](const EntryPoint& e) { return e.name == ep.name; });
    if (!seen) out.push_back(std::move(ep));
  }
  return out;
}

namespace {

Status read_dist_info(const std::string& dir, Metadata& m) {
  std::string meta = SLAP_TRY(fs::read_file(path::join(dir, "METADATA")));
  for (const auto& [k, v] : headers(meta)) {
    std::string key = str::to_lower(k);
    if (key == "requires-dist") {
      auto req = Requirement::parse(v);
      if (!req) return fail(ErrorKind::recipe, fmt::format("{}/METADATA: {}", dir, req.error().message));
      m.dependencies.push_back({std::move(*req), "", ""});
    } else if (key == "provides-extra") {
      m.extras.push_back(canonical_name(v));
    }
  }
  std::string wheel = read_or_empty(path::join(dir, "WHEEL"));
  m.purelib = str::to_lower(header(wheel, "Root-Is-Purelib")) != "false";
  return {};
}

// requires.txt: requirements, then `[extra]`, `[:marker]` or `[extra:marker]` sections.
Status read_egg_info(const std::string& dir, Metadata& m) {
  std::string extra, marker;
  for (const auto& raw : str::split(read_or_empty(path::join(dir, "requires.txt")), "\n")) {
    std::string_view line = str::strip(raw);
    if (line.empty() || line.starts_with('#')) continue;
    if (line.starts_with('[')) {
      std::string_view section = line.substr(1, line.find(']') - 1);
      auto colon = section.find(':');
      extra = canonical_name(str::strip(section.substr(0, colon)));
      marker = colon == std::string_view::npos ? "" : std::string(str::strip(section.substr(colon + 1)));
      if (!extra.empty() && std::find(m.extras.begin(), m.extras.end(), extra) == m.extras.end())
        m.extras.push_back(extra);
      continue;
    }
    auto req = Requirement::parse(line);
    if (!req) return fail(ErrorKind::recipe, fmt::format("{}/requires.txt: {}", dir, req.error().message));
    m.dependencies.push_back({std::move(*req), extra, marker});
  }
  std::string scripts = path::join(dir, "scripts");
  for (const auto& name : list_dir(scripts)) {
    std::string file = path::join(scripts, name);
    if (fs::is_dir(file) || str::to_lower(name).ends_with(".exe")) continue;
    m.distutils_scripts.emplace_back(name, read_or_empty(file));
  }
  return {};
}

}  // namespace

Result<Metadata> read_metadata(const Distribution& dist) {
  Metadata m;
  m.purelib = dist.platform.empty();
  if (dist.metadata_dir.empty()) return m;
  if (dist.metadata_dir.ends_with(".dist-info")) SLAP_CHECK(read_dist_info(dist.metadata_dir, m));
  else SLAP_CHECK(read_egg_info(dist.metadata_dir, m));
  m.console_scripts = parse_console_scripts(read_or_empty(path::join(dist.metadata_dir, "entry_points.txt")));
  for (const auto& line : str::split(read_or_empty(path::join(dist.metadata_dir, "namespace_packages.txt")), "\n"))
    if (!str::strip(line).empty()) m.namespace_packages.emplace_back(str::strip(line));
  return m;
}

Result<std::vector<Requirement>> requirements_for(const Metadata& metadata, const std::vector<std::string>& extras,
                                                  const MarkerEnvironment& env) {
  auto applies = [&](const Metadata::Dependency& dep, const std::string& extra) -> Result<bool> {
    if (!dep.extra.empty() && dep.extra != extra) return false;
    MarkerEnvironment e = env;
    e["extra"] = extra;
    if (!dep.marker.empty() && !SLAP_TRY(evaluate_marker(dep.marker, e))) return false;
    if (!dep.requirement.marker.empty() && !SLAP_TRY(evaluate_marker(dep.requirement.marker, e))) return false;
    return true;
  };
  std::vector<Requirement> out;
  std::vector<std::string> seen;
  auto add = [&](Requirement r) {
    r.marker.clear();
    std::string s = r.str();
    if (std::find(seen.begin(), seen.end(), s) != seen.end()) return;
    seen.push_back(s);
    out.push_back(std::move(r));
  };
  for (const auto& dep : metadata.dependencies)
    if (SLAP_TRY(applies(dep, ""))) add(dep.requirement);
  for (const auto& extra : extras)
    for (const auto& dep : metadata.dependencies)
      if (SLAP_TRY(applies(dep, canonical_name(extra)))) add(dep.requirement);
  return out;
}

}  // namespace slap::recipes::egg
