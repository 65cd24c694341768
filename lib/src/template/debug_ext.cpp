// jinja2.ext.debug: {% debug %} prints pprint.pformat({'context': ..., 'filters': [...],
// 'tests': [...]}, depth=3, compact=True).
#include "interp.hpp"
#include "markup.hpp"
#include "pprint.hpp"
#include "registry.hpp"
#include "symbols.hpp"

namespace slap::tmpl {

namespace {

Value names_list(const std::vector<std::string_view>& names) {
  std::vector<Value> items;
  items.reserve(names.size());
  for (auto name : names) items.emplace_back(name);
  return Value::list(std::move(items));
}

}  // namespace

std::string Interp::debug_report(const Scope& scope) const {
  // Jinja2's Context.get_all(): the globals, the render variables over them, and what the
  // template's top level assigned (its context's vars), not the variables of a loop or a
  // macro body.
  const Scope* top = &scope;
  while (top->parent) top = top->parent.get();
  Dict context = top->root->globals ? *top->root->globals : globals();
  for (const auto& e : top->root->base) context.set(e.key, e.value);
  for (const auto& e : top->vars)
    if (e.sym != sym::self) context.set(Value(symbol_name(e.sym)), e.value);  // self: Jinja2 resolves it apart
  Dict report;
  report.set(Value("context"), Value::dict(std::move(context)));
  report.set(Value("filters"), names_list(filter_names()));
  report.set(Value("tests"), names_list(test_names()));
  return pformat(Value::dict(std::move(report)), 3, true);
}

void Interp::write_debug_report(const Scope& scope) {
  std::string report = debug_report(scope);
  *out += autoescape ? html_escape(report) : report;
}

}  // namespace slap::tmpl
