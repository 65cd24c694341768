// rubygemsrecipe (0.4.4, what SlapOS pins), option by option: rubygems (from `url`, or
// rubygems.org's archive of `version`, or the newest one its download page links) is
// installed into the part with its setup.rb, then every gem of `gems` with that `gem`,
// and each executable of the part's bin/ gets an sh wrapper in bin-directory that exports
// the part's GEM_HOME, RUBYLIB, PATH and the `environment` lines. In deployment mode
// (`deployment = true`, or by default with allow-picked-versions = false) every gem must
// be pinned, as must every runtime dependency `gem dependency` names, within its
// constraints; gems are then installed without their dependencies.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "recipes/rubygems/gems.hpp"
#include "slap/archive.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {

constexpr const char* download_page = "https://rubygems.org/pages/download";

std::vector<std::string> directory_entries(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    names.push_back(it->path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class RubyGems final : public Recipe {
 public:
  Env env;
  std::string location, bin_directory, ruby;
  std::string url, version;  // the options, at most one of them
  std::vector<gems::Gem> gems;
  bool deployment = false;
  gems::Variables variables;
  std::vector<std::string> gem_options;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    SLAP_CHECK(fs::remove_all(location));
    SLAP_CHECK(fs::make_dirs(location));
    if (auto built = build(ic); !built) {
      (void)fs::remove_all(location);
      return fail(std::move(built.error()));
    }
    std::vector<std::string> created{location};
    SLAP_CHECK(fs::make_dirs(bin_directory));
    for (const auto& name : directory_entries(path::join(location, "bin"))) {
      std::string wrapper = path::join(bin_directory, name);
      // rwxrw-rw-, the mode upstream gives its wrappers.
      SLAP_CHECK(fs::write_atomic(wrapper, gems::wrapper(variables, path::join(path::join(location, "bin"), name)),
                                  0766, false));
      created.push_back(wrapper);
    }
    return created;
  }

 private:
  process::Environment command_environment() const {
    process::Environment e = env.environment;
    for (const auto& [k, v] : variables) process::set(e, k, v);
    return e;
  }

  Result<gems::Rubygems> rubygems() const {
    if (!version.empty()) return gems::rubygems_for_version(version);
    std::optional<gems::Rubygems> found;
    if (!url.empty()) {
      found = gems::rubygems_for_url(url);
    } else {
      if (!env.fetcher) return fail(ErrorKind::internal, "no downloader");
      found = gems::rubygems_from_download_page(SLAP_TRY(env.fetcher->read_text(download_page)));
    }
    if (!found) return gems::user_error("Can't find rubygems version.");
    return *found;
  }

  // setup.rb of the rubygems archive, unpacked in the part (upstream unpacks it in
  // parts/rubygems-VERSION, which parts built at the same time would share).
  Status install_rubygems(const gems::Rubygems& source, const InstallContext& ic) const {
    std::string archive_file = SLAP_TRY(download(env, source.url, std::nullopt));
    std::string srcdir = path::join(location, ".rubygems-" + source.version);
    log_line(ic, fmt::format("unpack {} -> {}", source.url, srcdir));
    SLAP_CHECK(archive::extract(archive_file, srcdir, {archive::Strip::automatic, {}}));
    process::Environment e = command_environment();
    process::set(e, "PREFIX", location);
    auto ran = run_logged({ruby, "setup.rb", "all", "--prefix=" + location, "--no-rdoc", "--no-ri"}, srcdir, e, ic);
    SLAP_CHECK(fs::remove_all(srcdir));
    return ran;
  }

  // `gem dependency -rv VERSION PATTERN`, its output kept in the part's log.
  Result<std::string> dependency_output(const gems::Gem& gem, const std::string& gem_executable, int major,
                                        const InstallContext& ic) const {
    std::vector<std::string> argv{ruby, gem_executable, "dependency", "-rv", *gem.version,
                                  gems::dependency_pattern(gem.name, major)};
    std::vector<std::string> quoted;
    for (const auto& a : argv) quoted.push_back(process::shell_quote(a));
    log_line(ic, "+ " + str::join(quoted, " "));
    auto outcome =
        process::run({.argv = argv, .cwd = env.buildout_dir, .env = command_environment(), .cancel = ic.cancel});
    if (!outcome)
      return fail(ErrorKind::recipe, fmt::format("System error, command failed: {}", outcome.error().message));
    log_line(ic, outcome->out + outcome->err);
    if (outcome->end == process::Outcome::End::cancelled) return fail(ErrorKind::interrupted, "interrupted");
    if (!outcome->ok())
      return fail(ErrorKind::recipe, fmt::format("System error, command {} {}:\n{}", str::join(quoted, " "),
                                                 outcome->describe(), outcome->out + outcome->err));
    return outcome->out;
  }

  // Deployment mode: the gem and each dependency it has are pinned, within its constraints.
  Status check_pins(const gems::Gem& gem, const std::string& gem_executable, int major,
                    const InstallContext& ic) const {
    if (!gem.version)
      return gems::user_error(fmt::format("Configuration error, version for gem {} is missing", gem.name));
    std::string output = SLAP_TRY(dependency_output(gem, gem_executable, major, ic));
    for (const auto& dep : gems::parse_dependencies(output)) {
      auto pin = std::find_if(gems.begin(), gems.end(), [&](const gems::Gem& g) { return g.name == dep.name; });
      if (pin == gems.end())
        return gems::user_error(fmt::format("Configuration error, version for dependency {} is missing", dep.name));
      if (!pin->version)
        return gems::user_error(fmt::format("Configuration error, version for gem {} is missing", pin->name));
      for (const auto& c : dep.constraints) SLAP_CHECK(gems::check_constraint(c, dep.name, *pin->version, gem.name));
    }
    return {};
  }

  Status build(const InstallContext& ic) const {
    gems::Rubygems source = SLAP_TRY(rubygems());
    auto major = gems::major_version(source.version);
    if (!major) return gems::user_error(fmt::format("Can't read the rubygems version '{}'.", source.version));
    if (*major < 2) return gems::user_error("Rubygems version must be >= 2.0.0");
    SLAP_CHECK(install_rubygems(source, ic));
    std::string bindir = path::join(location, "bin");
    std::string gem_executable;
    for (const auto& name : directory_entries(bindir))
      if (name.starts_with("gem")) {
        gem_executable = path::join(bindir, name);
        break;
      }
    if (gem_executable.empty())
      return fail(ErrorKind::recipe, fmt::format("rubygems' setup.rb installed no gem executable in {}", bindir));
    for (const auto& gem : gems) {
      if (deployment) SLAP_CHECK(check_pins(gem, gem_executable, *major, ic));
      log_line(ic, fmt::format("installing ruby gem \"{}\"", gem.name));
      std::vector<std::string> argv{ruby, gem_executable, "install", "--no-document", "--bindir=" + bindir};
      if (deployment) argv.push_back("--ignore-dependencies");
      argv.push_back(gem.name);
      if (gem.version) argv.push_back("--version=" + *gem.version);
      argv.push_back("--");
      argv.insert(argv.end(), gem_options.begin(), gem_options.end());
      SLAP_CHECK(run_logged(argv, env.buildout_dir, command_environment(), ic));
    }
    return {};
  }
};

// zc.buildout's allow-picked-versions ([buildout], true unless "false").
Result<bool> allow_picked_versions(profile::Resolver& resolver) {
  auto* b = SLAP_TRY(resolver.section("buildout"));
  auto v = SLAP_TRY(b->get("allow-picked-versions"));
  std::string value(str::strip(v.value_or("true")));
  if (value != "true" && value != "false")
    return fail(option_error(*b, "allow-picked-versions",
                             fmt::format("Invalid value for allow-picked-versions option: {}", value))
                    .with_class("UserError"));
  return value == "true";
}

}  // namespace

