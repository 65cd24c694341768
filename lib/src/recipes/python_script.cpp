// slapos.recipe.build (default entry point): the part's `init`, `install` and `update`
// options are Python code, run through the Python bridge (slap/python.hpp) with the API
// upstream hands them. `init` runs here, while the section initialises (so for
// `slap build -n` too); install/update run on a worker thread.
#include <fmt/format.h>
#include <unistd.h>

#include <sys/stat.h>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"
#include "slap/python.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {

// The profile line of line `n` (1-based) of an option's code, by reading the file again
// as the parser did: continuation lines after the option line, comment lines skipped,
// the leading blank ones of a block value dropped.
int code_line_in_file(const std::string& file, int option_line, int n) {
  auto text = fs::read_file(file);
  if (!text || option_line <= 0) return option_line + n - 1;
  auto lines = str::split(*text, "\n");
  if (static_cast<std::size_t>(option_line) > lines.size()) return option_line + n - 1;
  const std::string& first = lines[static_cast<std::size_t>(option_line - 1)];
  auto eq = first.find('=');
  bool block = eq == std::string::npos || str::strip(first.substr(eq + 1)).empty();
  std::vector<int> value_lines;  // 1-based file lines holding the code, in order
  if (!block) value_lines.push_back(option_line);
  for (std::size_t i = static_cast<std::size_t>(option_line); i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (!l.empty() && (l[0] == '#' || l[0] == ';')) continue;
    if (!l.empty() && !str::is_space(l[0])) break;
    bool blank = str::strip(l).empty();
    if (blank && (!block || value_lines.empty())) continue;
    value_lines.push_back(static_cast<int>(i + 1));
  }
  if (n >= 1 && static_cast<std::size_t>(n) <= value_lines.size()) return value_lines[static_cast<std::size_t>(n - 1)];
  return option_line + n - 1;
}

// Gives a Python exception from inline code ("[section] option", line within the code)
// the file:line of that code in the profile; an error raised around the code (the
// recipe's own checks, a dead helper) the line of the option that was running, or of
// `recipe`.
Error located_in_profile(Error e, profile::Options& options, profile::Resolver& resolver, const std::string& running) {
  std::string prefix = "[" + options.name() + "] ";
  bool in_code = e.where.file.starts_with(prefix);
  if (!in_code && !(e.kind == ErrorKind::recipe && e.where.file.empty())) return e;
  std::string option = in_code ? e.where.file.substr(prefix.size()) : running;
  int line = e.where.line;
  e.where = {};
  e.subject = options.name() + ":" + option;
  const profile::Key* key = options.raw_key(option);
  if (!key) key = options.raw_key("recipe");
  if (!key || key->origin().source < profile::first_file_source) return e;
  std::string file = resolver.profile().source_name(key->origin().source);
  int option_line = static_cast<int>(key->origin().line);
  e.where = {file, in_code ? code_line_in_file(file, option_line, line) : option_line, 1};
  return e;
}

bool is_executable_file(const std::string& path) {
  struct stat st;
  return path.find('/') != std::string::npos && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         ::access(path.c_str(), X_OK) == 0;
}

// The recipe's `python` option, or ${buildout:python}, when it names an executable; else
// the build's default interpreter.
Result<std::string> interpreter(profile::Resolver& resolver, profile::Options& options) {
  std::string own(str::strip(SLAP_TRY(optional(options, "python"))));
  if (is_executable_file(own)) return own;
  auto* buildout = SLAP_TRY(resolver.section("buildout"));
  std::string global(str::strip(SLAP_TRY(optional(*buildout, "python"))));
  if (is_executable_file(global)) return global;
  return std::string();
}

class PythonScript final : public Recipe {
 public:
  std::optional<std::string> shared_location() const override {
    return shared.shared ? std::optional<std::string>(shared.location) : std::nullopt;
  }
  Env env;
  profile::Resolver* resolver = nullptr;
  profile::Options* options = nullptr;
  python::Bridge* bridge = nullptr;
  python::SharedPart shared;
  std::string signature;  // of the shared part
  bool has_install = false, has_update = false;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    if (shared.shared && shared_part_complete(shared.location)) {
      log_line(ic, fmt::format("shared part {} already built", shared.location));
      return std::vector<std::string>{};
    }
    auto host = make_host();
    auto paths = bridge->build_install(options->name(), ic.log_file, host);
    if (!paths) return fail(locate(std::move(paths.error()), has_install ? "install" : "update"));
    if (shared.shared) {
      SLAP_CHECK(mark_shared_part_complete(shared.location, signature));
      make_read_only(shared.location);
      return std::vector<std::string>{};
    }
    return paths;
  }

  Result<std::vector<std::string>> update(const InstallContext& ic) override {
    if (!has_update) return std::vector<std::string>{};
    auto host = make_host();
    auto done = bridge->build_update(options->name(), ic.log_file, host);
    if (!done) return fail(locate(std::move(done.error()), "update"));
    return std::vector<std::string>{};
  }

  Error locate(Error e, const std::string& option) {
    std::lock_guard lock(env.python->resolver_mutex());
    return located_in_profile(std::move(e), *options, *resolver, option);
  }

 private:
  // Install-time callbacks: parts install on worker threads, the resolver is shared.
  python::ProfileHost make_host() {
    return python::ProfileHost(*resolver, options->name(), env.fetcher, env.buildout_dir, &env.python->resolver_mutex());
  }
};

}  // namespace

Result<std::unique_ptr<Recipe>> make_python_script(profile::Resolver& resolver, profile::Options& options,
                                                   const Env& env) {
  bool any = false;
  for (const char* option : {"init", "install", "update"})
    if (!SLAP_TRY(optional(options, option)).empty()) any = true;
  if (!any)
    return fail(options.located(Error(ErrorKind::input, fmt::format("[{}] at least one of the following option is "
                                                                    "required: init, install, update", options.name()))
                                    .with_class("UserError")
                                    .about(options.name() + ":recipe"),
                                "recipe"));
  if (!env.python) return fail(ErrorKind::internal, "slapos.recipe.build: no Python bridge in this build");
  auto r = std::make_unique<PythonScript>();
  r->env = env;
  r->resolver = &resolver;
  r->options = &options;
  r->has_install = !SLAP_TRY(optional(options, "install")).empty();
  r->has_update = !SLAP_TRY(optional(options, "update")).empty();
  r->bridge = SLAP_TRY(env.python->get(SLAP_TRY(interpreter(resolver, options))));
  r->shared.requested = SLAP_TRY(strict_flag(options, "shared", false));
  bool own_location = !SLAP_TRY(optional(options, "location")).empty();
  // Upstream computes the shared location from the options before `init` runs, and
  // refuses a `location` option on a shared part: an empty one never matches it.
  if (!(r->shared.requested && own_location)) {
    auto place = SLAP_TRY(shared_place(resolver, options, env));
    r->shared.location = place.location;
    r->shared.shared = place.shared();
    r->signature = place.signature;
  }
  // Init-time callbacks run on the resolving thread, inside this factory.
  python::ProfileHost host(resolver, options.name(), env.fetcher, env.buildout_dir, nullptr);
  if (auto init = r->bridge->build_init(options.name(), r->shared, host); !init)
    return fail(located_in_profile(std::move(init.error()), options, resolver, "init"));
  if (r->shared.shared) r->shared.location = SLAP_TRY(optional(options, "location"));
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
