#include "recipes/egg/pip.hpp"

#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>

#include "recipes/common.hpp"
#include "slap/archive.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes::egg {

namespace {

namespace stdfs = std::filesystem;

Result<std::string> make_staging(const std::string& dest, const std::string& name, std::string_view kind) {
  SLAP_CHECK(fs::make_dirs(dest));
  std::string pattern = fs::staging_prefix(path::join(dest, name), kind) + "XXXXXX";
  if (!::mkdtemp(pattern.data()))
    return fail(ErrorKind::io, fmt::format("cannot create a staging directory in {}: {}", dest, std::strerror(errno)));
  return pattern;
}

// Removes a staging directory on every path out of a function.
struct StagingGuard {
  std::string dir;
  ~StagingGuard() {
    if (!dir.empty()) (void)fs::remove_all(dir);
  }
};

// Eggs are named NAME-VERSION-pyX.Y, plus the platform when they hold compiled code.
std::string egg_name(const Distribution& d, const Metadata& m, const PythonInfo& python, const std::string& suffix) {
  std::string name = fmt::format("{}-{}-py{}", egg_project_name(d.project),
                                 egg_version_name(d.version.text() + suffix), python.version);
  if (!m.purelib) name += "-" + python.platform;
  return name + ".egg";
}

// Moves a finished egg into place; one already there (a concurrent build) is kept.
Result<Distribution> move_into_place(const std::string& built, const std::string& dest, const std::string& name) {
  std::string target = path::join(dest, name);
  std::error_code ec;
  stdfs::rename(built, target, ec);
  if (ec && !fs::exists(target))
    return fail(ErrorKind::io, fmt::format("cannot move {} to {}: {}", built, target, ec.message()));
  return read_distribution(target);
}

// What `pip install --target` leaves is made into an egg directory as zc.buildout does:
// no bin/ of console scripts (buildout writes its own), pkg_resources-style __init__.py in
// namespace packages.
Status eggify(const std::string& dir, const Distribution& d, const Metadata& m) {
  std::string entry_points = fs::read_file(path::join(d.metadata_dir, "entry_points.txt")).value_or("");
  if (entry_points.find("console_scripts") != std::string::npos || entry_points.find("gui_scripts") != std::string::npos)
    SLAP_CHECK(fs::remove_all(path::join(dir, "bin")));
  for (const auto& ns : m.namespace_packages) {
    std::string package = path::join(dir, str::replace_all(ns, ".", "/"));
    if (fs::is_dir(package))
      SLAP_CHECK(fs::write_atomic(path::join(package, "__init__.py"),
                                  "__import__('pkg_resources').declare_namespace(__name__)", 0644, false));
  }
  return {};
}

process::Environment with_pip_defaults(process::Environment env) {
  process::set(env, "PIP_DISABLE_PIP_VERSION_CHECK", "1");
  process::set(env, "PIP_NO_INPUT", "1");
  return env;
}

}  // namespace

std::string edit_config(std::string_view text, const std::string& section, const BuildExt& options) {
  auto lines = str::split(text, "\n");
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  auto format = [](const std::string& key, const std::string& value) {
    return key + " = " + str::replace_all(value, "\n", "\n\t");
  };
  std::vector<std::string> out;
  std::vector<bool> written(options.size(), false);
  bool in_section = false, skipping = false, seen_section = false;
  auto flush = [&] {
    for (std::size_t i = 0; i < options.size(); ++i)
      if (!written[i]) out.push_back(format(options[i].first, options[i].second)), written[i] = true;
  };
  for (const auto& line : lines) {
    std::string_view l = str::strip(line);
    if (l.starts_with('[') && l.ends_with(']')) {
      if (in_section) flush();
      in_section = str::strip(l.substr(1, l.size() - 2)) == section;
      seen_section = seen_section || in_section;
      skipping = false;
      out.push_back(line);
      continue;
    }
    if (skipping && !line.empty() && (line[0] == ' ' || line[0] == '\t')) continue;
    skipping = false;
    if (in_section) {
      std::string key(str::strip(l.substr(0, l.find_first_of("=:"))));
      std::replace(key.begin(), key.end(), '_', '-');
      for (std::size_t i = 0; i < options.size(); ++i) {
        if (str::to_lower(key) != options[i].first) continue;
        out.push_back(format(options[i].first, options[i].second));
        written[i] = skipping = true;
      }
      if (skipping) continue;
    }
    out.push_back(line);
  }
  if (in_section) flush();
  if (!seen_section && !options.empty()) {
    if (!out.empty()) out.push_back("");
    out.push_back("[" + section + "]");
    flush();
  }
  return str::join(out, "\n") + "\n";
}

