// Expression parsing, precedence lowest first: conditional, or, and, not, comparisons,
// + -, ~, * / // %, **, unary - +, then postfix (.attr [item] (call)), filters and tests.
#include "errors.hpp"
#include "ops.hpp"
#include "parser.hpp"
#include "pyformat.hpp"
#include "registry.hpp"

namespace slap::tmpl {

ExprPtr Parser::parse_expression(bool with_condexpr) {
  if (python_) return with_condexpr ? py_test() : parse_or();
  return with_condexpr ? parse_condexpr() : parse_or();
}

ExprPtr Parser::parse_condexpr() {
  Pos p = here();
  std::size_t assertions_mark = assertions_.size();
  ExprPtr expr = parse_or();
  while (skip_name("if")) {
    // The branches of a conditional expression fail on unknown filters only when run.
    assertions_.resize(std::min(assertions_.size(), assertions_mark));
    SoftFrame soft(*this, true);
    auto node = std::make_unique<ConditionExpr>(p);
    node->then = std::move(expr);
    node->test = parse_or();
    if (skip_name("else")) node->otherwise = parse_condexpr();
    expr = std::move(node);
    p = here();
  }
  return expr;
}

ExprPtr Parser::parse_or() {
  Pos p = here();
  ExprPtr left = parse_and();
  while (skip_name("or")) left = std::make_unique<LogicalExpr>(p, false, std::move(left), parse_and());
  return left;
}

ExprPtr Parser::parse_and() {
  Pos p = here();
  ExprPtr left = parse_not();
  while (skip_name("and")) left = std::make_unique<LogicalExpr>(p, true, std::move(left), parse_not());
  return left;
}

ExprPtr Parser::parse_not() {
  Nested nested(*this);
  if (is_name("not")) {
    Pos p = advance().pos;
    return std::make_unique<UnaryExpr>(p, UnaryOp::not_, parse_not());
  }
  return parse_compare();
}

ExprPtr Parser::parse_compare() {
  Pos p = here();
  ExprPtr expr = python_ ? py_binary(0) : parse_math1();
  std::unique_ptr<CompareExpr> node;
  while (true) {
    CompareOp op;
    if (skip_op("==")) op = CompareOp::eq;
    else if (skip_op("!=")) op = CompareOp::ne;
    else if (skip_op("<")) op = CompareOp::lt;
    else if (skip_op("<=")) op = CompareOp::le;
    else if (skip_op(">")) op = CompareOp::gt;
    else if (skip_op(">=")) op = CompareOp::ge;
    else if (skip_name("in")) op = CompareOp::in;
    else if (is_name("not") && peek().type == Tok::name && peek().text == "in") {
      advance();
      advance();
      op = CompareOp::not_in;
    } else if (python_ && skip_name("is")) {
      op = skip_name("not") ? CompareOp::is_not : CompareOp::is_;
    } else {
      break;
    }
    if (!node) node = std::make_unique<CompareExpr>(p, std::move(expr));
    node->rest.emplace_back(op, python_ ? py_binary(0) : parse_math1());
  }
  if (node) return node;
  return expr;
}

ExprPtr Parser::parse_math1() {
  Pos p = here();
  ExprPtr left = parse_concat();
  while (is_op("+") || is_op("-")) {
    BinaryOp op = advance().text == "+" ? BinaryOp::add : BinaryOp::sub;
    left = std::make_unique<BinaryExpr>(p, op, std::move(left), parse_concat());
  }
  return left;
}

ExprPtr Parser::parse_concat() {
  Pos p = here();
  ExprPtr first = parse_math2();
  if (!is_op("~")) return first;
  auto node = std::make_unique<ConcatExpr>(p);
  node->parts.push_back(std::move(first));
  while (skip_op("~")) node->parts.push_back(parse_math2());
  return node;
}

ExprPtr Parser::parse_math2() {
  Pos p = here();
  ExprPtr left = parse_pow();
  while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
    const std::string& t = advance().text;
    BinaryOp op = t == "*" ? BinaryOp::mul : t == "/" ? BinaryOp::div : t == "//" ? BinaryOp::floordiv : BinaryOp::mod;
    auto node = std::make_unique<BinaryExpr>(p, op, std::move(left), parse_pow());
    if (op == BinaryOp::mod && node->left->kind == ExprKind::constant && node->right->kind == ExprKind::tuple) {
      const Value& fmt = static_cast<const ConstExpr&>(*node->left).value;
      if (fmt.is_string() && !fmt.is_markup()) node->format = compile_percent_format(fmt.as_string());
    }
    left = std::move(node);
  }
  return left;
}

