#include "profile_args.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <filesystem>

#include "slap/cache.hpp"
#include "slap/fetch.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/python.hpp"
#include "slap/strings.hpp"
#include "slap_layout.h"

namespace slap::cli {

void add_profile_option(CLI::App& sub, ProfileArgs& args) {
  sub.add_option("-c,--profile", args.profile,
                 "profile to read (default: buildout.cfg, or software.cfg when that is the file present)")
      ->type_name("PROFILE");
}

Result<std::vector<profile::OptionOverride>> take_overrides(std::vector<std::string>& words) {
  std::vector<profile::OptionOverride> out;
  std::vector<std::string> rest;
  for (auto& w : words) {
    if (w.find('=') == std::string::npos) {
      rest.push_back(std::move(w));
      continue;
    }
    out.push_back(SLAP_TRY(profile::parse_override(w)));
  }
  words = std::move(rest);
  return out;
}

std::string default_profile(const std::string& cwd) {
  if (!fs::exists(path::join(cwd, "buildout.cfg")) && fs::exists(path::join(cwd, "software.cfg")))
    return "software.cfg";
  return "buildout.cfg";
}

namespace {
// python3 from PATH, for [buildout] executable, unless build.python says otherwise.
std::string python_executable(const Env& env) {
  const std::string& configured = env.config.get("build.python");
  if (!configured.empty()) return configured;
  auto it = env.environ.find("PATH");
  for (const auto& dir : str::split(it == env.environ.end() ? "/usr/bin:/bin" : it->second, ":")) {
    std::string candidate = path::join(dir.empty() ? "." : dir, "python3");
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "python3";
}
// slap's Python helper module: in the build tree two levels above the executable,
// installed in LIBDIR/slap/python (relative to the executable's directory, so that an
// installed tree can move). Empty when neither exists: Python code then fails clearly.
std::string python_module_dir() {
  std::error_code ec;
  std::string exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) return {};
  std::string dir = path::dirname(exe);
  for (const char* rel : {SLAP_BUILD_TREE_PYTHON_DIR, SLAP_PYTHON_DIR}) {
    std::string candidate = path::normpath(path::join(dir, rel));
    if (fs::exists(path::join(candidate, "slap/bridge.py"))) return candidate;
  }
  return {};
}
}  // namespace

Result<build::Options> base_build_options(const Env& env, bool binary_cache) {
  build::Options o;
  o.cwd = env.cwd;
  if (auto it = env.environ.find("HOME"); it != env.environ.end()) o.home = it->second;
  o.executable = python_executable(env);
  o.python_dir = python_module_dir();
  o.fetch = SLAP_TRY(fetch::options_from_config(env.config));
  if (const auto& shared = env.config.get("build.shared-parts"); !shared.empty()) o.shared_dirs = {shared};
  for (const auto& [k, v] : env.environ) o.environment.emplace_back(k, v);
  o.jobs = static_cast<unsigned>(std::max(1L, env.config.get_int("core.jobs")));
  if (binary_cache) {
    auto settings = SLAP_TRY(cache::settings_from_config(env.config));
    if (settings.can_download() || settings.can_upload()) o.binary_cache = settings;
  }
  return o;
}

Result<profile::Profile> load_profile(const Env& env, const ProfileArgs& args,
                                      const std::vector<profile::OptionOverride>& overrides) {
  profile::LoadOptions opts;
  opts.profile = args.profile.empty() ? default_profile(env.cwd) : args.profile;
  opts.cwd = env.cwd;
  opts.overrides = overrides;
  // Nothing runs Python while showing a profile: without a configured interpreter, the
  // machine-independent token stands for "the python3 a build would locate".
  const std::string& python = env.config.get("build.python");
  opts.executable = python.empty() ? "@PYTHON@" : python;
  if (auto it = env.environ.find("HOME"); it != env.environ.end()) opts.home = it->second;
  opts.read_url = fetch::url_reader(SLAP_TRY(fetch::options_from_config(env.config)), env.ctx);
  process::Environment environment(env.environ.begin(), env.environ.end());
  opts.python_conditions = [python = python_executable(env), environment](std::string_view e, const Location& where) {
    return python::eval_section_condition(python, environment, e, where);
  };
  return profile::load(opts);
}

}  // namespace slap::cli