Result<std::unique_ptr<Recipe>> make_rubygems(profile::Resolver& resolver, profile::Options& options, const Env& env) {
  auto r = std::make_unique<RubyGems>();
  r->env = env;
  auto* b = SLAP_TRY(resolver.section("buildout"));
  r->location = path::join(SLAP_TRY(b->at("parts-directory")), options.name());
  options.set("location", r->location);
  r->bin_directory = SLAP_TRY(b->at("bin-directory"));

  for (const auto& word : str::split_ws(SLAP_TRY(optional(options, "gems")))) r->gems.push_back(gems::parse_gem(word));
  if (r->gems.empty())
    return fail(option_error(options, "gems", "Configuration error, 'gems' option is missing").with_class("UserError"));
  r->url = SLAP_TRY(optional(options, "url"));
  r->version = SLAP_TRY(optional(options, "version"));
  if (!r->url.empty() && !r->version.empty())
    return fail(option_error(options, "url", "Configuration error, 'url' and 'version' options are mutually exclusive")
                    .with_class("UserError"));
  r->ruby = SLAP_TRY(options.get("ruby-executable")).value_or("ruby");
  if (SLAP_TRY(optional(options, "deployment")).empty())
    r->deployment = !SLAP_TRY(allow_picked_versions(resolver));
  else
    r->deployment = SLAP_TRY(strict_flag(options, "deployment", false));

  // Upstream reads these two when it installs; a bad `environment` line is reported here,
  // at its place, since it can only fail the install.
  auto variables = gems::environment(r->location, process::lookup(env.environment, "PATH"),
                                     process::lookup(env.environment, "RUBYLIB"),
                                     SLAP_TRY(optional(options, "environment")));
  if (!variables)
    return fail(option_error(options, "environment", variables.error().message).with_class(variables.error().cls));
  r->variables = std::move(*variables);
  for (const auto& line : str::split(SLAP_TRY(optional(options, "gem-options")), "\n"))
    if (!str::strip(line).empty()) r->gem_options.emplace_back(str::strip(line));
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
