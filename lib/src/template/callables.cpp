#include "callables.hpp"

#include <array>

#include "errors.hpp"
#include "text.hpp"

namespace slap::tmpl {

DepthGuard::DepthGuard(Interp& in) : in_(in) {
  if (++in_.depth > 256) {
    --in_.depth;
    raise("RecursionError", "maximum recursion depth exceeded");
  }
}

ScopePtr Macro::bind(Interp& in, Args& args) const {
  const MacroDef& d = *def_;
  // The scope of the last call, reused when nothing kept it (a macro defined in the body,
  // a caller) and this is not a recursive call: its variables keep their capacity.
  ScopePtr scope;
  if (spare_ && spare_.use_count() == 1) {
    scope = spare_;
    scope->vars.clear();
  } else {
    scope = Scope::child(closure_);
    spare_ = scope;
  }
  std::size_t n = d.params.size();
  scope->vars.reserve(n + d.uses_varargs + d.uses_kwargs + d.uses_caller);
  auto& pos = args.positional;  // the call's own arguments: bound by moving them
  if (pos.size() > n && !d.uses_varargs)
    type_error("macro '" + d.name + "' takes not more than " + std::to_string(n) + " argument(s)");
  std::array<bool, 16> given_inline{};  // macros take a handful of parameters: no allocation
  std::unique_ptr<bool[]> given_heap(n > given_inline.size() ? new bool[n]() : nullptr);
  bool* given = given_heap ? given_heap.get() : given_inline.data();
  for (std::size_t i = 0; i < n && i < pos.size(); ++i) {
    scope->vars.set(d.params[i].sym, std::move(pos[i]));
    given[i] = true;
  }
  Dict kwargs;
  std::optional<Value> caller;
  for (auto& [k, v] : args.keywords) {
    std::size_t i = 0;
    while (i < n && d.params[i].name != k) ++i;
    if (i < n) {
      if (given[i]) type_error("macro '" + d.name + "' got multiple values for argument '" + k + "'");
      scope->vars.set(d.params[i].sym, std::move(v));
      given[i] = true;
    } else if (k == "caller" && d.uses_caller) {
      caller = v;
    } else if (d.uses_kwargs) {
      kwargs.set(Value(k), v);
    } else {
      type_error("macro '" + d.name + "' takes no keyword argument '" + k + "'");
    }
  }
  // A default sees the parameters before it; a later one is undefined until bound. Only
  // a default that is not a constant can see anything.
  bool defaults_see = false;
  for (std::size_t i = 0; i < n; ++i)
    defaults_see |= !given[i] && d.params[i].default_value && d.params[i].default_value->kind != ExprKind::constant;
  for (std::size_t i = 0; i < n && defaults_see; ++i)
    if (!given[i]) scope->vars.set(d.params[i].sym, Value::undefined(string_repr(d.params[i].name) + " is undefined"));
  for (std::size_t i = 0; i < n; ++i) {
    if (given[i]) continue;
    const Param& p = d.params[i];
    Value v = p.default_value ? in.eval(*p.default_value, scope)
                              : Value::undefined("parameter " + string_repr(p.name) + " was not provided");
    scope->vars.set(p.sym, std::move(v));
  }
  if (d.uses_varargs)
    scope->vars.set(sym::varargs,
                    Value::tuple(pos.size() > n ? std::vector<Value>(pos.begin() + static_cast<std::ptrdiff_t>(n), pos.end())
                                                : std::vector<Value>{}));
  if (d.uses_kwargs) scope->vars.set(sym::kwargs, Value::dict(std::move(kwargs)));
  if (d.uses_caller && !d.caller_is_param)
    scope->vars.set(sym::caller, caller ? *caller : Value::undefined("No caller defined"));
  return scope;
}

Value Macro::invoke(Interp& in, Args& args) const {
  bool caller_escapes = in.eval_autoescape;
  std::string text;
  invoke_into(in, args, text);
  return caller_escapes ? Value::markup(std::move(text)) : Value(std::move(text));
}

void Macro::invoke_into(Interp& in, Args& args, std::string& out) const {
  DepthGuard guard(in);
  bool caller_escapes = in.eval_autoescape;
  AutoescapeScope escaping(in, autoescape_);
  in.eval_autoescape = caller_escapes;  // the body escapes as defined; the eval context stays
  ScopePtr scope = bind(in, args);
  OutputRedirect redirect(in, out);
  in.exec(def_->body, scope);
}

std::optional<Value> Macro::attr(std::string_view name) const {
  if (name == "name") return Value(def_->name);
  if (name == "arguments") {
    std::vector<Value> names;
    for (const auto& p : def_->params) names.emplace_back(p.name);
    return Value::tuple(std::move(names));
  }
  if (name == "catch_kwargs") return Value(def_->uses_kwargs);
  if (name == "catch_varargs") return Value(def_->uses_varargs);
  if (name == "caller") return Value(def_->uses_caller);
  return std::nullopt;
}

// ----- loop -----

std::string LoopObject::repr() const {
  return "<LoopContext " + std::to_string(index0 + 1) + "/" + std::to_string(items_->size()) + ">";
}

std::optional<Value> LoopObject::attr(std::string_view name) const {
  auto length = static_cast<std::int64_t>(items_->size());
  auto i = static_cast<std::int64_t>(index0);
  if (name == "index") return Value(i + 1);
  if (name == "index0") return Value(i);
  if (name == "revindex") return Value(length - i);
  if (name == "revindex0") return Value(length - i - 1);
  if (name == "first") return Value(i == 0);
  if (name == "last") return Value(i == length - 1);
  if (name == "length") return Value(length);
  if (name == "depth") return Value(depth_ + 1);
  if (name == "depth0") return Value(depth_);
  if (name == "previtem") return i > 0 ? (*items_)[index0 - 1] : Value::undefined("there is no previous item");
  if (name == "nextitem") return i + 1 < length ? (*items_)[index0 + 1] : Value::undefined("there is no next item");
  auto self = shared_from_this();
  if (name == "cycle") {
    return builtin("cycle", [self](Interp&, Args& args) {
      if (args.positional.empty()) type_error("no items for cycling given");
      return args.positional[self->index0 % args.positional.size()];
    });
  }
  if (name == "changed") {
    return builtin("changed", [self](Interp&, Args& args) {
      Value now = Value::tuple(args.positional);
      if (self->last_changed_ && *self->last_changed_ == now) return Value(false);
      self->last_changed_ = now;
      return Value(true);
    });
  }
  return std::nullopt;
}

Value LoopObject::invoke(Interp& in, Args& args) const {
  if (args.positional.size() != 1) type_error("loop() takes exactly one argument");
  DepthGuard guard(in);
  std::string buf;
  OutputRedirect redirect(in, buf);
  run_loop(in, node_, outer_, in.iterate(args.positional[0]), depth_ + 1);
  return in.rendered(std::move(buf));
}

bool is_items_loop(const ForStmt& node) {
  if (node.filter || node.uses_loop || node.recursive || node.iter->kind != ExprKind::call) return false;
  const Target& t = node.target;
  if (t.kind != Target::Kind::tuple || t.items.size() != 2) return false;
  const auto& call = static_cast<const CallExpr&>(*node.iter);
  const CallArgs& a = call.args;
  if (call.callee->kind != ExprKind::getattr || !a.positional.empty() || !a.keywords.empty() || a.star_args ||
      a.star_kwargs)
    return false;
  return static_cast<const GetattrExpr&>(*call.callee).attr == "items";
}

Flow run_items_loop(Interp& in, const ForStmt& node, const ScopePtr& scope) {
  const auto& call = static_cast<const CallExpr&>(*node.iter);
  const auto& g = static_cast<const GetattrExpr&>(*call.callee);
  Value obj = in.eval(*g.object, scope);
  if (!obj.is_dict()) {
    Value items;
    try {
      items = in.call_attr(obj, g, call.args, scope);
    } catch (Error& e) {
      locate(e, *scope, call.pos);
      throw;
    }
    return run_loop(in, node, scope, in.iterate(items), 0);
  }
  // The dict's entries are read as the loop goes, as Python iterates dict.items(): a body
  // that adds or removes a key fails as Python does, one that sets an existing key's value
  // shows the new value to the later iterations. `obj` keeps the dict alive.
  const Dict& dict = obj.as_dict();
  std::size_t n = dict.size();
  if (n == 0) {
    if (!node.otherwise.empty()) return in.exec(node.otherwise, Scope::child(scope));
    return Flow::normal;
  }
  const Target& key_target = node.target.items[0];
  const Target& value_target = node.target.items[1];
  bool names = key_target.kind == Target::Kind::name && value_target.kind == Target::Kind::name;
  ScopePtr body_scope;
  for (std::size_t i = 0; i < n; ++i) {
    if (dict.size() != n) raise("RuntimeError", "dictionary changed size during iteration");
    const Dict::Entry& e = dict.entries()[i];
    if (i + 2 < n) dict.entries()[i + 2].value.prefetch(false);  // as run_loop: the next rows' loads start now
    if (i + 1 < n) dict.entries()[i + 1].value.prefetch(true);
    if (!body_scope || body_scope.use_count() > 1) body_scope = Scope::child(scope);
    if (names && body_scope->vars.keep_only({key_target.sym, value_target.sym})) {
      body_scope->vars.value_at(0) = e.key;
      body_scope->vars.value_at(1) = e.value;
    } else if (names) {
      body_scope->vars.set(key_target.sym, e.key);
      body_scope->vars.set(value_target.sym, e.value);
    } else {
      body_scope->vars.clear();
      in.assign(key_target, e.key, *body_scope);
      in.assign(value_target, e.value, *body_scope);
    }
    if (in.exec(node.body, body_scope) == Flow::break_) break;
  }
  return Flow::normal;
}

Flow run_loop(Interp& in, const ForStmt& node, const ScopePtr& scope, std::vector<Value> items, int depth) {
  if (node.filter) {
    std::vector<Value> kept;
    ScopePtr test_scope = Scope::child(scope);
    for (auto& item : items) {
      in.assign(node.target, item, *test_scope);
      if (in.truth(in.eval(*node.filter, test_scope))) kept.push_back(std::move(item));
    }
    items = std::move(kept);
  }
  if (items.empty()) {
    if (!node.otherwise.empty()) return in.exec(node.otherwise, Scope::child(scope));
    return Flow::normal;
  }
  auto shared = std::make_shared<std::vector<Value>>(std::move(items));
  std::shared_ptr<LoopObject> loop;
  if (node.uses_loop) loop = std::make_shared<LoopObject>(node, scope, shared, depth);
  ScopePtr body_scope;
  bool by_name = node.target.kind == Target::Kind::name;
  for (std::size_t i = 0; i < shared->size(); ++i) {
    // A fresh scope per iteration (Jinja2 semantics), recycled unless a macro kept it.
    if (!body_scope || body_scope.use_count() > 1) body_scope = Scope::child(scope);
    if (loop) loop->index0 = i;
    // The next items are in memory the body has not read yet (a sorted list visits rows in
    // no order): their loads start now, and overlap this item's body.
    if (i + 2 < shared->size()) (*shared)[i + 2].prefetch(false);
    if (i + 1 < shared->size()) (*shared)[i + 1].prefetch(true);
    Vars& vars = body_scope->vars;
    if (by_name && (loop ? vars.keep_only({sym::loop, node.target.sym}) : vars.keep_only({node.target.sym}))) {
      vars.value_at(loop ? 1 : 0) = (*shared)[i];  // `loop` is the same object
    } else {
      vars.clear();
      if (loop) vars.set(sym::loop, Value::object(loop));
      in.assign(node.target, (*shared)[i], *body_scope);
    }
    if (in.exec(node.body, body_scope) == Flow::break_) break;
  }
  return Flow::normal;
}

}  // namespace slap::tmpl
