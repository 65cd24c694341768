// plone.recipe.command: a shell command at install (`command`) and update
// (`update-command`); a failure only warns unless `stop-on-error` is true.
#include <fmt/format.h>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {
class Command final : public Recipe {
 public:
  Env env;
  std::string command, update_command, cwd;
  std::vector<std::string> locations;
  bool stop_on_error = false;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    SLAP_CHECK(run(command, ic));
    return locations;
  }
  Result<std::vector<std::string>> update(const InstallContext& ic) override {
    if (!update_command.empty()) SLAP_CHECK(run(update_command, ic));
    return std::vector<std::string>{};
  }

 private:
  Status run(const std::string& script, const InstallContext& ic) {
    auto done = run_shell(script, cwd, env.environment, ic);
    if (done || stop_on_error || done.error().kind == ErrorKind::interrupted) return done;
    if (env.ctx) env.ctx->warn(fmt::format("command failed (stop-on-error is false): {}", done.error().message));
    return {};
  }
};
}  // namespace

Result<std::unique_ptr<Recipe>> make_command(profile::Resolver&, profile::Options& options, const Env& env) {
  auto r = std::make_unique<Command>();
  r->env = env;
  r->cwd = env.buildout_dir;
  r->command = SLAP_TRY(optional(options, "command"));
  r->update_command = SLAP_TRY(optional(options, "update-command"));
  r->stop_on_error = SLAP_TRY(flag(options, "stop-on-error", false));
  r->locations = str::split_ws(SLAP_TRY(optional(options, "location")));
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
