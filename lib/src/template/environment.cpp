// The public API: environments, parsing and rendering.
#include "autoescape.hpp"
#include "builtins.hpp"
#include "interp.hpp"
#include "parser.hpp"
#include "registry.hpp"

namespace slap::tmpl {

const std::string& Template::name() const { return data->name; }

Environment::Environment() : modules_(native_modules()) {
  install_builtins(globals_);
  install_sequence_builtins(globals_);
  globals_.set(Value("lipsum"), lipsum_function());
  // slapos.recipe.template puts six among the builtins it exposes; templates use it bare.
  globals_.set(Value("six"), modules_.at("six"));
}

Environment::~Environment() = default;

void Environment::set_global(std::string name, Value value) { globals_.set(Value(std::move(name)), std::move(value)); }

void Environment::add_module(std::string dotted_name, Value module) { modules_[std::move(dotted_name)] = std::move(module); }

Result<Value> Environment::import_module(std::string_view dotted_name) const {
  auto it = modules_.find(dotted_name);
  if (it == modules_.end())
    return fail(ErrorKind::input, "module " + std::string(dotted_name) + " not available in slap templates");
  return it->second;
}

bool Environment::has_filter(std::string_view name) const { return find_filter(name) != nullptr; }
bool Environment::has_test(std::string_view name) const { return find_test(name) != nullptr; }

Result<Template> Environment::parse(std::string_view source, std::string_view name) const {
  try {
    auto data = parse_template(source, std::string(name), options);
    data->autoescape = initial_autoescape(options, std::nullopt);
    return Template{std::move(data)};
  } catch (Error& e) {
    return std::unexpected(std::move(e));
  }
}

Result<std::string> Environment::render(const Template& t, const Dict& context) const {
  std::string out;
  try {
    Interp in(*this);
    in.render(t.data, context, out);
  } catch (Error& e) {
    if (e.where.file.empty()) e.where.file = t.name();
    return std::unexpected(std::move(e));
  } catch (const std::exception& e) {
    return fail(ErrorKind::internal, std::string("template engine failure: ") + e.what(), Location{t.name(), 0, 0});
  }
  return out;
}

Result<std::string> Environment::render(std::string_view source, std::string_view name, const Dict& context) const {
  Template t = SLAP_TRY(parse(source, name));
  return render(t, context);
}

}  // namespace slap::tmpl