ExprPtr Parser::parse_pow() {
  Pos p = here();
  ExprPtr left = parse_unary();
  while (skip_op("**")) left = std::make_unique<BinaryExpr>(p, BinaryOp::pow, std::move(left), parse_unary());
  return left;
}

ExprPtr Parser::parse_unary(bool with_filter) {
  Nested nested(*this);
  Pos p = here();
  ExprPtr node;
  if (skip_op("-")) node = std::make_unique<UnaryExpr>(p, UnaryOp::neg, parse_unary(false));
  else if (skip_op("+")) node = std::make_unique<UnaryExpr>(p, UnaryOp::pos, parse_unary(false));
  else node = parse_primary();
  node = parse_postfix(std::move(node));
  if (with_filter) node = parse_filter_expr(std::move(node));
  return node;
}

ExprPtr Parser::parse_primary() {
  const Token& t = cur();
  Pos p = t.pos;
  switch (t.type) {
    case Tok::name: {
      std::string n = advance().text;
      if (n == "true" || n == "True") return std::make_unique<ConstExpr>(p, Value(true));
      if (n == "false" || n == "False") return std::make_unique<ConstExpr>(p, Value(false));
      if (n == "none" || n == "None") return std::make_unique<ConstExpr>(p, Value());
      if (n == "loop") uses_.back() |= use_loop;
      else if (n == "varargs") uses_.back() |= use_varargs;
      else if (n == "kwargs") uses_.back() |= use_kwargs;
      else if (n == "caller") uses_.back() |= use_caller;
      return std::make_unique<NameExpr>(p, std::move(n));
    }
    case Tok::string:
    case Tok::integer:
    case Tok::floating: return parse_literal();
    case Tok::op:
      if (t.text == "(") {
        advance();
        ExprPtr e = parse_tuple(true, {}, true);
        expect_op(")");
        return e;
      }
      if (t.text == "[") return parse_list();
      if (t.text == "{") return parse_dict();
      break;
    default: break;
  }
  if (t.type == Tok::eof) fail("unexpected end of template, expected an expression");
  fail("unexpected " + describe(t) + ", expected an expression");
}

ExprPtr Parser::parse_literal() {
  Pos p = here();
  if (cur().type == Tok::integer) {
    const Token& t = advance();
    return std::make_unique<ConstExpr>(p, t.big_integer ? to_int(Value(t.text), 0) : Value(t.integer));
  }
  if (cur().type == Tok::floating) return std::make_unique<ConstExpr>(p, Value(advance().floating));
  std::string s = advance().text;  // adjacent string literals are one: "a" "b"
  while (cur().type == Tok::string) s += advance().text;
  return std::make_unique<ConstExpr>(p, Value(std::move(s)));
}

ExprPtr Parser::parse_tuple(bool with_condexpr, const std::vector<std::string>& extra_end, bool explicit_parentheses) {
  Pos p = here();
  std::vector<ExprPtr> items;
  bool is_tuple = false;
  while (true) {
    if (!items.empty()) expect_op(",");
    if (is_tuple_end(extra_end)) break;
    items.push_back(parse_expression(with_condexpr));
    if (is_op(",")) is_tuple = true;
    else break;
  }
  if (!is_tuple) {
    if (!items.empty()) return std::move(items[0]);
    if (!explicit_parentheses) fail("expected an expression, got " + describe(cur()));
  }
  auto node = std::make_unique<SequenceExpr>(ExprKind::tuple, p);
  node->items = std::move(items);
  return node;
}

