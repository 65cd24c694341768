// slapos.recipe.template:jinja2 (spec/templates.md §3): renders a Jinja2 template with a
// context built from `context` lines, templates importable through `import-list`.
#include <fmt/format.h>

#include <algorithm>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"
#include "slap/template.hpp"
#include "slap/typed.hpp"

namespace slap::recipes {

namespace {

struct ImportedModule {
  std::string name, module;
};

class Jinja2 final : public Recipe {
 public:
  Env env;
  std::string name, output, source, inline_text, once;
  std::optional<fetch::Checksum> sum;
  std::optional<unsigned> file_mode;
  tmpl::Dict context;
  std::vector<ImportedModule> modules;
  std::map<std::string, std::string> imports;  // import-list: name -> file
  std::string state;
  bool i18n = false;  // extensions names jinja2.ext.i18n: {% trans %}, with no translations installed
  bool debug = false;  // extensions names jinja2.ext.debug: {% debug %}

  std::optional<std::string> rendered;  // when the template could be rendered at init

  bool skipped() const { return !once.empty() && fs::exists(once); }

  Result<std::string> render() const {
    std::string text = inline_text;
    if (!source.empty()) text = SLAP_TRY(fs::read_file(SLAP_TRY(download(env, source, sum))));
    tmpl::Environment jenv;
    jenv.options.strict_undefined = true;  // as the recipe's jinja2.StrictUndefined
    if (i18n) jenv.options.i18n = tmpl::Options::I18n::on;
    jenv.options.debug_extension = debug;
    jenv.set_global("dumps", tmpl::function("dumps", dumps));
    jenv.loader = [this](std::string_view wanted) -> Result<std::string> {
      auto it = imports.find(std::string(wanted));
      if (it == imports.end())
        return fail(ErrorKind::input, fmt::format("template '{}' is not in the import-list of [{}]", wanted, name));
      return fs::read_file(it->second);
    };
    tmpl::Dict ctx = context;
    for (const auto& m : modules) ctx.set(m.name, SLAP_TRY(jenv.import_module(m.module)));
    return jenv.render(text, source.empty() ? fmt::format("inline template of [{}]", name) : source, ctx);
  }

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    if (skipped()) {
      log_line(ic, fmt::format("{} exists: not rendering again", once));
      return std::vector<std::string>{};
    }
    log_line(ic, fmt::format("render {} -> {}", source.empty() ? "inline template" : source, output));
    std::string text = rendered ? *rendered : SLAP_TRY(render());
    SLAP_CHECK(fs::make_dirs(path::dirname(output)));
    SLAP_CHECK(fs::write_atomic(output, text, file_mode.value_or(0644), false));
    if (!once.empty()) {
      SLAP_CHECK(fs::write_atomic(once, ""));
      return std::vector<std::string>{};
    }
    return std::vector<std::string>{output};
  }

  std::string signature() const override { return state; }