PipProvider::PipProvider(Finder& finder, const Env& env, PipSettings settings, const InstallContext& ic)
    : finder_(finder), env_(env), settings_(std::move(settings)), ic_(ic) {
  settings_.environment = with_pip_defaults(std::move(settings_.environment));
}

std::vector<Candidate> PipProvider::available(const Requirement& req, bool with_index) {
  return finder_.find(req.key, with_index);
}

std::string PipProvider::lookup_problems() {
  if (finder_.problems().empty()) return {};
  return "These could not be read: " + str::join(finder_.problems(), "; ");
}

Result<Metadata> PipProvider::metadata(const Distribution& dist) {
  if (auto it = metadata_.find(dist.location); it != metadata_.end()) return it->second;
  Metadata m = SLAP_TRY(read_metadata(dist));
  metadata_[dist.location] = m;
  return m;
}

Result<Distribution> PipProvider::pip_install(const Candidate& candidate, const std::string& source,
                                              const std::string& dest, const std::string& suffix) {
  std::string staging = SLAP_TRY(make_staging(dest, candidate.filename, "install"));
  StagingGuard guard{staging};
  std::string target = path::join(staging, "target");
  // pip knows a file's kind by its name; the download cache names files by digest.
  std::string named = source;
  if (!fs::is_dir(source)) {
    named = path::join(staging, candidate.filename);
    std::error_code ec;
    stdfs::create_hard_link(source, named, ec);
    if (ec) stdfs::copy_file(source, named, ec);
    if (ec) return fail(ErrorKind::io, fmt::format("cannot copy {} to {}: {}", source, named, ec.message()));
  }
  SLAP_CHECK(run_logged({settings_.python.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                         "--no-build-isolation", "--no-warn-script-location", "--target", target, named},
                        path::dirname(named), settings_.environment, ic_));
  Distribution d = SLAP_TRY(read_target_directory(target));
  if (d.key != candidate.key)
    log_line(ic_, fmt::format("warning: installing {} gave {}, a different project", candidate.filename, d.str()));
  else if (d.version != candidate.version)
    log_line(ic_, fmt::format("warning: installing {} gave {}, a different version", candidate.filename, d.str()));
  Metadata m = SLAP_TRY(read_metadata(d));
  SLAP_CHECK(eggify(target, d, m));
  return move_into_place(target, dest, egg_name(d, m, settings_.python, suffix));
}

Result<Distribution> PipProvider::install(const Candidate& candidate, const std::string& dest) {
  if (candidate.kind == PackageKind::sdist && settings_.patches.contains(candidate.key))
    return from_source(candidate, dest, false);
  std::string file = SLAP_TRY(download(env_, candidate.url, candidate.checksum));
  if (candidate.kind != PackageKind::egg) return pip_install(candidate, file, dest, "");
  std::string staging = SLAP_TRY(make_staging(dest, candidate.filename, "install"));
  StagingGuard guard{staging};
  std::string unpacked = path::join(staging, candidate.filename);
  SLAP_CHECK(archive::extract(file, unpacked, {archive::Strip::never, {}}));
  return move_into_place(unpacked, dest, candidate.filename);
}

Status PipProvider::apply_patches(const PatchSet& set, const std::string& source_dir) {
  for (const auto& p : set.patches) {
    std::string file = SLAP_TRY(download(env_, p.url, p.checksum));
    SLAP_CHECK(run_shell(fmt::format("{} {} < {}", set.binary, set.options, process::shell_quote(file)), source_dir,
                         settings_.environment, ic_));
  }
  return {};
}

