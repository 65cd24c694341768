#include "profile_args.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "slap/fetch.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"

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
  opts.read_url = fetch::url_reader(fetch::options_from_config(env.config), env.ctx);
  return profile::load(opts);
}

}  // namespace slap::cli
