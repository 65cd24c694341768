// Statement execution.
#include "callables.hpp"
#include "errors.hpp"
#include "markup.hpp"
#include "text.hpp"

namespace slap::tmpl {

Interp::~Interp() {
  for (auto& weak : macro_scopes)
    if (auto scope = weak.lock()) scope->vars.clear();
}

namespace {

// Applies a filter chain whose innermost subject is missing ({% filter %}, block set).
Value apply_chain(Interp& in, const Expr& e, Value subject, const ScopePtr& scope) {
  const auto& f = static_cast<const FilterExpr&>(e);
  Value v = f.subject ? apply_chain(in, *f.subject, std::move(subject), scope) : std::move(subject);
  return in.eval_filter(f, std::move(v), scope);
}

}  // namespace

void Interp::assign(const Target& t, Value v, Scope& scope) {
  switch (t.kind) {
    case Target::Kind::name: scope.vars.set(t.sym, std::move(v)); return;
    case Target::Kind::tuple: {
      std::vector<Value> iterated;  // a list or tuple unpacks from its items, uncopied
      std::span<const Value> items = v.is_tuple() || v.is_list() ? v.items() : std::span<const Value>(iterated = iterate(v));
      if (items.size() < t.items.size())
        value_error("not enough values to unpack (expected " + std::to_string(t.items.size()) + ", got " +
                    std::to_string(items.size()) + ")");
      if (items.size() > t.items.size())
        value_error("too many values to unpack (expected " + std::to_string(t.items.size()) + ")");
      for (std::size_t i = 0; i < items.size(); ++i) assign(t.items[i], items[i], scope);
      return;
    }
    case Target::Kind::ns_attr: {
      auto hash = [](std::size_t h, const std::string& s) { return h ? h : std::hash<std::string_view>{}(s); };
      const Value* found = find_variable(t.sym, t.name, hash(t.name_hash, t.name), scope);
      const Namespace* n = found ? as_namespace(*found) : nullptr;
      if (!n) raise("TemplateRuntimeError", "cannot assign attribute on non-namespace object");
      Dict& attrs = n->attrs();
      // The Dict is the namespace's own (mutable): find() is const only for the hashed lookup.
      if (const Value* slot = std::as_const(attrs).find(t.attr, hash(t.attr_hash, t.attr))) *const_cast<Value*>(slot) = std::move(v);
      else attrs.set(Value(t.attr), std::move(v));
      return;
    }
  }
}

Flow Interp::exec(const Body& body, const ScopePtr& scope) {
  for (const auto& s : body) {
    if (s->kind == StmtKind::text) {
      append_bytes(*out, static_cast<const TextStmt&>(*s).text);
      continue;
    }
    if (s->kind == StmtKind::output) {  // exec_stmt's case, one call less
      try {
        exec_output(static_cast<const OutputStmt&>(*s), scope);
      } catch (Error& e) {
        locate(e, *scope, s->pos);
        throw;
      }
      continue;
    }
    Flow f = exec_stmt(*s, scope);
    if (f != Flow::normal) return f;
  }
  return Flow::normal;
}

// {{ m(...) }} where `m` names a macro, when its text would be printed unchanged (it is
// Markup, or nothing escapes): the body renders straight into the output, with no copy.
bool Interp::print_call(const CallExpr& c, const ScopePtr& scope) {
  if (c.callee->kind != ExprKind::name || (autoescape && !eval_autoescape)) return false;
  const Value* found = find_variable(static_cast<const NameExpr&>(*c.callee), *scope);
  if (!found || !found->is_object() || !found->as_object()->internal()) return false;
  std::shared_ptr<Object> callee = found->as_object();  // alive whatever the arguments do
  const Macro* macro = static_cast<const InternalObject&>(*callee).as_macro();
  if (!macro) return false;
  try {
    PooledArgs pooled(*this);
    eval_args(c.args, scope, *pooled);
    macro->invoke_into(*this, *pooled, *out);
  } catch (Error& err) {
    locate(err, *scope, c.pos);
    throw;
  }
  return true;
}

void Interp::exec_output(const OutputStmt& s, const ScopePtr& scope) {
  if (s.expr->kind == ExprKind::call && (print_format(static_cast<const CallExpr&>(*s.expr), scope) ||
                                         print_call(static_cast<const CallExpr&>(*s.expr), scope)))
    return;
  if (s.expr->kind == ExprKind::binary && print_format(static_cast<const BinaryExpr&>(*s.expr), scope)) return;
  Value scratch;
  const Value& v = eval_ref(*s.expr, scope, scratch);  // {{ name }} prints without a copy
  if (autoescape && !v.is_markup()) *out += html_escape(to_str(v));
  else append_text(*out, v);
}

Flow Interp::exec_stmt(const Stmt& s, const ScopePtr& scope) {
  try {
    switch (s.kind) {
      case StmtKind::text: *out += static_cast<const TextStmt&>(s).text; break;
      case StmtKind::output: exec_output(static_cast<const OutputStmt&>(s), scope); break;
      case StmtKind::if_: {
        const auto& node = static_cast<const IfStmt&>(s);
        for (const auto& [test, body] : node.branches)
          if (truth(eval(*test, scope))) return exec(body, scope);
        return exec(node.otherwise, scope);
      }
      case StmtKind::for_: {
        const auto& node = static_cast<const ForStmt&>(s);
        if (is_items_loop(node)) return run_items_loop(*this, node, scope);
        return run_loop(*this, node, scope, iterate(eval(*node.iter, scope)), 0);
      }
      case StmtKind::set: {
        const auto& node = static_cast<const SetStmt&>(s);
        assign(node.target, eval(*node.value, scope), *scope);
        break;
      }
      case StmtKind::set_block: {
        const auto& node = static_cast<const SetBlockStmt&>(s);
        Value v = rendered(capture(node.body, Scope::child(scope)));
        if (node.filter) {
          v = apply_chain(*this, *node.filter, std::move(v), scope);
          if (autoescape && !v.is_markup()) v = Value::markup(to_str(v));
        }
        assign(node.target, std::move(v), *scope);
        break;
      }
      case StmtKind::macro: {
        const auto& def = static_cast<const MacroStmt&>(s).def;
        scope->vars.set(intern(def->name), Value::object(std::make_shared<Macro>(def, scope, autoescape)));
        macro_scopes.push_back(scope);
        break;
      }
      case StmtKind::call_block: {
        const auto& node = static_cast<const CallBlockStmt&>(s);
        const auto& call = static_cast<const CallExpr&>(*node.call);
        Value fn = eval(*call.callee, scope);
        Args args = eval_args(call.args, scope);
        args.keywords.emplace_back("caller", Value::object(std::make_shared<Macro>(node.caller, scope, autoescape)));
        append_text(*out, this->call(fn, args));
        break;
      }
      case StmtKind::filter_block: {
        const auto& node = static_cast<const FilterBlockStmt&>(s);
        Value text = rendered(capture(node.body, Scope::child(scope)));
        append_text(*out, apply_chain(*this, *node.filter, std::move(text), scope));
        break;
      }
      case StmtKind::import:
      case StmtKind::from_import: exec_import(static_cast<const ImportStmt&>(s), scope); break;
      case StmtKind::include: exec_include(static_cast<const IncludeStmt&>(s), scope); break;
      case StmtKind::with: {
        const auto& node = static_cast<const WithStmt&>(s);
        ScopePtr inner = Scope::child(scope);
        for (const auto& [target, expr] : node.assignments) assign(target, eval(*expr, scope), *inner);
        return exec(node.body, inner);
      }
      case StmtKind::do_: eval(*static_cast<const DoStmt&>(s).expr, scope); break;
      case StmtKind::debug: write_debug_report(*scope); break;
      case StmtKind::block: {
        const auto& b = static_cast<const BlockStmt&>(s);
        if (!inheritance) return exec(b.body, Scope::child(scope));
        // Where the block is written decides what it sees: the variables around it when it
        // is scoped, else the template's context only. After extends, the parent renders it.
        if (!inheritance->parent) render_block(b.name, 0, b.scoped ? scope : inheritance->top);
        break;
      }
      case StmtKind::extends: exec_extends(static_cast<const ExtendsStmt&>(s), scope); break;
      case StmtKind::autoescape: {
        const auto& node = static_cast<const AutoescapeStmt&>(s);
        AutoescapeScope escaping(*this, truth(eval(*node.value, scope)));
        return exec(node.body, Scope::child(scope));
      }
      case StmtKind::break_: return Flow::break_;
      case StmtKind::continue_: return Flow::continue_;
    }
  } catch (Error& e) {
    locate(e, *scope, s.pos);
    throw;
  }
  return Flow::normal;
}

Value Interp::make_module(const std::shared_ptr<const TemplateData>& t, Dict base) {
  auto root = std::make_shared<RootContext>(RootContext{std::move(base), &globals(), t});
  auto scope = std::make_shared<Scope>();
  scope->root = root.get();
  scope->owner = root;
  {
    DepthGuard guard(*this);
    AutoescapeScope escaping(*this, t->autoescape);
    Inheritance own;  // an imported template's blocks are its own
    own.add(t);
    own.top = scope;
    InheritanceScope active(*this, &own);
    capture(t->body, scope);
  }
  Dict exports;
  for (const auto& e : scope->vars)
    if (const std::string& name = symbol_name(e.sym); !name.starts_with("_")) exports.set(Value(name), e.value);
  return Value::object(std::make_shared<Module>(t->name, std::move(exports)));
}

void Interp::exec_import(const ImportStmt& s, const ScopePtr& scope) {
  std::string name = to_str(eval(*s.source, scope));
  Value module;
  if (s.with_context) {
    module = make_module(load(name), snapshot(*scope));
  } else if (auto it = modules_.find(name); it != modules_.end()) {
    module = it->second;
  } else {
    module = make_module(load(name), Dict{});
    modules_.emplace(name, module);
  }
  if (s.kind == StmtKind::import) {
    scope->vars.set(intern(s.alias), std::move(module));
    return;
  }
  for (const auto& [what, alias] : s.names) {
    auto v = module.as_object()->attr(what);
    scope->vars.set(intern(alias), v ? std::move(*v)
                                    : Value::undefined("the template " + string_repr(name) + " (imported on line " +
                                                       std::to_string(s.pos.line) + ") does not export the requested name " +
                                                       string_repr(what)));
  }
}

void Interp::exec_include(const IncludeStmt& s, const ScopePtr& scope) {
  Value source = eval(*s.source, scope);
  std::vector<Value> names = source.is_list() || source.is_tuple() ? source.items_copy() : std::vector<Value>{source};
  std::shared_ptr<const TemplateData> t;
  for (std::size_t i = 0; i < names.size() && !t; ++i) {
    try {
      t = load(to_str(names[i]));
    } catch (Error& e) {
      if (e.cls != "TemplateNotFound") throw;
      if (i + 1 < names.size()) continue;
      if (s.ignore_missing) return;
      throw;
    }
  }
  DepthGuard guard(*this);
  render_chain(t, s.with_context ? snapshot(*scope) : Dict{}, *out);
}

}  // namespace slap::tmpl
