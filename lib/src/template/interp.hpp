// The evaluator: walks the AST of one render, with Jinja2's scoping (for bodies, macros,
// `with` and block sets open a scope; `if` does not; a template's top-level names are
// its exports), its undefined policy (default or strict), and the loader for imports.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ast.hpp"
#include "i18n.hpp"
#include "object.hpp"

namespace slap::tmpl {

// The variables of one scope, by symbol, in the order they were first set (exports and
// context snapshots keep it). Scopes hold a few names; a long list gets an index.
class Vars {
 public:
  struct Entry {
    Symbol sym;
    Value value;
  };
  Value* find(Symbol s) {
    if (index_.empty()) {
      for (auto& e : entries_)
        if (e.sym == s) return &e.value;
      return nullptr;
    }
    return find_indexed(s);
  }
  const Value* find(Symbol s) const { return const_cast<Vars*>(this)->find(s); }
  void set(Symbol s, Value v);
  void clear() {
    entries_.clear();
    index_.clear();
  }
  bool empty() const { return entries_.empty(); }
  void reserve(std::size_t n) { entries_.reserve(n); }
  // A loop's next iteration: true, keeping the entries, when they are exactly `syms` in
  // that order (what the last iteration bound), for the caller to overwrite with
  // value_at(); otherwise false, emptied.
  bool keep_only(std::initializer_list<Symbol> syms) {
    bool same = entries_.size() == syms.size();
    for (std::size_t i = 0; same && i < syms.size(); ++i) same = entries_[i].sym == syms.begin()[i];
    if (!same) clear();
    return same;
  }
  Value& value_at(std::size_t i) { return entries_[i].value; }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  Value* find_indexed(Symbol s);
  void add_to_index(std::size_t at);
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> index_;  // open addressing over entries_ (+1; 0 = free); empty when short
};

// What a template body resolves names against once its scopes are exhausted.
struct RootContext {
  Dict base;  // the render context, or a snapshot of the importer's variables
  const Dict* globals = nullptr;
  std::shared_ptr<const TemplateData> tmpl;  // keeps the AST alive; names errors
  // Names already resolved in base or globals (neither changes during a render): the
  // slot of a symbol is looked up by string once per template run.
  struct Slot {
    Symbol sym;
    const Value* value;  // nullptr: undefined
  };
  std::vector<Slot> slots;  // open addressing by symbol; capacity a power of two or 0
  std::size_t used = 0;
  const Slot* find_slot(Symbol s) const {
    if (slots.empty()) return nullptr;
    std::size_t mask = slots.size() - 1;
    for (std::size_t i = (s * 0x9E3779B1u) & mask;; i = (i + 1) & mask) {
      if (slots[i].sym == s && slots[i].value != unresolved()) return &slots[i];
      if (slots[i].value == unresolved()) return nullptr;
    }
  }
  void add_slot(Symbol s, const Value* v);
  static const Value* unresolved() { return reinterpret_cast<const Value*>(alignof(Value)); }
};

struct Scope {
  std::shared_ptr<Scope> parent;  // null at a template's top level
  RootContext* root = nullptr;    // shared by every scope of one template run
  std::shared_ptr<RootContext> owner;  // set on the top-level scope only
  Vars vars;

  static std::shared_ptr<Scope> child(const std::shared_ptr<Scope>& parent) {
    auto s = std::make_shared<Scope>();
    s->parent = parent;
    s->root = parent->root;
    return s;
  }
};
using ScopePtr = std::shared_ptr<Scope>;

enum class Flow { normal, break_, continue_ };

class Interp {
 public:
  // `python`: evaluating Python (Environment::eval_python), where an undefined name is a
  // NameError and any use of a missing attribute or item fails (strict).
  explicit Interp(const Environment& env, bool python = false)
      : env(env), options(env.options), strict(env.options.strict_undefined || python), python(python),
        autoescape(env.options.autoescape), eval_autoescape(env.options.autoescape) {
    if (options.i18n != Options::I18n::off) {
      i18n_globals_ = with_i18n_globals(env.globals(), options.i18n);
      globals_ = &i18n_globals_;
    }
  }