  // dumps(v): what reads back as `v` when written into a profile option (slap/typed.hpp).
  static Result<tmpl::Value> dumps(tmpl::Args& args) {
    if (args.positional.size() != 1) return fail(ErrorKind::input, "dumps() takes exactly one argument");
    const tmpl::Value& v = args.positional[0];
    if (v.is_string() && v.as_string().find_first_of("$\n") == std::string::npos) return v;
    auto text = SLAP_TRY(v.to_json());
    return tmpl::Value(typed::encode_json(text));
  }
};

// An option's value as a template value: typed values decode to what they hold.
Result<tmpl::Value> option_value(const std::string& value) {
  if (auto text = typed::json_text(value)) return tmpl::Value::from_json(*text);
  return tmpl::Value(value);
}

Result<profile::Options*> section_of(profile::Resolver& resolver, profile::Options& self, const std::string& name) {
  return name.empty() ? &self : resolver.section(name);
}

// `SECTION:OPTION` of a context/import line.
Result<std::string> option_ref(profile::Resolver& resolver, profile::Options& self, const std::string& ref,
                               const std::string& line, const char* option = "context") {
  auto colon = ref.find(':');
  if (colon == std::string::npos)
    return fail(option_error(self, option, fmt::format("'{}': expected SECTION:OPTION", line)));
  auto section = section_of(resolver, self, ref.substr(0, colon));
  if (!section) return fail(self.located(std::move(section.error()), option));
  auto value = (*section)->at(ref.substr(colon + 1));
  if (!value) return fail(self.located(std::move(value.error()), option));
  return value;
}

Status parse_context(profile::Resolver& resolver, profile::Options& options, Jinja2& r) {
  for (const auto& raw_line : str::split(SLAP_TRY(optional(options, "context")), "\n")) {
    std::string line(str::strip(raw_line));
    if (line.empty()) continue;
    auto words = str::split_ws(line);
    if (words.size() < 2) return fail(option_error(options, "context", fmt::format("'{}': expected TYPE NAME VALUE", line)));
    const std::string& type = words[0];
    const std::string& var = words[1];
    std::size_t rest_at = line.find(var, line.find(type) + type.size()) + var.size();
    std::string rest(str::strip(std::string_view(line).substr(rest_at)));
    if (r.context.contains(tmpl::Value(var)))
      return fail(option_error(options, "context", fmt::format("'{}' is defined twice", var)));
    if (type == "key") {
      r.context.set(var, SLAP_TRY(option_value(SLAP_TRY(option_ref(resolver, options, rest, line)))));
    } else if (type == "raw") {
      r.context.set(var, tmpl::Value(rest));
    } else if (type == "section") {
      auto* section = SLAP_TRY(section_of(resolver, options, rest));
      tmpl::Dict d;
      for (const auto& [k, v] : SLAP_TRY(section->values())) d.set(k, SLAP_TRY(option_value(v)));
      r.context.set(var, tmpl::Value::dict(std::move(d)));
    } else if (type == "import") {
      r.modules.push_back({var, rest});
    } else if (type == "jsonkey" || type == "json") {
      std::string text = type == "json" ? rest : typed::textual(SLAP_TRY(option_ref(resolver, options, rest, line)));
      auto v = tmpl::Value::from_json(text);
      if (!v) return fail(option_error(options, "context", fmt::format("'{}': {}", line, v.error().message)));
      r.context.set(var, *v);
    } else {
      return fail(option_error(options, "context", fmt::format("'{}': unknown context type '{}'", line, type)));
    }
  }
  return {};
}

Status parse_imports(profile::Resolver& resolver, profile::Options& options, Jinja2& r) {
  for (const auto& raw_line : str::split(SLAP_TRY(optional(options, "import-list")), "\n")) {
    auto words = str::split_ws(raw_line);
    if (words.empty()) continue;
    if (words.size() != 3 || (words[0] != "file" && words[0] != "rawfile"))
      return fail(option_error(options, "import-list", fmt::format("'{}': expected file|rawfile NAME VALUE", raw_line)));
    r.imports[words[1]] = words[0] == "rawfile" ? words[2] : SLAP_TRY(option_ref(resolver, options, words[2], raw_line, "import-list"));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Recipe>> make_jinja2(profile::Resolver& resolver, profile::Options& options, const Env& env) {
  auto r = std::make_unique<Jinja2>();
  r->env = env;
  r->name = options.name();
  auto output = SLAP_TRY(options.get("output"));
  if (!output) output = SLAP_TRY(options.get("rendered"));
  if (!output) return fail(option_error(options, "output", "the output file is required"));
  r->output = *output;
  std::string url = SLAP_TRY(optional(options, "url"));
  std::string legacy = SLAP_TRY(optional(options, "template"));
  auto inline_text = SLAP_TRY(options.get("inline"));
  if (legacy.starts_with("inline:")) inline_text = str::dedent(legacy.substr(7)).erase(0, legacy[7] == '\n' ? 1 : 0);
  else if (!legacy.empty()) url = legacy;
  if (url.empty() == !inline_text)
    return fail(option_error(options, "url", "give exactly one of 'url' and 'inline'"));
  r->source = url;
  if (inline_text) r->inline_text = *inline_text;
  r->sum = SLAP_TRY(checksum(options, "md5sum"));
  r->file_mode = SLAP_TRY(mode(options, "mode"));
  r->once = SLAP_TRY(optional(options, "once"));
  for (const auto& ext : str::split_ws(SLAP_TRY(optional(options, "extensions")))) {
    // The engine always accepts do/break/continue; these names merely enable them in Jinja2.
    // The recipe installs no translations: with i18n, {% trans %} parses and fails when it
    // runs (gettext is undefined), as upstream.
    if (ext == "jinja2.ext.i18n") r->i18n = true;
    else if (ext == "jinja2.ext.debug") r->debug = true;
    else if (ext != "jinja2.ext.do" && ext != "jinja2.ext.loopcontrols")
      return fail(option_error(options, "extensions", fmt::format("Jinja2 extension '{}' is not supported", ext)));
  }
  SLAP_CHECK(parse_context(resolver, options, *r));
  SLAP_CHECK(parse_imports(resolver, options, *r));
  // Values pulled through `key`/`section` are not options of this part: their digest
  // joins the signature so that a change re-renders (spec/templates.md §3.4).
  checksum::Hasher h(checksum::Algorithm::md5);
  for (const auto& e : r->context) h.update(e.key.repr() + "=" + e.value.repr() + "\n");
  for (const auto& m : r->modules) h.update("import " + m.name + " " + m.module + "\n");
  if (!url.empty() && fs::exists(url)) h.update(fs::read_file(url).value_or(""));
  r->state = h.hex();
  // A template that is already there (inline, or a local file, as instance profiles have
  // them) is rendered now: an error in it stops the build before any part is uninstalled,
  // so a partition keeps its working state. One produced by another part, or importing a
  // file another part produces, renders at install.
  bool local_file = !url.empty() && url.find("://") == std::string::npos && fs::exists(url);
  bool imports_ready = std::all_of(r->imports.begin(), r->imports.end(), [](const auto& i) { return fs::exists(i.second); });
  if ((inline_text || local_file) && imports_ready && !r->skipped()) {
    auto text = r->render();
    if (!text) return fail(std::move(text.error()).add_context(fmt::format("rendering [{}]", r->name)));
    r->rendered = std::move(*text);
  }
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
