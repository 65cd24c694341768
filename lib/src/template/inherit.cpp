// Template inheritance: {% extends %}, {% block %}, super() and self (jinja2's
// Context.blocks, BlockReference and the parent_template loop of a compiled root).
#include <utility>

#include "errors.hpp"
#include "interp.hpp"

namespace slap::tmpl {

namespace {

}  // namespace

void Interp::Inheritance::add(const std::shared_ptr<const TemplateData>& t) {
  for (const auto& [name, block] : t->blocks) blocks[name].push_back({block, t});
}

void Interp::render_chain(const std::shared_ptr<const TemplateData>& t, Dict base, std::string& output) {
  Inheritance chain;
  InheritanceScope active(*this, &chain);
  chain.add(t);
  std::shared_ptr<const TemplateData> current = t;
  while (true) {
    auto root = std::make_shared<RootContext>(RootContext{base, &globals(), current});
    auto scope = std::make_shared<Scope>();
    scope->root = root.get();
    scope->owner = root;
    Dict self;
    for (const auto& [name, refs] : chain.blocks) {
      std::string block = name;
      std::weak_ptr<Scope> owner = scope;  // `self` lives in that scope: no cycle
      self.set(Value(name), function(name, [this, block, owner](Args&) -> Result<Value> {
        std::string text;
        OutputRedirect redirect(*this, text);
        auto top = owner.lock();
        render_block(block, 0, top);
        return rendered(std::move(text));
      }));
    }
    scope->vars.set(sym::self, module("self", std::move(self)));
    chain.top = scope;
    chain.parent = nullptr;
    {
      OutputRedirect redirect(*this, output);
      AutoescapeScope escaping(*this, current->autoescape);  // each template of the chain its own
      exec(current->body, scope);
    }
    if (!chain.parent) break;
    // One context for the whole chain: the child's top-level names reach its parent.
    for (const auto& e : scope->vars)
      if (e.sym != sym::self) base.set(Value(symbol_name(e.sym)), e.value);
    current = chain.parent;
    chain.add(current);
  }
}

void Interp::exec_extends(const ExtendsStmt& s, const ScopePtr& scope) {
  if (!inheritance) raise("TemplateRuntimeError", "extends is only allowed in a template being rendered");
  if (inheritance->parent) raise("TemplateRuntimeError", "extended multiple times");
  inheritance->parent = load(to_str(eval(*s.parent, scope)));
  inheritance->dropped.clear();
  out = &inheritance->dropped;  // the rest of this template's top level writes nowhere
}

void Interp::render_block(const std::string& name, std::size_t level, const ScopePtr& scope) {
  const std::vector<BlockRef>& refs = inheritance->blocks.at(name);
  const BlockRef& ref = refs.at(level);
  if (ref.block->required) raise("TemplateRuntimeError", "Required block '" + name + "' not found");
  ScopePtr inner = Scope::child(scope);
  inner->vars.set(sym::super, function("super", [this, name, level, scope](Args&) -> Result<Value> {
    if (level + 1 >= inheritance->blocks.at(name).size())
      raise("TemplateRuntimeError", "no parent block called '" + name + "'.");
    std::string text;
    OutputRedirect redirect(*this, text);
    render_block(name, level + 1, scope);
    return rendered(std::move(text));
  }));
  DepthGuard guard(*this);
  AutoescapeScope escaping(*this, ref.tmpl->autoescape);  // a block body compiles apart from its place
  exec(ref.block->body, inner);
}

}  // namespace slap::tmpl