ExprPtr Parser::parse_list() {
  auto node = std::make_unique<SequenceExpr>(ExprKind::list, advance().pos);
  while (!is_op("]")) {
    if (!node->items.empty()) expect_op(",");
    if (is_op("]")) break;
    node->items.push_back(parse_expression());
  }
  expect_op("]");
  return node;
}

ExprPtr Parser::parse_dict() {
  auto node = std::make_unique<SequenceExpr>(ExprKind::dict, advance().pos);
  while (!is_op("}")) {
    if (!node->items.empty()) expect_op(",");
    if (is_op("}")) break;
    node->items.push_back(parse_expression());
    expect_op(":");
    node->items.push_back(parse_expression());
  }
  expect_op("}");
  return node;
}

ExprPtr Parser::parse_postfix(ExprPtr node) {
  while (true) {
    if (is_op(".") || is_op("[")) node = parse_subscript(std::move(node));
    else if (is_op("(")) node = parse_call(std::move(node));
    else return node;
  }
}

ExprPtr Parser::parse_filter_expr(ExprPtr node) {
  while (true) {
    if (is_op("|")) node = parse_filter(std::move(node), false);
    else if (is_name("is")) node = parse_test(std::move(node));
    else if (is_op("(")) node = parse_call(std::move(node));
    else return node;
  }
}

ExprPtr Parser::parse_subscript(ExprPtr node) {
  const Token& t = advance();
  Pos p = t.pos;
  if (t.text == ".") {
    const Token& attr = cur();
    if (attr.type == Tok::name) return std::make_unique<GetattrExpr>(p, std::move(node), advance().text);
    if (attr.type != Tok::integer) fail("expected a name or a number after '.', got " + describe(attr));
    auto key = std::make_unique<ConstExpr>(attr.pos, Value(advance().integer));
    return std::make_unique<GetitemExpr>(p, std::move(node), std::move(key));
  }
  std::vector<ExprPtr> args;
  while (!is_op("]")) {
    if (!args.empty()) expect_op(",");
    args.push_back(parse_subscribed());
  }
  expect_op("]");
  if (args.size() == 1) return std::make_unique<GetitemExpr>(p, std::move(node), std::move(args[0]));
  auto key = std::make_unique<SequenceExpr>(ExprKind::tuple, p);
  key->items = std::move(args);
  return std::make_unique<GetitemExpr>(p, std::move(node), std::move(key));
}

ExprPtr Parser::parse_subscribed() {
  Pos p = here();
  ExprPtr start;
  if (!is_op(":")) {
    start = parse_expression();
    if (!is_op(":")) return start;
  }
  advance();
  auto slice = std::make_unique<SliceExpr>(p);
  slice->start = std::move(start);
  auto bound_end = [&] { return is_op("]") || is_op(",") || is_op(":"); };
  if (!bound_end()) slice->stop = parse_expression();
  if (skip_op(":") && !is_op("]") && !is_op(",")) slice->step = parse_expression();
  return slice;
}