  const Environment& env;
  const Options& options;
  // What names resolve to last: the environment's globals, and jinja2.ext.i18n's when the
  // options load it.
  const Dict& globals() const { return *globals_; }
  const bool strict;
  const bool python;
  std::string* out = nullptr;  // where output statements write
  // Jinja2's eval context: {% autoescape %} sets it for its body; macros keep the one
  // they were defined under; templates (included, imported, parents) start from the option.
  bool autoescape;
  // The same, except that a macro's body leaves it as its caller had it: what Jinja2's
  // Macro.__call__ receives as the eval context and decides the Markup-ness of its result by.
  bool eval_autoescape;
  // What a captured body evaluates to: Markup under autoescape (macros, block sets).
  Value rendered(std::string text) const { return autoescape ? Value::markup(std::move(text)) : Value(std::move(text)); }

  void render(const std::shared_ptr<const TemplateData>& t, Dict base, std::string& output);
  // What {% debug %} (jinja2.ext.debug) prints where `scope` is: the template context
  // (globals, render variables, top-level assignments), the filters and the tests.
  std::string debug_report(const Scope& scope) const;
  // Writes it to the output, escaped under autoescape (out of the hot exec_stmt).
  [[gnu::cold]] void write_debug_report(const Scope& scope);

  [[gnu::hot]] Flow exec(const Body& body, const ScopePtr& scope);
  [[gnu::hot]] Value eval(const Expr& e, const ScopePtr& scope);
  // Lambdas, comprehensions and set displays (Python mode; python_eval.cpp).
  Value eval_python_node(const Expr& e, const ScopePtr& scope);
  Args eval_args(const CallArgs& a, const ScopePtr& scope);
  void eval_args(const CallArgs& a, const ScopePtr& scope, Args& into);
  Value eval_filter(const FilterExpr& f, const Value& subject, const ScopePtr& scope);
  // f's function on `subject` with arguments already evaluated.
  [[gnu::hot]] Value apply_filter(const FilterExpr& f, const Value& subject, const Args& args, const ScopePtr& scope);
  void assign(const Target& t, Value v, Scope& scope);

  // Operations whose behaviour depends on the undefined policy.
  [[noreturn]] void raise_undefined(const Value& v) const;
  void use(const Value& v) const {
    if (strict && v.is_undefined() && !v.is_lenient_undefined()) raise_undefined(v);
  }
  [[gnu::hot]] void append_text(std::string& to, const Value& v) const;
  std::string to_str(const Value& v) const;
  bool truth(const Value& v) const;
  std::vector<Value> iterate(const Value& v) const;
  // The same for a value about to end: the items of a list only it holds are moved out.
  std::vector<Value> iterate(Value&& v) const {
    if (v.is_list()) return std::move(v).take_items();
    return iterate(static_cast<const Value&>(v));
  }
  bool equal(const Value& a, const Value& b) const;
  bool contains(const Value& container, const Value& item) const;
  Value call(const Value& callee, Args& args);
  // obj.attr(args...) with `obj` already evaluated (the callee of `c` is `g`).
  Value call_attr(const Value& obj, const GetattrExpr& g, const CallArgs& a, const ScopePtr& scope);
  Value getattr(const Value& obj, std::string_view name);
  Value getattr(const Value& obj, std::string_view name, std::size_t hash);
  // `method`: find_method(obj, name), when the caller knows it.
  Value getattr(const Value& obj, std::string_view name, std::size_t hash, MethodFn method);
  Value getattr(const Value& obj, const GetattrExpr& g);
  // obj.name when it is a dict key or a named tuple's field (not a method), else nullptr.
  const Value* attr_ref(const Value& obj, const GetattrExpr& g) const;
  // eval() that avoids copying a variable's value: the result is `*found` or `scratch`.
  [[gnu::hot]] const Value& eval_ref(const Expr& e, const ScopePtr& scope, Value& scratch);
  // eval(), where an attribute (x.name) is read by reference and copied once, with no
  // temporary (arguments, the items of 'fmt' % (a, b)).
  Value eval_copy(const Expr& e, const ScopePtr& scope) {
    if (e.kind != ExprKind::getattr) return eval(e, scope);  // the rest copy nothing more in eval()
    Value scratch;
    const Value& v = eval_ref(e, scope, scratch);
    return &v == &scratch ? std::move(scratch) : v;
  }
  Value getitem(const Value& obj, const Value& key);
  // The variable `n` names, or nullptr when it is undefined.
  const Value* find_variable(const NameExpr& n, const Scope& scope) const {
    if (const Value* v = scope.vars.find(n.sym)) return v;  // most names are the innermost scope's (loop variables)
    return find_variable(n.sym, n.name, n.hash, scope);
  }
  // hash: of name; name: the symbol's.
  [[gnu::hot]] const Value* find_variable(Symbol s, std::string_view name, std::size_t hash, const Scope& scope) const;
  Value undefined_name(std::string_view name) const;

