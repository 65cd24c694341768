// slapos.cookbook:simplelogger: `wrapper`, a script appending what it reads on stdin to
// `log`, every line prefixed with the date as upstream writes it
// ("%Y-%m-%d.%H:%M.%s:", %s being the seconds since the epoch), then a separator line.
// Upstream writes a Python script calling slapos.recipe.simplelogger.log; slap writes the
// same behaviour as a shell script.
#include <fmt/format.h>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"

namespace slap::recipes {

namespace {

class Logger final : public Recipe {
 public:
  std::string wrapper, log;
  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    std::string q = process::shell_quote(log);
    std::string script = fmt::format(
        "#!/bin/sh\n"
        "lines=$(cat; echo .)\n"
        "lines=${{lines%.}}\n"
        "prefix=$(date +%Y-%m-%d.%H:%M.%s:)\n"
        "{{ if [ -n \"$lines\" ]; then printf '%s' \"$lines\" | awk -v p=\"$prefix\" '{{ print p \" \" $0 }}'; fi\n"
        "  printf '%s ------------------------\\n' \"$prefix\"; }} >> {}\n",
        q);
    log_line(ic, "write " + wrapper);
    SLAP_CHECK(fs::make_dirs(path::dirname(wrapper)));
    SLAP_CHECK(fs::write_atomic(wrapper, script, 0755, false));
    return std::vector<std::string>{wrapper};
  }
};

}  // namespace

Result<std::unique_ptr<Recipe>> make_simplelogger(profile::Resolver&, profile::Options& options, const Env&) {
  auto r = std::make_unique<Logger>();
  r->wrapper = SLAP_TRY(options.at("wrapper"));
  r->log = SLAP_TRY(options.at("log"));
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