CallArgs Parser::parse_call_args() {
  const Token& open = cur();
  expect_op("(");
  CallArgs args;
  auto ensure = [&](bool ok) {
    if (!ok) fail("invalid syntax for function call expression", open);
  };
  bool need_comma = false;
  while (!is_op(")")) {
    if (need_comma) {
      expect_op(",");
      if (is_op(")")) break;
    }
    if (skip_op("*")) {
      ensure(!args.star_args && !args.star_kwargs);
      args.star_args = parse_expression();
    } else if (skip_op("**")) {
      ensure(!args.star_kwargs);
      args.star_kwargs = parse_expression();
    } else if (cur().type == Tok::name && peek().type == Tok::op && peek().text == "=") {
      ensure(!args.star_kwargs);
      std::string key = advance().text;
      advance();
      args.keywords.emplace_back(std::move(key), parse_expression());
    } else {
      ensure(!args.star_args && !args.star_kwargs && args.keywords.empty());
      Pos p = here();
      ExprPtr arg = parse_expression();
      // f(x for x in y): a generator expression as the only argument (Python mode).
      if (python_ && is_name("for")) arg = py_comprehension(ComprehensionExpr::Yields::generator, std::move(arg), nullptr, p);
      args.positional.push_back(std::move(arg));
    }
    need_comma = true;
  }
  expect_op(")");
  args.seal();
  return args;
}

void CallArgs::seal() {
  constant = !star_args && !star_kwargs;
  for (const auto& e : positional) constant = constant && e->kind == ExprKind::constant;
  for (const auto& [name, e] : keywords) constant = constant && e->kind == ExprKind::constant;
  values = Args();
  if (!constant) return;
  for (const auto& e : positional) values.positional.push_back(static_cast<const ConstExpr&>(*e).value);
  for (const auto& [name, e] : keywords) values.keywords.emplace_back(name, static_cast<const ConstExpr&>(*e).value);
}

ExprPtr Parser::parse_call(ExprPtr node) {
  Pos p = here();
  auto call = std::make_unique<CallExpr>(p, std::move(node));
  call->args = parse_call_args();
  if (call->callee->kind == ExprKind::getattr) {
    const auto& g = static_cast<const GetattrExpr&>(*call->callee);
    if (g.attr == "format" && g.object->kind == ExprKind::constant) {
      const Value& fmt = static_cast<const ConstExpr&>(*g.object).value;
      if (fmt.is_string() && !fmt.is_markup()) call->format = compile_str_format(fmt.as_string());
    }
  }
  return call;
}

std::string Parser::dotted_name() {
  std::string name = expect_identifier();
  while (skip_op(".")) name += "." + expect_identifier();
  return name;
}

ExprPtr Parser::parse_filter(ExprPtr node, bool start_inline) {
  while (is_op("|") || start_inline) {
    if (!start_inline) advance();
    start_inline = false;
    const Token& tok = cur();
    auto f = std::make_unique<FilterExpr>(tok.pos, std::move(node), dotted_name());
    f->fn = find_filter(f->name);
    if (!f->fn) note_unknown("No filter named '" + f->name + "'.", tok);
    if (is_op("(")) f->args = parse_call_args();
    static const FilterFn* const default_filter = find_filter("default");
    f->plain_default = f->fn == default_filter && f->args.constant && f->args.keywords.empty() &&
                       f->args.positional.size() <= 1;
    node = std::move(f);
  }
  return node;
}

ExprPtr Parser::parse_test(ExprPtr node) {
  Pos p = advance().pos;
  bool negated = skip_name("not");
  const Token& tok = cur();
  auto t = std::make_unique<TestExpr>(p, std::move(node), dotted_name());
  t->fn = find_test(t->name);
  if (!t->fn) note_unknown("No test named '" + t->name + "'.", tok);
  const Token& c = cur();
  bool starts_arg = c.type == Tok::name || c.type == Tok::string || c.type == Tok::integer ||
                    c.type == Tok::floating || (c.type == Tok::op && (c.text == "[" || c.text == "{"));
  if (is_op("(")) {
    t->args = parse_call_args();
  } else if (starts_arg && !is_name("else") && !is_name("or") && !is_name("and")) {
    if (is_name("is")) fail("you cannot chain multiple tests with 'is'");
    t->args.positional.push_back(parse_postfix(parse_primary()));
    t->args.seal();
  }
  if (negated) return std::make_unique<UnaryExpr>(p, UnaryOp::not_, std::move(t));
  return t;
}

}  // namespace slap::tmpl
