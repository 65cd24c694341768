// Python mode: evaluation of what only Python has (lambdas, comprehensions, sets, bitwise
// operators) and Environment::eval_python, which parses and runs one Python expression.
#include <fstream>
#include <sstream>

#include "bigint.hpp"
#include "callables.hpp"
#include "errors.hpp"
#include "interp.hpp"
#include "lexer.hpp"
#include "ops.hpp"
#include "parser.hpp"
#include "text.hpp"

namespace slap::tmpl {

namespace {

// A lambda: its parameters bound in a child of the scope it was created in.
class Lambda final : public InternalObject {
 public:
  Lambda(const LambdaExpr& node, ScopePtr closure, std::vector<Value> defaults)
      : node_(node), closure_(std::move(closure)), defaults_(std::move(defaults)) {}
  std::string type_name() const override { return "function"; }
  std::string repr() const override { return "<function <lambda>>"; }
  bool callable() const override { return true; }

  Value invoke(Interp& in, Args& args) const override {
    const auto& params = node_.params;
    if (args.positional.size() > params.size())
      type_error("<lambda>() takes " + std::to_string(params.size()) + " positional arguments but " +
                 std::to_string(args.positional.size()) + " were given");
    auto scope = Scope::child(closure_);
    std::vector<bool> bound(params.size(), false);
    for (std::size_t i = 0; i < args.positional.size(); ++i) {
      scope->vars.set(params[i].sym, std::move(args.positional[i]));
      bound[i] = true;
    }
    for (auto& [name, value] : args.keywords) {
      std::size_t i = 0;
      while (i < params.size() && params[i].name != name) ++i;
      if (i == params.size()) type_error("<lambda>() got an unexpected keyword argument '" + name + "'");
      if (bound[i]) type_error("<lambda>() got multiple values for argument '" + name + "'");
      scope->vars.set(params[i].sym, std::move(value));
      bound[i] = true;
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (bound[i]) continue;
      if (!params[i].default_value)
        type_error("<lambda>() missing 1 required positional argument: '" + params[i].name + "'");
      scope->vars.set(params[i].sym, defaults_[i]);
    }
    return in.eval(*node_.body, scope);
  }

