// Python expressions (Python mode of the parser): what eval() accepts, as far as the
// engine's values go. The shared parts (or/and/not, comparisons, postfix, call arguments,
// slices) are the template parser's, switched by `python_`; this file holds where Python's
// grammar differs from Jinja2's. Precedence, lowest first: lambda, conditional, or, and,
// not, comparisons (with `is`), |, ^, &, << >>, + -, * / // %, unary - + ~, **, postfix.
#include "errors.hpp"
#include "parser.hpp"

namespace slap::tmpl {

ExprPtr Parser::parse_python() {
  python_ = true;
  Pos p = here();
  ExprPtr first = py_test();
  if (is_op(",")) {
    auto tuple = std::make_unique<SequenceExpr>(ExprKind::tuple, p);
    tuple->items.push_back(std::move(first));
    while (skip_op(",") && cur().type != Tok::eof) tuple->items.push_back(py_test());
    first = std::move(tuple);
  }
  if (cur().type != Tok::eof) fail("invalid syntax: unexpected " + describe(cur()));
  return first;
}

ExprPtr Parser::py_test() {
  Nested nested(*this);
  if (is_name("lambda")) return py_lambda();
  Pos p = here();
  ExprPtr expr = parse_or();
  if (!skip_name("if")) return expr;
  auto node = std::make_unique<ConditionExpr>(p);
  node->then = std::move(expr);
  node->test = parse_or();
  if (!skip_name("else")) fail("expected 'else' after 'if' expression");
  node->otherwise = py_test();
  return node;
}

ExprPtr Parser::py_lambda() {
  auto node = std::make_unique<LambdaExpr>(advance().pos);
  while (!is_op(":")) {
    if (!node->params.empty()) expect_op(",");
    std::string name = expect_identifier();
    for (const auto& other : node->params)
      if (other.name == name) fail("duplicate argument '" + name + "' in function definition");
    ExprPtr default_value;
    if (skip_op("=")) default_value = py_test();
    else if (!node->params.empty() && node->params.back().default_value)
      fail("non-default argument follows default argument");
    Symbol sym = intern(name);
    node->params.push_back({std::move(name), sym, std::move(default_value)});
  }
  expect_op(":");
  node->body = py_test();
  return node;
}

namespace {

constexpr int python_level_count = 6;

// The operator `t` is at py_binary(level): 0 is |, 5 is * / // %; unary operators come after.
std::optional<BinaryOp> python_binary_op(int level, const Token& t) {
  if (t.type != Tok::op) return std::nullopt;
  const std::string& s = t.text;
  switch (level) {
    case 0: if (s == "|") return BinaryOp::bit_or; break;
    case 1: if (s == "^") return BinaryOp::bit_xor; break;
    case 2: if (s == "&") return BinaryOp::bit_and; break;
    case 3:
      if (s == "<<") return BinaryOp::lshift;
      if (s == ">>") return BinaryOp::rshift;
      break;
    case 4:
      if (s == "+") return BinaryOp::add;
      if (s == "-") return BinaryOp::sub;
      break;
    default:
      if (s == "*") return BinaryOp::mul;
      if (s == "/") return BinaryOp::div;
      if (s == "//") return BinaryOp::floordiv;
      if (s == "%") return BinaryOp::mod;
  }
  return std::nullopt;
}

}  // namespace

ExprPtr Parser::py_binary(int level) {
  if (level == python_level_count) return py_factor();
  Pos p = here();
  ExprPtr left = py_binary(level + 1);
  while (auto op = python_binary_op(level, cur())) {
    advance();
    left = std::make_unique<BinaryExpr>(p, *op, std::move(left), py_binary(level + 1));
  }
  return left;
}

ExprPtr Parser::py_factor() {
  Nested nested(*this);
  Pos p = here();
  if (skip_op("-")) return std::make_unique<UnaryExpr>(p, UnaryOp::neg, py_factor());
  if (skip_op("+")) return std::make_unique<UnaryExpr>(p, UnaryOp::pos, py_factor());
  if (skip_op("~")) return std::make_unique<UnaryExpr>(p, UnaryOp::invert, py_factor());
  return py_power();
}

ExprPtr Parser::py_power() {
  Pos p = here();
  ExprPtr base = parse_postfix(py_atom());
  if (!skip_op("**")) return base;
  return std::make_unique<BinaryExpr>(p, BinaryOp::pow, std::move(base), py_factor());
}

ExprPtr Parser::py_atom() {
  const Token& t = cur();
  Pos p = t.pos;
  switch (t.type) {
    case Tok::name: {
      static const std::string_view keywords[] = {"and", "or", "not", "in", "is", "if", "else", "for", "lambda",
                                                  "import", "from", "def", "class", "return", "yield", "del"};
      for (auto k : keywords)
        if (t.text == k) fail("invalid syntax: unexpected '" + t.text + "'");
      std::string n = advance().text;
      if (n == "True") return std::make_unique<ConstExpr>(p, Value(true));
      if (n == "False") return std::make_unique<ConstExpr>(p, Value(false));
      if (n == "None") return std::make_unique<ConstExpr>(p, Value());
      return std::make_unique<NameExpr>(p, std::move(n));
    }
    case Tok::string:
    case Tok::integer:
    case Tok::floating: return parse_literal();
    case Tok::op:
      if (t.text == "(") return py_display(")");
      if (t.text == "[") return py_display("]");
      if (t.text == "{") return py_display("}");
      break;
    default: break;
  }
  if (t.type == Tok::eof) fail("invalid syntax: unexpected end of expression");
  fail("invalid syntax: unexpected " + describe(t));
}

// (...), [...] and {...}: parenthesised expressions, tuples, lists, dicts, sets and the
// comprehensions of each.
ExprPtr Parser::py_display(std::string_view close) {
  Pos p = advance().pos;
  using Yields = ComprehensionExpr::Yields;
  const ExprKind kind = close == ")" ? ExprKind::tuple : close == "]" ? ExprKind::list : ExprKind::dict;
  if (skip_op(close)) return std::make_unique<SequenceExpr>(kind, p);
  ExprPtr first = py_test();
  ExprPtr value;
  const bool is_dict = kind == ExprKind::dict && skip_op(":");
  if (is_dict) value = py_test();
  if (is_name("for")) {
    Yields yields = kind == ExprKind::tuple ? Yields::generator
                    : kind == ExprKind::list ? Yields::list
                    : is_dict              ? Yields::dict
                                           : Yields::set;
    ExprPtr node = py_comprehension(yields, std::move(first), std::move(value), p);
    expect_op(close);
    return node;
  }
  if (kind == ExprKind::tuple && skip_op(")")) return first;  // (x) is x
  auto node = std::make_unique<SequenceExpr>(kind == ExprKind::dict && !is_dict ? ExprKind::set : kind, p);
  node->items.push_back(std::move(first));
  if (is_dict) node->items.push_back(std::move(value));
  while (!skip_op(close)) {
    expect_op(",");
    if (skip_op(close)) break;
    node->items.push_back(py_test());
    if (is_dict) {
      expect_op(":");
      node->items.push_back(py_test());
    }
  }
  return node;
}

ExprPtr Parser::py_comprehension(ComprehensionExpr::Yields yields, ExprPtr element, ExprPtr value, Pos p) {
  auto node = std::make_unique<ComprehensionExpr>(p, yields);
  node->element = std::move(element);
  node->value = std::move(value);
  while (skip_name("for")) {
    ComprehensionExpr::Clause clause;
    clause.target = py_target();
    expect_name("in");
    clause.iter = parse_or();
    while (skip_name("if")) clause.conditions.push_back(parse_or());
    node->clauses.push_back(std::move(clause));
  }
  return node;
}

// The target of a `for` clause: a name, or names and parenthesised tuples with commas.
Target Parser::py_target() {
  Pos p = here();
  Target first = py_target_item();
  if (!is_op(",")) return first;
  Target tuple;
  tuple.kind = Target::Kind::tuple;
  tuple.pos = p;
  tuple.items.push_back(std::move(first));
  while (skip_op(",") && !is_name("in")) tuple.items.push_back(py_target_item());
  return tuple;
}

Target Parser::py_target_item() {
  Target t;
  t.pos = here();
  if (skip_op("(") || skip_op("[")) {
    const bool paren = toks_[i_ - 1].text == "(";
    t = py_target();
    if (!paren && t.kind != Target::Kind::tuple) {  // [x] unpacks a one-item sequence
      Target one;
      one.kind = Target::Kind::tuple;
      one.pos = t.pos;
      one.items.push_back(std::move(t));
      t = std::move(one);
    }
    expect_op(paren ? ")" : "]");
    return t;
  }
  t.name = expect_identifier();
  t.sym = intern(t.name);
  return t;
}

}  // namespace slap::tmpl
