// slapos.recipe.template (buildout-expansion mode) and collective.recipe.template: the
// template's `${...}` are substituted in the context of the part, then `$$` becomes `$`
// (how a software profile writes `${...}` into a generated instance profile).
#include <fmt/format.h>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {

class Template final : public Recipe {
 public:
  std::string output, rendered;
  std::optional<unsigned> file_mode;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    log_line(ic, "write " + output);
    SLAP_CHECK(fs::make_dirs(path::dirname(output)));
    SLAP_CHECK(fs::write_atomic(output, rendered, file_mode.value_or(0644), false));
    return std::vector<std::string>{output};
  }
  std::string signature() const override { return checksum::hex_digest(checksum::Algorithm::md5, rendered); }
};

// The template text: `inline`, or `url` (+ md5sum), or collective.recipe.template's `input`
// ("inline:" followed by the text, or a path).
Result<std::string> template_text(profile::Options& options, const Env& env) {
  auto inline_text = SLAP_TRY(options.get("inline"));
  auto url = SLAP_TRY(options.get("url"));
  auto input = SLAP_TRY(options.get("input"));
  if (inline_text && url) return fail(option_error(options, "inline", "give either 'inline' or 'url', not both"));
  if (inline_text) return *inline_text + (inline_text->ends_with('\n') ? "" : "\n");
  if (input && input->starts_with("inline:")) {
    std::string text = input->substr(7);
    if (text.starts_with('\n')) text.erase(0, 1);
    return str::dedent(text) + "\n";
  }
  std::string source = url ? *url : input ? *input : std::string();
  if (source.empty()) return fail(option_error(options, "url", "one of 'url', 'inline' or 'input' is required"));
  std::string file = SLAP_TRY(download(env, source, SLAP_TRY(checksum(options, "md5sum"))));
  return fs::read_file(file);
}

}  // namespace

Result<std::unique_ptr<Recipe>> make_template(profile::Resolver&, profile::Options& options, const Env& env) {
  auto r = std::make_unique<Template>();
  r->output = SLAP_TRY(options.at("output"));
  r->file_mode = SLAP_TRY(mode(options, "mode"));
  std::string text = SLAP_TRY(template_text(options, env));
  r->rendered = str::replace_all(SLAP_TRY(options.expand(text)), "$$", "$");
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