  // Templates named in import/include, through Environment::loader (parsed once per render).
  std::shared_ptr<const TemplateData> load(const std::string& name);
  // Runs `t` and returns its exports as a module (imports).
  Value make_module(const std::shared_ptr<const TemplateData>& t, Dict base);
  // All names visible from `scope` (for `with context` imports and includes).
  Dict snapshot(const Scope& scope) const;

  // Renders `body` in `scope` into a string (macros, block sets, filter blocks).
  std::string capture(const Body& body, const ScopePtr& scope);

  // Template inheritance. A render runs a template, then, when it executed {% extends %},
  // its parent with the same context, up the chain; each {% block %} renders the most
  // derived definition, `super()` the next one up, `self.NAME()` any block.
  struct BlockRef {
    const BlockStmt* block;
    std::shared_ptr<const TemplateData> tmpl;  // keeps the AST alive
  };
  struct Inheritance {
    std::map<std::string, std::vector<BlockRef>, std::less<>> blocks;  // most derived first
    std::shared_ptr<const TemplateData> parent;  // set by {% extends %} in the template running
    ScopePtr top;                                // the top-level scope of the template running
    std::string dropped;                         // its output after {% extends %}
    void add(const std::shared_ptr<const TemplateData>& t);  // t's blocks, after those there
  };
  // Runs `t` and its parents into `output`, with `base` as the context.
  void render_chain(const std::shared_ptr<const TemplateData>& t, Dict base, std::string& output);
  void exec_extends(const ExtendsStmt& s, const ScopePtr& scope);
  // The definition at `level` of block `name` (0: the most derived), run in a child of `scope`.
  void render_block(const std::string& name, std::size_t level, const ScopePtr& scope);
  Inheritance* inheritance = nullptr;  // of the render_chain running

  int depth = 0;  // nested macro calls and imports, to stop runaway recursion
  // Scopes that hold macros: a macro captures its scope, so the pair forms a cycle that
  // the destructor breaks once the render is over.
  std::vector<std::weak_ptr<Scope>> macro_scopes;
  ~Interp();

 private:
  [[gnu::hot]] Flow exec_stmt(const Stmt& s, const ScopePtr& scope);
  Flow exec_for(const ForStmt& s, const ScopePtr& scope);
  void exec_import(const ImportStmt& s, const ScopePtr& scope);
  void exec_include(const IncludeStmt& s, const ScopePtr& scope);
  [[gnu::hot]] Value eval_call(const CallExpr& c, const ScopePtr& scope);
  static bool is_definedness(const TestExpr& t);
  bool test_attribute(const TestExpr& t, const ScopePtr& scope);
  Value eval_compare(const CompareExpr& c, const ScopePtr& scope);
  Value eval_binary(const BinaryExpr& b, const ScopePtr& scope);
  [[gnu::hot]] void exec_output(const OutputStmt& s, const ScopePtr& scope);
  bool print_call(const CallExpr& c, const ScopePtr& scope);
  // {{ 'fmt' % (a, b) }} with fmt compiled, written straight to the output (false: not
  // such an expression, or escaped output).
  bool print_format(const BinaryExpr& b, const ScopePtr& scope);
  // {{ 'fmt'.format(...) }} with fmt compiled, the same way.
  bool print_format(const CallExpr& c, const ScopePtr& scope);
  // 'fmt'.format(...) with fmt compiled: appended to `to` (nothing when it fails), or as a
  // value. Out of line: eval_call stays as small as it was for the other calls.
  [[gnu::noinline]] void format_call(const CallExpr& c, const ScopePtr& scope, std::string& to);
  [[gnu::noinline]] Value formatted_call(const CallExpr& c, const ScopePtr& scope);
  // 'fmt' % (a, b) with fmt compiled, appended to `to` (nothing when it fails).
  void format_percent(const BinaryExpr& b, const ScopePtr& scope, std::string& to);
  // The items of `b`'s tuple, evaluated into `items` (checked under StrictUndefined).
  void eval_format_items(const BinaryExpr& b, const ScopePtr& scope, std::vector<Value>& items);
  Value eval_literal(const SequenceExpr& e, const ScopePtr& scope);
  Value eval_slice(const Value& obj, const SliceExpr& s, const ScopePtr& scope);
  // Runs clauses `clause`.. of a comprehension in `inner`, collecting into `items` / `dict`.
  void comprehend(const ComprehensionExpr& c, std::size_t clause, const ScopePtr& outer, const ScopePtr& inner,
                  std::vector<Value>& items, Dict& dict);

