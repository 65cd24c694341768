// slapos.recipe.cmmi: download, patch, configure, make, make install.
#include <fmt/format.h>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/archive.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {

struct Patch {
  std::string url;
  std::optional<fetch::Checksum> sum;
};

class Cmmi final : public Recipe {
 public:
  std::optional<std::string> shared_location() const override {
    return shared ? std::optional<std::string>(location) : std::nullopt;
  }
  Env env;
  std::string name, url, source_path, location, prefix, build_dir;
  std::optional<fetch::Checksum> sum;
  bool shared = false, keep_compile_dir = false;
  process::Environment environment;
  std::vector<Patch> patches;
  std::string patch_binary, patch_options;
  std::string configure, make, make_targets;
  std::string pre_configure, pre_build, pre_install, post_install;
  std::string signature_text;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    if (shared && shared_part_complete(location)) {
      log_line(ic, fmt::format("shared part {} already built", location));
      return std::vector<std::string>{};
    }
    auto built = build(ic);
    if (!built) {
      if (!shared && fs::exists(location)) (void)fs::remove_all(location);
      if (shared) (void)fs::remove_all(location);
      built.error().add_context(fmt::format("build directory kept for inspection: {}", build_dir));
      return fail(std::move(built.error()));
    }
    if (!keep_compile_dir && source_path.empty()) SLAP_CHECK(fs::remove_all(build_dir));
    if (shared) {
      SLAP_CHECK(mark_shared_part_complete(location, signature_text));
      return std::vector<std::string>{};
    }
    return std::vector<std::string>{location};
  }

 private:
  Status build(const InstallContext& ic) {
    std::string src = source_path;
    if (src.empty()) {
      std::string archive_file = SLAP_TRY(download(env, url, sum));
      SLAP_CHECK(fs::remove_all(build_dir));
      log_line(ic, fmt::format("unpack {} -> {}", url, build_dir));
      SLAP_CHECK(archive::extract(archive_file, build_dir, {archive::Strip::automatic, {}}));
      src = build_dir;
    }
    for (const auto& p : patches) {
      std::string file = SLAP_TRY(download(env, p.url, p.sum));
      SLAP_CHECK(run_shell(fmt::format("{} {} < {}", patch_binary, patch_options, process::shell_quote(file)), src,
                           environment, ic));
    }
    if (!pre_configure.empty()) SLAP_CHECK(run_shell(pre_configure, src, environment, ic));
    if (!configure.empty()) SLAP_CHECK(run_shell(configure, src, environment, ic));
    if (!pre_build.empty()) SLAP_CHECK(run_shell(pre_build, src, environment, ic));
    SLAP_CHECK(run_shell(make, src, environment, ic));
    if (!pre_install.empty()) SLAP_CHECK(run_shell(pre_install, src, environment, ic));
    if (!str::strip(make_targets).empty()) SLAP_CHECK(run_shell(make + " " + make_targets, src, environment, ic));
    if (!post_install.empty()) SLAP_CHECK(run_shell(post_install, src, environment, ic));
    return {};
  }
};

// An option with `%(name)s` interpolated from the part's options and @@LOCATION@@ replaced.
Result<std::string> command_option(profile::Options& options, const std::string& name,
                                   const std::map<std::string, std::string>& vars, const std::string& location,
                                   std::string fallback = {}) {
  auto value = SLAP_TRY(options.get(name));
  std::string text = value ? *value : fallback;
  auto expanded = percent(str::replace_all(text, "@@LOCATION@@", location), vars);
  if (!expanded) return fail(option_error(options, name, expanded.error().message));
  return *expanded;
}

std::string one_line(const std::string& words) { return str::join(str::split_ws(words), " "); }

}  // namespace

Result<std::unique_ptr<Recipe>> make_cmmi(profile::Resolver& resolver, profile::Options& options, const Env& env) {
  auto r = std::make_unique<Cmmi>();
  r->env = env;
  r->name = options.name();
  r->url = SLAP_TRY(optional(options, "url"));
  r->source_path = SLAP_TRY(optional(options, "path"));
  if (r->url.empty() == r->source_path.empty())
    return fail(option_error(options, "url", "exactly one of 'url' and 'path' must be given"));
  r->sum = SLAP_TRY(checksum(options, "md5sum"));
  r->location = SLAP_TRY(shared_location(resolver, options, env, r->shared));
  options.set("location", r->location);
  r->keep_compile_dir = SLAP_TRY(flag(options, "keep-compile-dir", false));
  auto values = SLAP_TRY(options.values());
  for (auto& [k, v] : values) v = str::replace_all(v, "@@LOCATION@@", r->location);
  r->signature_text = str::join(std::vector<std::string>{r->name, r->location}, "\n");
  r->prefix = SLAP_TRY(command_option(options, "prefix", values, r->location, r->location));
  auto* buildout = SLAP_TRY(resolver.section("buildout"));
  r->build_dir = path::join(SLAP_TRY(buildout->at("parts-directory")), r->name + "__compile__");
  r->environment = SLAP_TRY(environment(resolver, options, env.environment, true));
  for (auto& [k, v] : r->environment) v = str::replace_all(v, "@@LOCATION@@", r->location);

  std::string configure_command = SLAP_TRY(command_option(options, "configure-command", values, r->location));
  std::string configure_options = one_line(SLAP_TRY(command_option(options, "configure-options", values, r->location)));
  if (configure_command.empty()) configure_command = "./configure --prefix=" + process::shell_quote(r->prefix);
  r->configure = one_line(configure_command) + (configure_options.empty() ? "" : " " + configure_options);
  std::string make_binary = SLAP_TRY(command_option(options, "make-binary", values, r->location, "make"));
  std::string make_options = one_line(SLAP_TRY(command_option(options, "make-options", values, r->location)));
  r->make = one_line(make_binary) + (make_options.empty() ? "" : " " + make_options);
  r->make_targets = one_line(SLAP_TRY(command_option(options, "make-targets", values, r->location, "install")));
  r->pre_configure = SLAP_TRY(command_option(options, "pre-configure", values, r->location));
  r->pre_build = SLAP_TRY(command_option(options, "pre-build", values, r->location));
  r->pre_install = SLAP_TRY(command_option(options, "pre-install", values, r->location));
  r->post_install = SLAP_TRY(command_option(options, "post-install", values, r->location));
  r->patch_binary = SLAP_TRY(command_option(options, "patch-binary", values, r->location, "patch"));
  r->patch_options = SLAP_TRY(command_option(options, "patch-options", values, r->location, "-p0"));
  for (const auto& line : str::split_ws(SLAP_TRY(optional(options, "patches")))) {
    Patch p;
    auto hash = line.rfind('#');
    p.url = hash == std::string::npos ? line : line.substr(0, hash);
    if (hash != std::string::npos) {
      auto sum = fetch::parse_checksum(line.substr(hash + 1));
      if (!sum) return fail(option_error(options, "patches", sum.error().message));
      p.sum = *sum;
    }
    r->patches.push_back(std::move(p));
  }
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
