// slap render: renders a Jinja2 template with a JSON context (for developers, and for the
// template conformance suite), or only parses templates with --check.
#include <ctime>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"
#include "slap/template.hpp"

namespace slap::cli {

namespace {

struct RenderOptions {
  std::vector<std::string> templates;
  std::string context_file;
  std::vector<std::string> options;
  std::vector<std::string> imports;
  std::vector<std::string> include_dirs;
  std::string output;
  int repeat = 1;
  bool check = false;
  bool time = false;
};

Result<bool> parse_bool(const std::string& key, const std::string& v) {
  if (auto b = str::parse_bool(v)) return *b;
  return fail(ErrorKind::usage, fmt::format("--option {}: expected true or false, got '{}'", key, v));
}

// Jinja2's Environment arguments, by the names it gives them.
Status apply_option(tmpl::Options& o, const std::string& kv) {
  auto eq = kv.find('=');
  if (eq == std::string::npos) return fail(ErrorKind::usage, fmt::format("--option expects KEY=VALUE, got '{}'", kv));
  std::string key = kv.substr(0, eq), value = kv.substr(eq + 1);
  const std::pair<const char*, bool tmpl::Options::*> flags[] = {
      {"keep_trailing_newline", &tmpl::Options::keep_trailing_newline}, {"trim_blocks", &tmpl::Options::trim_blocks},
      {"lstrip_blocks", &tmpl::Options::lstrip_blocks}, {"strict_undefined", &tmpl::Options::strict_undefined},
      {"autoescape", &tmpl::Options::autoescape}, {"debug", &tmpl::Options::debug_extension}};
  const std::pair<const char*, std::string tmpl::Options::*> texts[] = {
      {"block_start_string", &tmpl::Options::block_start}, {"block_end_string", &tmpl::Options::block_end},
      {"variable_start_string", &tmpl::Options::variable_start}, {"variable_end_string", &tmpl::Options::variable_end},
      {"comment_start_string", &tmpl::Options::comment_start}, {"comment_end_string", &tmpl::Options::comment_end},
      {"line_statement_prefix", &tmpl::Options::line_statement_prefix},
      {"line_comment_prefix", &tmpl::Options::line_comment_prefix}};
  if (key == "autoescape" && value.starts_with("select_autoescape")) {
    o.select_autoescape = SLAP_TRY(tmpl::AutoescapeSelector::parse(value));
    return {};
  }
  for (const auto& [name, member] : flags)
    if (key == name) {
      o.*member = SLAP_TRY(parse_bool(key, value));
      return {};
    }
  for (const auto& [name, member] : texts)
    if (key == name) {
      if (value.empty() && !key.starts_with("line_"))
        return fail(ErrorKind::usage, fmt::format("--option {}: a delimiter cannot be empty", key));
      o.*member = value;
      return {};
    }
  if (key == "undefined" && (value == "strict" || value == "default")) {
    o.strict_undefined = value == "strict";
    return {};
  }
  // Environment.policies, by their keys.
  if (key == "urlize.rel" || key == "urlize.target") {
    (key == "urlize.rel" ? o.urlize_rel : o.urlize_target) = value;
    return {};
  }
  if (key == "ext.i18n.trimmed") {
    o.i18n_trimmed = SLAP_TRY(parse_bool(key, value));
    return {};
  }
  // jinja2.ext.i18n, and which translations are installed.
  const std::pair<const char*, tmpl::Options::I18n> i18n_modes[] = {{"off", tmpl::Options::I18n::off},
                                                                     {"on", tmpl::Options::I18n::on},
                                                                     {"null", tmpl::Options::I18n::null},
                                                                     {"newstyle", tmpl::Options::I18n::newstyle}};
  if (key == "i18n")
    for (const auto& [name, mode] : i18n_modes)
      if (value == name) {
        o.i18n = mode;
        return {};
      }
  if (key == "urlize.extra_schemes") {
    o.urlize_extra_schemes.clear();
    for (const auto& scheme : str::split(value, ","))
      if (!scheme.empty()) o.urlize_extra_schemes.push_back(scheme);
    return {};
  }
  if (key == "newline_sequence") {
    // The newline itself, or as written in a shell: \n, \r\n, \r.
    std::string nl = str::replace_all(str::replace_all(value, "\\r", "\r"), "\\n", "\n");
    if (nl == "\n" || nl == "\r\n" || nl == "\r") {
      o.newline_sequence = nl;
      return {};
    }
  }
  return fail(ErrorKind::usage,
              fmt::format("unknown --option '{}' (known: keep_trailing_newline, trim_blocks, lstrip_blocks, "
                          "undefined=strict|default, autoescape=true|false|select_autoescape(...), newline_sequence=\\n|\\r\\n|\\r, "
                          "{{block,variable,comment}}_{{start,end}}_string, line_statement_prefix, line_comment_prefix, "
                          "urlize.rel, urlize.target, urlize.extra_schemes=S1,S2, i18n=off|on|null|newstyle, "
                          "ext.i18n.trimmed, debug)",
                          kv));
}

Result<tmpl::Dict> load_context(const RenderOptions& o, const tmpl::Environment& env) {
  tmpl::Dict ctx;
  if (!o.context_file.empty()) {
    std::string text = SLAP_TRY(fs::read_file(o.context_file));
    auto v = tmpl::Value::from_json(text);
    if (!v) return fail(ErrorKind::input, fmt::format("{}: {}", o.context_file, v.error().message));
    if (!v->is_dict()) return fail(ErrorKind::input, fmt::format("{}: the context must be a JSON object", o.context_file));
    ctx = v->as_dict();
  }
  for (const auto& spec : o.imports) {
    auto eq = spec.find('=');
    if (eq == std::string::npos) return fail(ErrorKind::usage, fmt::format("--import expects NAME=MODULE, got '{}'", spec));
    ctx.set(tmpl::Value(spec.substr(0, eq)), SLAP_TRY(env.import_module(spec.substr(eq + 1))));
  }
  return ctx;
}

// Templates named by import/include are files next to the template, then in -I dirs,
// looked up as Jinja2's FileSystemLoader does: a name is '/'-separated pieces under a
// search directory ("/etc/passwd" is "etc/passwd" there); a ".." piece is refused.
tmpl::Loader file_loader(std::vector<std::string> dirs) {
  return [dirs = std::move(dirs)](std::string_view name) -> Result<std::string> {
    std::vector<std::string> pieces;
    for (const auto& piece : str::split(name, "/")) {
      if (piece == "..")
        return fail(Error(ErrorKind::input, fmt::format("template '{}' not found: '..' is not allowed in template names", name))
                        .with_class("TemplateNotFound"));
      if (!piece.empty() && piece != ".") pieces.push_back(piece);
    }
    std::string relative = str::join(pieces, "/");
    for (const auto& d : dirs) {
      std::string path = path::join(d, relative);
      if (!relative.empty() && fs::exists(path) && !fs::is_dir(path)) return fs::read_file(path);
    }
    return fail(Error(ErrorKind::input, fmt::format("template '{}' not found (searched: {})", name, str::join(dirs, ", ")))
                    .with_class("TemplateNotFound"));
  };
}

Result<Outcome> run_check(Env& env, const RenderOptions& o, const tmpl::Environment& engine) {
  Outcome out;
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& path : o.templates) {
    auto text = fs::read_file(path);
    auto parsed = text ? engine.parse(*text, path) : Result<tmpl::Template>(std::unexpected(text.error()));
    if (parsed) continue;
    failures.push_back({{"template", path}, {"error", error_json(parsed.error())}});
    if (!env.term.json()) env.term.out(parsed.error().describe() + "\n");
  }
  out.result = {{"checked", o.templates.size()}, {"failed", failures.size()}, {"errors", failures}};
  if (!failures.empty())
    out.error = Error(ErrorKind::input, fmt::format("{} of {} templates do not parse", failures.size(), o.templates.size()));
  else if (!env.term.json())
    env.term.out(fmt::format("{} template{} parsed\n", o.templates.size(), o.templates.size() == 1 ? "" : "s"));
  return out;
}

// CPU seconds this process has used: what --time reports, as other load does not skew it.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// --time: parses `repeat` times, then renders the parsed template `repeat` times, and
// reports the mean of each on stderr; a Python Jinja2 benchmark likewise compiles a
// Template and times render() apart (bench/render).
Result<std::string> timed_render(Env& env, const RenderOptions& o, const tmpl::Environment& engine,
                                 const std::string& source, const tmpl::Dict& context) {
  double start = cpu_seconds();
  tmpl::Template t;
  for (int i = 0; i < o.repeat; ++i) t = SLAP_TRY(engine.parse(source, o.templates[0]));
  double parsed = cpu_seconds();
  std::string text;
  for (int i = 0; i < o.repeat; ++i) text = SLAP_TRY(engine.render(t, context));
  double rendered = cpu_seconds();
  env.term.note(fmt::format("parse {:.4f} ms, render {:.4f} ms (CPU time, mean of {} each)\n",
                            (parsed - start) * 1e3 / o.repeat, (rendered - parsed) * 1e3 / o.repeat, o.repeat));
  return text;
}

Result<Outcome> run_render(Env& env, RenderOptions& o) {
  tmpl::Environment engine;
  for (const auto& kv : o.options) SLAP_CHECK(apply_option(engine.options, kv));
  if (o.check) return run_check(env, o, engine);
  if (o.templates.size() != 1)
    return fail(ErrorKind::usage, "render takes one TEMPLATE (several only with --check)");
  const std::string& path = o.templates[0];
  std::vector<std::string> dirs{path::dirname(path).empty() ? "." : path::dirname(path)};
  dirs.insert(dirs.end(), o.include_dirs.begin(), o.include_dirs.end());
  engine.loader = file_loader(dirs);
  tmpl::Dict context = SLAP_TRY(load_context(o, engine));
  std::string source = SLAP_TRY(fs::read_file(path));
  std::string text;
  if (o.time) {
    text = SLAP_TRY(timed_render(env, o, engine, source, context));
  } else {
    // --repeat parses and renders again each time, as separate renders would (benchmarks).
    for (int i = 0; i < o.repeat; ++i) text = SLAP_TRY(engine.render(source, path, context));
  }
  Outcome out;
  out.result = {{"template", path}, {"output", o.output.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.output)},
                {"bytes", text.size()}};
  if (!o.output.empty()) {
    SLAP_CHECK(fs::write_atomic(o.output, text));
  } else if (env.term.json()) {
    out.result["text"] = text;
  } else {
    env.term.out(text);
  }
  return out;
}

}  // namespace

