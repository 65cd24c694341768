// slapos.cookbook:promise.plugin: upstream writes a Python file importing a check module;
// slap writes the declarative descriptor `slap promise` reads (see slap/promise.hpp) at the
// same `output` path: {"module": ..., "config": {config-* options without the prefix}}.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/typed.hpp"

namespace slap::recipes {

namespace {
class PromisePlugin final : public Recipe {
 public:
  std::string output, text;
  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    log_line(ic, "write promise " + output);
    SLAP_CHECK(fs::make_dirs(path::dirname(output)));
    SLAP_CHECK(fs::write_atomic(output, text, 0644, false));
    return std::vector<std::string>{output};
  }
};
}  // namespace

Result<std::unique_ptr<Recipe>> make_promise_plugin(profile::Resolver&, profile::Options& options, const Env&) {
  auto r = std::make_unique<PromisePlugin>();
  r->output = SLAP_TRY(options.at("output"));
  std::string module = SLAP_TRY(optional(options, "module"));
  if (module.empty()) module = SLAP_TRY(optional(options, "promise"));
  if (module.empty()) return fail(option_error(options, "module", "the check module to run is required"));
  nlohmann::json config = nlohmann::json::object();
  for (const auto& [k, v] : SLAP_TRY(options.values()))
    if (k.starts_with("config-")) config[k.substr(7)] = typed::textual(v);
  r->text = nlohmann::json{{"module", module}, {"config", config}}.dump(1) + "\n";
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