 private:
  const LambdaExpr& node_;  // alive as long as closure_'s root holds the parsed expression
  ScopePtr closure_;
  std::vector<Value> defaults_;  // by parameter; None where there is none
};

std::int64_t shift_count(const Value& b) {
  std::int64_t n = b.is_int() ? b.as_int() : b.as_bool();
  if (n < 0) value_error("negative shift count");
  return n;
}

Value integer_bitwise(BinaryOp op, std::int64_t a, const Value& b_value) {
  std::int64_t b = b_value.is_int() ? b_value.as_int() : b_value.as_bool();
  switch (op) {
    case BinaryOp::bit_or: return Value(a | b);
    case BinaryOp::bit_xor: return Value(a ^ b);
    case BinaryOp::bit_and: return Value(a & b);
    case BinaryOp::lshift: {
      std::int64_t n = shift_count(b_value);
      if (a == 0) return Value(0);
      if (n >= 63 || (a > 0 ? a > (INT64_MAX >> n) : a < (INT64_MIN >> n))) {
        if (n > static_cast<std::int64_t>(max_int_bits)) raise("OverflowError", "the result of << would have more than 2**20 bits");
        return int_value_of(BigInt(a).shifted_left(static_cast<std::uint64_t>(n)));  // Python ints do not overflow
      }
      return Value(a * (std::int64_t{1} << n));
    }
    case BinaryOp::rshift: {
      std::int64_t n = shift_count(b_value);
      return Value(n >= 63 ? (a < 0 ? -1 : 0) : a >> n);  // arithmetic: floors, as Python
    }
    default: return Value();
  }
}

Value set_bitwise(BinaryOp op, const Value& a, const Value& b) {
  std::vector<Value> out;
  for (const auto& e : a.as_set()) {
    bool in_b = b.as_set().contains(e.key);
    if (op == BinaryOp::bit_or || (op == BinaryOp::bit_and) == in_b) out.push_back(e.key);
  }
  if (op != BinaryOp::bit_and)
    for (const auto& e : b.as_set())
      if (!a.as_set().contains(e.key)) out.push_back(e.key);
  return Value::set(std::move(out));
}

}  // namespace

Value bitwise(BinaryOp op, const Value& a, const Value& b) {
  if (a.is_undefined()) raise_undefined_hint(a);
  if (b.is_undefined()) raise_undefined_hint(b);
  const bool ints = (a.is_int() || a.is_bool()) && (b.is_int() || b.is_bool());
  if (ints && a.is_bool() && b.is_bool() && op != BinaryOp::lshift && op != BinaryOp::rshift)
    return Value(integer_bitwise(op, a.as_bool(), b).as_int() != 0);
  if (ints) return integer_bitwise(op, a.is_int() ? a.as_int() : a.as_bool(), b);
  if ((big_int(a) || big_int(b)) && is_integer_like(a) && is_integer_like(b) &&
      (op == BinaryOp::lshift || op == BinaryOp::rshift)) {
    BigInt n = to_big(b);
    if (n.negative()) value_error("negative shift count");
    auto count = n.to_int64();
    if (op == BinaryOp::rshift) {
      if (!count || *count > to_big(a).bit_length()) return Value(to_big(a).negative() ? -1 : 0);
      return int_value_of(to_big(a).floordiv(BigInt(2).pow(static_cast<std::uint64_t>(*count))));
    }
    if (!count || *count + to_big(a).bit_length() > static_cast<std::int64_t>(max_int_bits))
      raise("OverflowError", "the result of << would have more than 2**20 bits");
    return int_value_of(to_big(a).shifted_left(static_cast<std::uint64_t>(*count)));
  }
  if ((big_int(a) || big_int(b)) && is_integer_like(a) && is_integer_like(b))
    return int_value_of(to_big(a).bitwise(op == BinaryOp::bit_and ? '&' : op == BinaryOp::bit_or ? '|' : '^', to_big(b)));
  if (a.is_set() && b.is_set() && op != BinaryOp::lshift && op != BinaryOp::rshift) return set_bitwise(op, a, b);
  if (a.is_dict() && b.is_dict() && op == BinaryOp::bit_or) {
    Dict merged = a.as_dict();
    for (const auto& e : b.as_dict()) merged.set(e.key, e.value);
    return Value::dict(std::move(merged));
  }
  unsupported_operands(op, a, b);
}

Value invert(const Value& v) {
  if (v.is_undefined()) raise_undefined_hint(v);
  if (v.is_int()) return Value(~v.as_int());
  if (v.is_bool()) return Value(~std::int64_t{v.as_bool()});
  if (const BigInt* big = big_int(v)) return int_value_of(-*big - BigInt(1));  // ~x is -x - 1
  type_error("bad operand type for unary ~: '" + v.type_name() + "'");
}

void Interp::comprehend(const ComprehensionExpr& c, std::size_t clause, const ScopePtr& outer, const ScopePtr& inner,
                        std::vector<Value>& items, Dict& dict) {
  if (clause == c.clauses.size()) {
    if (c.yields != ComprehensionExpr::Yields::dict) {
      items.push_back(eval(*c.element, inner));
      return;
    }
    Value key = eval(*c.element, inner);
    require_hashable(key);
    dict.set(std::move(key), eval(*c.value, inner));
    return;
  }
  const auto& cl = c.clauses[clause];
  // The first iterable is evaluated where the comprehension stands, the others inside it.
  for (auto& item : iterate(eval(*cl.iter, clause == 0 ? outer : inner))) {
    assign(cl.target, std::move(item), *inner);
    bool selected = true;
    for (const auto& condition : cl.conditions)
      if (!truth(eval(*condition, inner))) {
        selected = false;
        break;
      }
    if (selected) comprehend(c, clause + 1, outer, inner, items, dict);
  }
}

Value Interp::eval_python_node(const Expr& e, const ScopePtr& scope) {
  switch (e.kind) {
    case ExprKind::lambda: {
      const auto& l = static_cast<const LambdaExpr&>(e);
      std::vector<Value> defaults;  // evaluated where the lambda is created, as Python does
      for (const auto& p : l.params) defaults.push_back(p.default_value ? eval(*p.default_value, scope) : Value());
      return Value::object(std::make_shared<Lambda>(l, scope, std::move(defaults)));
    }
    case ExprKind::comprehension: {
      const auto& c = static_cast<const ComprehensionExpr&>(e);
      std::vector<Value> items;
      Dict dict;
      comprehend(c, 0, scope, Scope::child(scope), items, dict);
      switch (c.yields) {
        case ComprehensionExpr::Yields::list: return Value::list(std::move(items));
        case ComprehensionExpr::Yields::set:
          for (const auto& item : items) require_hashable(item);
          return Value::set(std::move(items));
        case ComprehensionExpr::Yields::dict: return Value::dict(std::move(dict));
        case ComprehensionExpr::Yields::generator:
          return Value::object(std::make_shared<Iterator>("generator", std::move(items)));
      }
      return Value();
    }
    case ExprKind::set: {
      std::vector<Value> items;
      for (const auto& item : static_cast<const SequenceExpr&>(e).items) {
        items.push_back(eval(*item, scope));
        require_hashable(items.back());
      }
      return Value::set(std::move(items));
    }
    default: type_error("not a Python-mode expression");
  }
}

namespace {

// open(path[, mode]): a file object whose read() returns the text; nothing is written.
Value python_open(Interp&, Args& args) {
  if (args.positional.empty() || !args.positional[0].is_string())
    type_error("open() argument 'file' must be str");
  const std::string path = args.positional[0].as_string();
  const Value* mode = args.positional.size() > 1 ? &args.positional[1] : args.keyword("mode");
  if (mode && (!mode->is_string() || mode->as_string().find_first_of("wax+") != std::string::npos))
    value_error("slap evaluates open() for reading only");
  std::ifstream in(path, std::ios::binary);
  if (!in) raise("FileNotFoundError", "[Errno 2] No such file or directory: " + string_repr(path));
  std::ostringstream text;
  text << in.rdbuf();
  Dict attrs;
  attrs.set(Value("name"), Value(path));
  attrs.set(Value("read"), builtin("read", [content = text.str()](Interp&, Args&) { return Value(content); }));
  return module("_io.TextIOWrapper", std::move(attrs));
}

}  // namespace

Result<Value> Environment::eval_python(std::string_view text, std::size_t& pos, const PythonEval& how) const {
  auto data = std::make_shared<TemplateData>();
  data->name = how.where.file;
  try {
    try {
      std::size_t end = pos;
      Parser parser(tokenize_python(text, pos, how.statement, data->name, end), data->name);
      data->expression = parser.parse_python();
      Dict base = how.names ? *how.names : Dict();
      if (how.builtins && !base.find(std::string_view("open"))) base.set(Value("open"), builtin("open", python_open));
      static const Dict no_builtins;
      Interp in(*this, true);
      auto root = std::make_shared<RootContext>(RootContext{std::move(base), how.builtins ? &globals_ : &no_builtins, data});
      auto scope = std::make_shared<Scope>();
      scope->root = root.get();
      scope->owner = root;
      Value v = in.eval(*data->expression, scope);
      pos = end;
      return v;
    } catch (Error& e) {
      if (e.cls == "TemplateSyntaxError" || e.cls == "UndefinedError") {
        // Jinja2's names for what Python calls a SyntaxError, or (a missing attribute or
        // item used) an AttributeError or a KeyError.
        std::string text = e.message;
        if (text.starts_with(e.cls + ": ")) text.erase(0, e.cls.size() + 2);
        e.cls = e.cls == "TemplateSyntaxError"                   ? "SyntaxError"
                : text.find("attribute") != std::string::npos ? "AttributeError"
                                                                : "KeyError";
        e.message = e.cls + ": " + text;
      }
      if (!how.where.file.empty()) e.where.file = how.where.file;
      if (e.where.line > 0) {
        if (e.where.line == 1) e.where.column += std::max(how.where.column, 1) - 1;
        e.where.line += std::max(how.where.line, 1) - 1;
      } else {
        e.where.line = how.where.line;
        e.where.column = how.where.column;
      }
      throw;
    }
  } catch (Error& e) {
    return std::unexpected(std::move(e));
  } catch (const std::exception& e) {
    return fail(ErrorKind::internal, std::string("Python expression evaluation failure: ") + e.what(), how.where);
  }
}

}  // namespace slap::tmpl