void add_render_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<RenderOptions>();
  auto* sub = app.add_subcommand("render", "render a Jinja2 template with a JSON context");
  sub->add_option("TEMPLATE", opts->templates, "template file (several with --check)")->required();
  sub->add_option("--context", opts->context_file, "JSON object whose keys are the template's variables")->type_name("FILE");
  sub->add_option("--option", opts->options, "engine option KEY=VALUE (keep_trailing_newline, trim_blocks, ...)")->allow_extra_args(false);
  sub->add_option("--import", opts->imports, "add module MODULE to the context as NAME (NAME=MODULE)")->allow_extra_args(false);
  sub->add_option("-I,--include-dir", opts->include_dirs, "also look for imported/included templates here")->type_name("DIR")->allow_extra_args(false);
  sub->add_option("-o,--output", opts->output, "write the result to FILE (atomically) instead of stdout")->type_name("FILE");
  sub->add_flag("--check", opts->check, "only parse the templates and report syntax errors");
  sub->add_option("--repeat", opts->repeat, "parse and render N times, print the last result (for benchmarks)")
      ->check(CLI::PositiveNumber);
  sub->add_flag("--time", opts->time, "parse, then render, --repeat times each; print the mean CPU time of each on stderr");
  sub->callback([&action, opts] { action = [opts](Env& env) { return run_render(env, *opts); }; });
}

}  // namespace slap::cli
