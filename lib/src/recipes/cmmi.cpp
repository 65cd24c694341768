// slapos.recipe.cmmi: download, patch, configure, make, make install, option for option as
// upstream (slapos.recipe.build's cmmi module): the location comes from the shared-part
// logic, `@@LOCATION@@` in any option is that location, commands are Python
// %-interpolated with the part's options and run with `sh -c 'set -e;...'`.
#include <sys/stat.h>

#include <filesystem>
#include <fmt/format.h>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/archive.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/python.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {

std::string one_line(const std::string& words) { return str::join(str::split_ws(words), " "); }

class Cmmi final : public Recipe {
 public:
  std::optional<std::string> shared_location() const override {
    return shared ? std::optional<std::string>(location) : std::nullopt;
  }
  Env env;
  profile::Resolver* resolver = nullptr;  // for hooks, which read and write the profile
  std::string name, url, path, location, compile_dir;
  std::optional<fetch::Checksum> sum;
  bool shared = false, keep_compile_dir = false;
  process::Environment environment;
  std::map<std::string, std::string> options;  // every option, for %-interpolation
  std::vector<std::pair<std::string, std::optional<fetch::Checksum>>> patches;
  std::string patch_command;
  std::string configure, make, install_command;
  std::string pre_configure, pre_build, pre_install, post_install;
  std::string pre_configure_hook, pre_make_hook, post_make_hook;
  std::vector<std::string> promises;
  std::string signature_text;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    if (shared && shared_part_complete(location)) {
      log_line(ic, fmt::format("shared part {} already built", location));
      return std::vector<std::string>{};
    }
    SLAP_CHECK(fs::remove_all(location));
    SLAP_CHECK(fs::make_dirs(location));
    auto built = build(ic);
    if (!built) {
      // A shared part is kept for inspection (upstream's keep_on_error); the next build
      // starts it over, since it has no signature file.
      if (!shared) (void)fs::remove_all(location);
      built.error().add_context(fmt::format("build directory kept for inspection: {}", compile_dir));
      return fail(std::move(built.error()));
    }
    if (!url.empty() && !keep_compile_dir) SLAP_CHECK(fs::remove_all(compile_dir));
    for (const auto& p : promises)
      if (!fs::exists(p)) env.ctx->warn(fmt::format("[{}]: could not find promise '{}'", name, p));
    SLAP_CHECK(fix_shebangs(location));
    if (shared) {
      SLAP_CHECK(mark_shared_part_complete(location, signature_text));
      make_read_only(location);
      return std::vector<std::string>{};
    }
    return std::vector<std::string>{location};
  }

 private:
  Status run(const std::string& command, const std::string& cwd, const InstallContext& ic) const {
    return run_shell("set -e;" + command, cwd, environment, ic);
  }

  // FILE#MD5:FUNCTION, called with (options, buildout, environment) in the source directory.
  Status hook(const std::string& option, const std::string& value, const std::string& cwd,
              const InstallContext& ic) const {
    if (str::strip(value).empty()) return {};
    if (!env.python) return fail(ErrorKind::internal, fmt::format("[{}] {}: no Python bridge in this build", name, option));
    log_line(ic, fmt::format("Executing {}", option));
    auto parsed = python::parse_hook(str::strip(value));
    if (!parsed) return fail(ErrorKind::input, fmt::format("[{}] {}: {}", name, option, parsed.error().message));
    python::Bridge* bridge = SLAP_TRY(env.python->get());
    python::ProfileHost host(*resolver, name, env.fetcher, env.buildout_dir, &env.python->resolver_mutex());
    return bridge->call_hook(*parsed, {name, option, cwd, environment, ic.log_file}, host);
  }

  Status build(const InstallContext& ic) {
    std::string cwd = compile_dir;
    if (!url.empty()) {
      std::string archive_file = SLAP_TRY(download(env, url, sum));
      log_line(ic, fmt::format("unpack {} -> {}", url, compile_dir));
      SLAP_CHECK(archive::extract(archive_file, compile_dir, {archive::Strip::never, {}}));
    } else {
      log_line(ic, fmt::format("using local source directory {}", compile_dir));
    }
    // Sources that extract into one directory are built inside it.
    std::vector<std::filesystem::path> entries;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(cwd, ec), end; !ec && it != end; it.increment(ec))
      entries.push_back(it->path());
    if (entries.size() == 1 && std::filesystem::is_directory(entries.front())) cwd = entries.front().string();
    for (const auto& [patch_url, patch_sum] : patches) {
      std::string file = SLAP_TRY(download(env, patch_url, patch_sum));
      SLAP_CHECK(run(fmt::format("{} < {}", patch_command, file), cwd, ic));
    }
    SLAP_CHECK(hook("pre-configure-hook", pre_configure_hook, cwd, ic));
    if (!pre_configure.empty()) SLAP_CHECK(run(pre_configure, cwd, ic));
    SLAP_CHECK(run(configure, cwd, ic));
    SLAP_CHECK(hook("pre-make-hook", pre_make_hook, cwd, ic));
    if (!pre_build.empty()) SLAP_CHECK(run(pre_build, cwd, ic));
    SLAP_CHECK(run(make, cwd, ic));
    if (!pre_install.empty()) SLAP_CHECK(run(pre_install, cwd, ic));
    SLAP_CHECK(run(install_command, cwd, ic));
    SLAP_CHECK(hook("post-make-hook", post_make_hook, cwd, ic));
    if (!post_install.empty()) SLAP_CHECK(run(post_install, cwd, ic));
    return {};
  }
};

