// The template AST: expressions and statements as the parser builds them and the
// evaluator walks them. Nodes are immutable once parsed; kinds are switched on (no
// virtual dispatch) so the evaluator's hot loop stays flat.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "methods.hpp"
#include "symbols.hpp"
#include "slap/template.hpp"

namespace slap::tmpl {

struct Pos {
  int line = 0;
  int column = 0;
};

enum class ExprKind : std::uint8_t {
  constant, name, getattr, getitem, slice, call, filter, test, unary, binary, logical, concat, compare,
  condition, list, tuple, dict,
  // Python mode only (section conditions, plugin files): lambda, comprehensions, sets.
  lambda, comprehension, set,
};

struct Expr {
  ExprKind kind;
  Pos pos;
  explicit Expr(ExprKind k, Pos p) : kind(k), pos(p) {}
  virtual ~Expr() = default;
};
using ExprPtr = std::unique_ptr<Expr>;

struct ConstExpr : Expr {
  Value value;
  ConstExpr(Pos p, Value v) : Expr(ExprKind::constant, p), value(std::move(v)) {}
};

struct NameExpr : Expr {
  std::string name;
  Symbol sym;        // what scopes are searched for
  std::size_t hash;  // of name, for the render context and the globals
  NameExpr(Pos p, std::string n)
      : Expr(ExprKind::name, p), name(std::move(n)), sym(intern(name)), hash(std::hash<std::string_view>{}(name)) {}
};

struct GetattrExpr : Expr {
  ExprPtr object;
  std::string attr;
  std::size_t hash;  // of attr
  MethodSet methods;  // the method `attr` names on each built-in type, looked up once
  // Where the key was in the last dict looked up (dicts of one shape, the rows of a
  // context, hold their keys at the same positions): tried first. Read and written
  // through std::atomic_ref, as renders on several threads may share the expression.
  mutable std::uint32_t position_hint = 0;
  GetattrExpr(Pos p, ExprPtr o, std::string a)
      : Expr(ExprKind::getattr, p), object(std::move(o)), attr(std::move(a)), hash(std::hash<std::string_view>{}(attr)),
        methods(MethodSet::named(attr)) {}
};

struct GetitemExpr : Expr {
  ExprPtr object;
  ExprPtr key;  // a SliceExpr for x[a:b]
  GetitemExpr(Pos p, ExprPtr o, ExprPtr k) : Expr(ExprKind::getitem, p), object(std::move(o)), key(std::move(k)) {}
};

struct SliceExpr : Expr {
  ExprPtr start, stop, step;  // each may be null
  explicit SliceExpr(Pos p) : Expr(ExprKind::slice, p) {}
};

// Arguments of a call, filter or test (`*args` / `**kwargs` included).
struct CallArgs {
  std::vector<ExprPtr> positional;
  std::vector<std::pair<std::string, ExprPtr>> keywords;
  ExprPtr star_args, star_kwargs;
  // Set by seal() once parsed: whether every argument is a constant (no * or **), and then
  // their values, which a call to a filter, test or method passes as they are.
  bool constant = true;
  Args values;
  void seal();
};

struct StrFormat;
struct CallExpr : Expr {
  ExprPtr callee;
  CallArgs args;
  // 'fmt'.format(...) with a constant fmt: fmt parsed once (pyformat.hpp), or null.
  std::shared_ptr<const StrFormat> format;
  CallExpr(Pos p, ExprPtr c) : Expr(ExprKind::call, p), callee(std::move(c)) {}
};

struct FilterFn;
struct TestFn;

struct FilterExpr : Expr {
  ExprPtr subject;  // null inside {% filter %} blocks: the block's text is the subject
  std::string name;
  const FilterFn* fn = nullptr;  // null: unknown, fails when run
  CallArgs args;
  // `x | default(y)` (no boolean argument): x itself when it is defined. Set once parsed.
  bool plain_default = false;
  FilterExpr(Pos p, ExprPtr s, std::string n) : Expr(ExprKind::filter, p), subject(std::move(s)), name(std::move(n)) {}
};

struct TestExpr : Expr {
  ExprPtr subject;
  std::string name;
  const TestFn* fn = nullptr;  // null: unknown, fails when run
  CallArgs args;
  TestExpr(Pos p, ExprPtr s, std::string n) : Expr(ExprKind::test, p), subject(std::move(s)), name(std::move(n)) {}
};

enum class UnaryOp : std::uint8_t { neg, pos, not_, invert };
struct UnaryExpr : Expr {
  UnaryOp op;
  ExprPtr operand;
  UnaryExpr(Pos p, UnaryOp o, ExprPtr e) : Expr(ExprKind::unary, p), op(o), operand(std::move(e)) {}
};

// bit_or..rshift: Python mode only (in templates `|` is a filter and `~` concatenation).
enum class BinaryOp : std::uint8_t { add, sub, mul, div, floordiv, mod, pow, bit_or, bit_xor, bit_and, lshift, rshift };
struct PercentFormat;
struct BinaryExpr : Expr {
  BinaryOp op;
  ExprPtr left, right;
  // 'fmt' % (a, b, ...) with a constant fmt: fmt parsed once (pyformat.hpp), or null.
  std::shared_ptr<const PercentFormat> format;
  BinaryExpr(Pos p, BinaryOp o, ExprPtr l, ExprPtr r)
      : Expr(ExprKind::binary, p), op(o), left(std::move(l)), right(std::move(r)) {}
};

struct LogicalExpr : Expr {
  bool is_and;
  ExprPtr left, right;
  LogicalExpr(Pos p, bool a, ExprPtr l, ExprPtr r)
      : Expr(ExprKind::logical, p), is_and(a), left(std::move(l)), right(std::move(r)) {}
};

struct ConcatExpr : Expr {
  std::vector<ExprPtr> parts;
  explicit ConcatExpr(Pos p) : Expr(ExprKind::concat, p) {}
};

// is_/is_not: Python's identity (Python mode; templates spell `is` for tests).
enum class CompareOp : std::uint8_t { eq, ne, lt, le, gt, ge, in, not_in, is_, is_not };
struct CompareExpr : Expr {
  ExprPtr first;
  std::vector<std::pair<CompareOp, ExprPtr>> rest;
  CompareExpr(Pos p, ExprPtr f) : Expr(ExprKind::compare, p), first(std::move(f)) {}
};

struct ConditionExpr : Expr {
  ExprPtr test, then, otherwise;  // otherwise may be null (yields undefined)
  explicit ConditionExpr(Pos p) : Expr(ExprKind::condition, p) {}
};

// list, tuple, dict and set literals (dict: items alternate key, value).
struct SequenceExpr : Expr {
  std::vector<ExprPtr> items;
  SequenceExpr(ExprKind k, Pos p) : Expr(k, p) {}
};

// Assignment target: a name, a tuple of targets, or `ns.attr`.
struct Target {
  enum class Kind : std::uint8_t { name, tuple, ns_attr } kind = Kind::name;
  Pos pos;
  std::string name;  // name, or the namespace variable for ns_attr
  Symbol sym = 0;    // of name
  std::string attr;  // ns_attr only
  std::size_t name_hash = 0, attr_hash = 0;  // ns_attr: of name and attr (0: not computed)
  std::vector<Target> items;
};

// `lambda a, b=1: body` (Python mode).
struct LambdaExpr : Expr {
  struct Param {
    std::string name;
    Symbol sym;
    ExprPtr default_value;  // null = required
  };
  std::vector<Param> params;
  ExprPtr body;
  explicit LambdaExpr(Pos p) : Expr(ExprKind::lambda, p) {}
};

// [x for t in it if c ...], {k: v for ...}, {x for ...}, (x for ...) (Python mode).
struct ComprehensionExpr : Expr {
  enum class Yields : std::uint8_t { list, set, dict, generator } yields;
  ExprPtr element;  // the key for a dict
  ExprPtr value;    // dict only
  struct Clause {
    Target target;
    ExprPtr iter;
    std::vector<ExprPtr> conditions;
  };
  std::vector<Clause> clauses;
  ComprehensionExpr(Pos p, Yields y) : Expr(ExprKind::comprehension, p), yields(y) {}
};

// ----- statements -----

enum class StmtKind : std::uint8_t {
  text, output, if_, for_, set, set_block, macro, call_block, filter_block, import, from_import, include,
  with, do_, break_, continue_, block, extends, autoescape, debug,
};

struct Stmt {
  StmtKind kind;
  Pos pos;
  Stmt(StmtKind k, Pos p) : kind(k), pos(p) {}
  virtual ~Stmt() = default;
};
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct TextStmt : Stmt {
  std::string text;
  TextStmt(Pos p, std::string t) : Stmt(StmtKind::text, p), text(std::move(t)) {}
};

struct OutputStmt : Stmt {
  ExprPtr expr;
  OutputStmt(Pos p, ExprPtr e) : Stmt(StmtKind::output, p), expr(std::move(e)) {}
};

struct IfStmt : Stmt {
  std::vector<std::pair<ExprPtr, Body>> branches;  // if, then each elif
  Body otherwise;
  explicit IfStmt(Pos p) : Stmt(StmtKind::if_, p) {}
};


struct ForStmt : Stmt {
  Target target;
  ExprPtr iter, filter;  // filter may be null
  Body body, otherwise;
  bool recursive = false;
  bool uses_loop = false;  // the body names `loop`: only then is a loop object built
  explicit ForStmt(Pos p) : Stmt(StmtKind::for_, p) {}
};

struct SetStmt : Stmt {
  Target target;
  ExprPtr value;
  explicit SetStmt(Pos p) : Stmt(StmtKind::set, p) {}
};

struct SetBlockStmt : Stmt {
  Target target;
  ExprPtr filter;  // FilterExpr chain with a null innermost subject, or null
  Body body;
  explicit SetBlockStmt(Pos p) : Stmt(StmtKind::set_block, p) {}
};

struct Param {
  std::string name;
  Symbol sym = 0;  // of name
  ExprPtr default_value;  // null = required
};

// Macro definitions and the anonymous `caller` of a call block share this shape.
struct MacroDef {
  std::string name;
  std::vector<Param> params;
  Body body;
  bool uses_varargs = false, uses_kwargs = false, uses_caller = false;
  bool caller_is_param = false;  // `caller` is declared (with a default): an ordinary parameter
};

struct MacroStmt : Stmt {
  std::shared_ptr<MacroDef> def;
  explicit MacroStmt(Pos p) : Stmt(StmtKind::macro, p) {}
};

struct CallBlockStmt : Stmt {
  std::shared_ptr<MacroDef> caller;
  ExprPtr call;  // a CallExpr
  explicit CallBlockStmt(Pos p) : Stmt(StmtKind::call_block, p) {}
};

struct FilterBlockStmt : Stmt {
  ExprPtr filter;  // FilterExpr chain with a null innermost subject
  Body body;
  explicit FilterBlockStmt(Pos p) : Stmt(StmtKind::filter_block, p) {}
};

struct ImportStmt : Stmt {
  ExprPtr source;
  std::string alias;                                     // import ... as alias
  std::vector<std::pair<std::string, std::string>> names;  // from ... import name as alias
  bool with_context = false;
  ImportStmt(StmtKind k, Pos p) : Stmt(k, p) {}
};

struct IncludeStmt : Stmt {
  ExprPtr source;
  bool ignore_missing = false;
  bool with_context = true;
  explicit IncludeStmt(Pos p) : Stmt(StmtKind::include, p) {}
};

struct WithStmt : Stmt {
  std::vector<std::pair<Target, ExprPtr>> assignments;
  Body body;
  explicit WithStmt(Pos p) : Stmt(StmtKind::with, p) {}
};

struct DoStmt : Stmt {
  ExprPtr expr;
  DoStmt(Pos p, ExprPtr e) : Stmt(StmtKind::do_, p), expr(std::move(e)) {}
};

struct LoopControlStmt : Stmt {
  LoopControlStmt(StmtKind k, Pos p) : Stmt(k, p) {}
};

// {% block name [scoped] [required] %}: rendered in place, as the most derived template of
// an {% extends %} chain defines it.
struct BlockStmt : Stmt {
  std::string name;
  Body body;
  bool scoped = false, required = false;
  explicit BlockStmt(Pos p) : Stmt(StmtKind::block, p) {}
};

// {% autoescape expr %}: its body runs with autoescaping on or off, in its own scope.
struct AutoescapeStmt : Stmt {
  ExprPtr value;
  Body body;
  explicit AutoescapeStmt(Pos p) : Stmt(StmtKind::autoescape, p) {}
};

struct ExtendsStmt : Stmt {
  ExprPtr parent;
  ExtendsStmt(Pos p, ExprPtr e) : Stmt(StmtKind::extends, p), parent(std::move(e)) {}
};

struct TemplateData {
  std::string name;
  bool autoescape = false;  // what its code starts with (Options::autoescape or select_autoescape)
  Body body;
  ExprPtr expression;  // Environment::eval_python: the Python expression, instead of a body
  std::map<std::string, const BlockStmt*, std::less<>> blocks;  // every block, nested ones too
};

}  // namespace slap::tmpl