Result<Distribution> PipProvider::from_source(const Candidate& candidate, const std::string& dest, bool with_build_ext) {
  std::string file = SLAP_TRY(download(env_, candidate.url, candidate.checksum));
  std::string staging = SLAP_TRY(make_staging(dest, candidate.filename, "build"));
  StagingGuard guard{staging};
  std::string source = path::join(staging, "source");
  SLAP_CHECK(archive::extract(file, source, {archive::Strip::automatic, {}}));
  if (!fs::exists(path::join(source, "setup.py")) && !fs::exists(path::join(source, "pyproject.toml")))
    return fail(ErrorKind::recipe, fmt::format("Couldn't find a setup script in {}", candidate.filename));
  if (with_build_ext) {
    std::string setup_cfg = path::join(source, "setup.cfg");
    std::string cfg = fs::read_file(setup_cfg).value_or("");
    SLAP_CHECK(fs::write_atomic(setup_cfg, edit_config(cfg, "build_ext", settings_.build_ext), 0644, false));
  }
  std::string suffix;
  if (auto p = settings_.patches.find(candidate.key); p != settings_.patches.end()) {
    SLAP_CHECK(apply_patches(p->second, source));
    suffix = p->second.version_suffix;
  }
  return pip_install(candidate, source, dest, suffix);
}

Result<Distribution> PipProvider::build(const Candidate& candidate, const std::string& dest) {
  return from_source(candidate, dest, true);
}

Result<std::string> develop(const std::string& setup, const std::string& dest, const PipSettings& settings,
                            const InstallContext& ic) {
  std::string directory = fs::is_dir(setup) ? setup : path::dirname(setup);
  std::string script = fs::is_dir(setup) ? path::join(setup, "setup.py") : setup;
  std::string staging = SLAP_TRY(make_staging(dest, path::basename(directory), "develop"));
  StagingGuard guard{staging};
  // setup.cfg gets the [build_ext] settings for the time of the build only.
  std::string setup_cfg = path::join(directory, "setup.cfg");
  auto original = fs::read_file(setup_cfg);
  struct Restore {
    std::string file;
    std::optional<std::string> text;
    bool active = false;
    ~Restore() {
      if (!active) return;
      if (text) (void)fs::write_atomic(file, *text, 0644, false);
      else (void)fs::remove_all(file);
    }
  } restore{setup_cfg, original ? std::optional<std::string>(*original) : std::nullopt};
  if (!settings.build_ext.empty()) {
    restore.active = true;
    SLAP_CHECK(fs::write_atomic(setup_cfg, edit_config(original.value_or(""), "build_ext", settings.build_ext), 0644, false));
  }
  // zc.buildout's runsetup template: run setup.py from its directory, as `setup.py`.
  std::string runner = path::join(staging, "setup-runner.py");
  std::string d = str::string_repr(directory), s = str::string_repr(script);
  std::string code = "import sys\nsys.path.insert(0, " + d + ")\nimport os, setuptools\n__file__ = " + s +
                     "\nos.chdir(" + d + ")\nsys.argv[0] = " + s + "\nif os.path.exists(" + s +
                     "):\n    with open(" + s + ") as f:\n        exec(compile(f.read(), " + s +
                     ", 'exec'))\nelse:\n    setuptools.setup()\n";
  SLAP_CHECK(fs::write_atomic(runner, code, 0644, false));
  std::string out = path::join(staging, "out");
  SLAP_CHECK(fs::make_dirs(out));
  SLAP_CHECK(run_logged({settings.python.executable, runner, "-q", "develop", "-mN", "-d", out}, directory,
                        with_pip_defaults(settings.environment), ic));
  for (const auto& entry : stdfs::directory_iterator(out)) {
    std::string name = entry.path().filename().string();
    if (!name.ends_with(".egg-link")) continue;
    std::string target = path::join(dest, name);
    std::error_code ec;
    stdfs::rename(entry.path(), target, ec);
    if (ec) return fail(ErrorKind::io, fmt::format("cannot move {} to {}: {}", name, dest, ec.message()));
    return target;
  }
  return fail(ErrorKind::recipe, fmt::format("setup.py develop of {} made no .egg-link", directory));
}

}  // namespace slap::recipes::egg