  Dict i18n_globals_;
  const Dict* globals_ = &env.globals();
  std::map<std::string, std::shared_ptr<const TemplateData>, std::less<>> cache_;
  // Argument lists of finished calls, emptied: their capacity serves the next calls.
  std::vector<std::unique_ptr<Args>> args_pool_;
  // The storage of the last list literal a filter was applied to, when the filter kept
  // nothing of it: the next one is built in it ([a, b] | max in a loop allocates nothing).
  std::shared_ptr<ListData> spare_list_;
  Value filter_list_literal(const FilterExpr& f, const ScopePtr& scope);
  friend class PooledArgs;
  std::map<std::string, Value, std::less<>> modules_;  // imports without context, by name

  friend class LoopObject;
};

// An argument list for one call, taken from the interpreter's pool and given back empty.
class PooledArgs {
 public:
  explicit PooledArgs(Interp& in) : in_(in) {
    if (in.args_pool_.empty()) {
      args_ = std::make_unique<Args>();
    } else {
      args_ = std::move(in.args_pool_.back());
      in.args_pool_.pop_back();
    }
  }
  ~PooledArgs() {
    args_->positional.clear();
    args_->keywords.clear();
    in_.args_pool_.push_back(std::move(args_));
  }
  PooledArgs(const PooledArgs&) = delete;
  PooledArgs& operator=(const PooledArgs&) = delete;
  Args& operator*() { return *args_; }

 private:
  Interp& in_;
  std::unique_ptr<Args> args_;
};

// Stamps `e` with the template and position of the node being evaluated, unless an inner
// node already did.
void locate(Error& e, const Scope& scope, Pos pos);

// Counts nesting (macro calls, imports, includes) for its lifetime; past the limit the
// template recurses without end.
class DepthGuard {
 public:
  explicit DepthGuard(Interp& in);
  ~DepthGuard() { --in_.depth; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

 private:
  Interp& in_;
};

// Gives one of the interpreter's pointers another value for the lifetime of the guard.
template <class T>
class Rebind {
 public:
  Rebind(T*& slot, T* value) : slot_(slot), saved_(slot) { slot = value; }
  ~Rebind() { slot_ = saved_; }
  Rebind(const Rebind&) = delete;
  Rebind& operator=(const Rebind&) = delete;

 private:
  T*& slot_;
  T* saved_;
};

// Sets the interpreter's autoescape for the lifetime of the guard.
class AutoescapeScope {
 public:
  AutoescapeScope(Interp& in, bool value) : in_(in), saved_(in.autoescape), saved_eval_(in.eval_autoescape) {
    in.autoescape = in.eval_autoescape = value;
  }
  ~AutoescapeScope() {
    in_.autoescape = saved_;
    in_.eval_autoescape = saved_eval_;
  }
  AutoescapeScope(const AutoescapeScope&) = delete;
  AutoescapeScope& operator=(const AutoescapeScope&) = delete;

 private:
  Interp& in_;
  bool saved_, saved_eval_;
};

// Swaps the output buffer for the lifetime of the guard.
class OutputRedirect : public Rebind<std::string> {
 public:
  OutputRedirect(Interp& in, std::string& to) : Rebind(in.out, &to) {}
};

// Makes `chain` the interpreter's inheritance chain for its lifetime.
class InheritanceScope : public Rebind<Interp::Inheritance> {
 public:
  InheritanceScope(Interp& in, Interp::Inheritance* chain) : Rebind(in.inheritance, chain) {}
};

}  // namespace slap::tmpl