// A command as upstream builds it: `text % self.options`.
Result<std::string> interpolated(profile::Options& section, const std::string& option, const std::string& text,
                                 const std::map<std::string, std::string>& options) {
  auto out = percent(text, options);
  if (!out) return fail(option_error(section, option, out.error().message));
  return *out;
}

Result<std::string> stripped(const std::map<std::string, std::string>& options, const std::string& key,
                             std::string fallback = {}) {
  auto it = options.find(key);
  return std::string(str::strip(it == options.end() ? fallback : it->second));
}

}  // namespace

Result<std::unique_ptr<Recipe>> make_cmmi(profile::Resolver& resolver, profile::Options& options, const Env& env) {
  auto r = std::make_unique<Cmmi>();
  r->env = env;
  r->resolver = &resolver;
  r->name = options.name();
  // It was never possible to choose the location: a `location` option must name the one
  // the shared-part logic computes (usually written `@@LOCATION@@`).
  auto given = SLAP_TRY(options.get("location"));
  auto place = SLAP_TRY(shared_place(resolver, options, env));
  r->location = place.location;
  r->shared = place.shared();
  r->signature_text = place.signature;
  if (given && str::replace_all(*given, "@@LOCATION@@", r->location) != r->location)
    return fail(option_error(options, "location", "invalid 'location' value").with_class("UserError"));
  options.set("location", r->location);
  bool maybe_shared = SLAP_TRY(strict_flag(options, "shared", false));
  auto shared_refusal = [&](const char* option, const std::string& reason) -> Status {
    if (!maybe_shared) return {};
    return fail(option_error(options, option, "When shared=true, " + reason).with_class("UserError"));
  };

  std::string prefix = SLAP_TRY(optional(options, "prefix"));
  if (!prefix.empty()) {
    prefix = str::replace_all(prefix, "@@LOCATION@@", r->location);
    if (!prefix.starts_with(r->location)) SLAP_CHECK(shared_refusal("prefix", "'prefix' can't be outside location"));
  } else {
    auto* buildout = SLAP_TRY(resolver.section("buildout"));
    prefix = SLAP_TRY(buildout->get("prefix")).value_or("");
    if (!prefix.empty()) {
      SLAP_CHECK(shared_refusal("prefix", "option 'prefix' must be set or ${buildout:prefix} can't be set"));
    } else {
      prefix = r->location;
    }
  }
  options.set("prefix", prefix);

  r->url = SLAP_TRY(optional(options, "url"));
  r->path = SLAP_TRY(optional(options, "path"));
  if (!r->url.empty() && !r->path.empty())
    return fail(option_error(options, "url", "You must use either \"url\" or \"path\", not both!").with_class("UserError"));
  if (r->url.empty() && r->path.empty())
    return fail(option_error(options, "url", "You must provide either \"url\" or \"path\".").with_class("UserError"));
  r->compile_dir = r->url.empty() ? r->path : path::join(r->location, ".build");
  options.set("compile-directory", r->compile_dir);

  auto values = SLAP_TRY(options.values());
  for (auto& [k, v] : values) {
    if (v.find("@@LOCATION@@") == std::string::npos) continue;
    v = str::replace_all(v, "@@LOCATION@@", r->location);
    options.set(k, v);
  }
  r->options = values;
  r->sum = SLAP_TRY(checksum(options, "md5sum"));
  r->environment = SLAP_TRY(environment(resolver, options, env.environment, true));

  auto* buildout = SLAP_TRY(resolver.section("buildout"));
  std::string keep = SLAP_TRY(optional(options, "keep-compile-dir"));
  if (keep.empty()) keep = SLAP_TRY(buildout->get("keep-compile-dir")).value_or("");
  r->keep_compile_dir = keep == "true";
  if (!keep.empty() && keep != "true" && keep != "false")
    return fail(option_error(options, "keep-compile-dir", fmt::format("'{}' is not true or false", keep)));

  std::string make_binary = SLAP_TRY(stripped(values, "make-binary", "make"));
  std::string make_options = one_line(values.contains("make-options") ? values.at("make-options") : "");
  std::string make_targets = one_line(values.contains("make-targets") ? values.at("make-targets") : "install");
  auto configure_options = str::split_ws(values.contains("configure-options") ? values.at("configure-options") : "");
  std::string configure_command = SLAP_TRY(stripped(values, "configure-command"));
  if (configure_command.empty()) {
    configure_command = "./configure";
    if (str::join(configure_options, " ").find("--prefix") == std::string::npos)
      configure_options.insert(configure_options.begin(), fmt::format("--prefix=\"{}\"", prefix));
  } else if (make_binary == "make" && make_targets == "install") {
    make_targets += fmt::format(" prefix=\"{}\"", prefix);
  }
  r->configure = SLAP_TRY(interpolated(options, "configure-command",
                                       configure_command + " " + str::join(configure_options, " "), values));
  r->install_command = SLAP_TRY(interpolated(options, "make-targets",
                                             make_binary + " " + make_options + " " + make_targets, values));
  r->make = SLAP_TRY(interpolated(options, "make-options", make_binary + " " + make_options, values));
  for (auto [field, option] : {std::pair{&Cmmi::pre_configure, "pre-configure"}, {&Cmmi::pre_build, "pre-build"},
                               {&Cmmi::pre_install, "pre-install"}, {&Cmmi::post_install, "post-install"}})
    (*r).*field = SLAP_TRY(interpolated(options, option, SLAP_TRY(stripped(values, option)), values));
  r->pre_configure_hook = SLAP_TRY(optional(options, "pre-configure-hook"));
  r->pre_make_hook = SLAP_TRY(optional(options, "pre-make-hook"));
  r->post_make_hook = SLAP_TRY(optional(options, "post-make-hook"));

  std::string patch_binary = SLAP_TRY(stripped(values, "patch-binary", "patch"));
  std::string patch_options = one_line(values.contains("patch-options") ? values.at("patch-options") : "-p0");
  r->patch_command = patch_binary + " " + patch_options;
  for (const auto& word : str::split_ws(values.contains("patches") ? values.at("patches") : "")) {
    auto hash = word.find('#');
    std::optional<fetch::Checksum> patch_sum;
    if (hash != std::string::npos && hash + 1 < word.size()) {
      auto parsed = fetch::parse_checksum(word.substr(hash + 1));
      if (!parsed) return fail(option_error(options, "patches", parsed.error().message));
      patch_sum = *parsed;
    }
    r->patches.emplace_back(word.substr(0, hash), patch_sum);
  }
  for (const auto& line : str::split(values.contains("promises") ? values.at("promises") : "", "\n"))
    if (!str::strip(line).empty()) r->promises.emplace_back(str::strip(line));
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
