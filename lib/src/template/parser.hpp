// Tokens -> AST, following Jinja2's grammar (jinja2/parser.py): statements in parser.cpp,
// expressions in parse_expr.cpp. Errors are thrown as slap::Error with the token's
// location.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ast.hpp"
#include "lexer.hpp"

namespace slap::tmpl {

std::shared_ptr<TemplateData> parse_template(std::string_view source, const std::string& name, const Options& options);

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::string& name) : toks_(std::move(tokens)), name_(name) {}
  // The options of the template parsed, when they add tags ({% trans %} under i18n).
  const Options* options = nullptr;
  Body parse_all();
  // Python mode (tokenize_python's tokens): one expression, or a bare tuple, to the end.
  ExprPtr parse_python();

 private:
  // Names whose use changes how a loop or macro runs: tracked while parsing its body.
  enum Uses : unsigned { use_loop = 1, use_varargs = 2, use_kwargs = 4, use_caller = 8 };

  struct OpenBlock {
    std::string tag;
    int line;
    std::vector<std::string> ends;
  };

 public:
  // {% block %} statements met so far, by name (the template's block table).
  std::map<std::string, const BlockStmt*, std::less<>> blocks;

 private:

  // Jinja2 3 checks filter and test names when it compiles, except inside `if` tests and
  // bodies and conditional expressions (its "soft frames"), where an unknown name fails
  // only when it runs; a loop, macro, block or filter body starts a hard frame again.
  class SoftFrame {
   public:
    SoftFrame(Parser& p, bool soft) : p_(p), saved_(p.soft_) { p.soft_ = soft; }
    ~SoftFrame() { p_.soft_ = saved_; }
    SoftFrame(const SoftFrame&) = delete;
    SoftFrame& operator=(const SoftFrame&) = delete;

   private:
    Parser& p_;
    bool saved_;
  };
  void note_unknown(std::string message, const Token& at);
  void note_assertion(std::string message, Pos at) { assertions_.emplace_back(std::move(message), at); }

 public:
  // Fails with the first unknown filter or test outside a soft frame (after the whole
  // template parsed: syntax errors come first, as in Jinja2).
  void check_names() const;

 private:
  // token stream
  const Token& cur() const { return toks_[i_]; }
  const Token& peek(std::size_t n = 1) const { return toks_[std::min(i_ + n, toks_.size() - 1)]; }
  const Token& advance() { return toks_[i_ < toks_.size() - 1 ? i_++ : i_]; }
  bool is_op(std::string_view op) const { return cur().type == Tok::op && cur().text == op; }
  bool is_name(std::string_view n) const { return cur().type == Tok::name && cur().text == n; }
  bool skip_op(std::string_view op);
  bool skip_name(std::string_view n);
  void expect_op(std::string_view op);
  void expect_name(std::string_view n);
  std::string expect_identifier();
  void expect_block_end();
  [[noreturn]] void fail(const std::string& msg, const Token& at) const;
  [[noreturn]] void fail(const std::string& msg) const { fail(msg, cur()); }
  Pos here() const { return cur().pos; }

  // statements (parser.cpp)
  Body subparse(const std::vector<std::string>& ends);
  Body parse_body(std::string tag, int line, std::vector<std::string> ends, bool drop_end);
  [[noreturn]] void fail_eof() const;
  [[noreturn]] void fail_assertions_tag(const Token& tag) const;
  StmtPtr parse_statement();
  StmtPtr parse_for();
  StmtPtr parse_if();
  StmtPtr parse_set();
  StmtPtr parse_macro();
  StmtPtr parse_call_block();
  StmtPtr parse_filter_block();
  StmtPtr parse_import();
  StmtPtr parse_from();
  StmtPtr parse_include();
  StmtPtr parse_with();
  StmtPtr parse_block();
  StmtPtr parse_extends();
  StmtPtr parse_autoescape();
  // {% trans %} (i18n.cpp): its statements, appended to `into`.
  void parse_trans(Body& into);
  std::string parse_trans_text(std::vector<std::string>& names, bool allow_pluralize);
  ExprPtr reparse_expression(std::size_t from, std::size_t to);
  bool parse_context_clause(bool default_value);
  void parse_signature(MacroDef& def);
  unsigned parse_macro_body(MacroDef& def, const std::string& tag, int line, const std::string& end);
  Target parse_target(bool name_only, const std::vector<std::string>& extra_end, bool with_namespace);
  Target parse_target_item();

  // expressions (parse_expr.cpp)
  ExprPtr parse_expression(bool with_condexpr = true);
  ExprPtr parse_condexpr();
  ExprPtr parse_or();
  ExprPtr parse_and();
  ExprPtr parse_not();
  ExprPtr parse_compare();
  ExprPtr parse_math1();
  ExprPtr parse_concat();
  ExprPtr parse_math2();
  ExprPtr parse_pow();
  ExprPtr parse_unary(bool with_filter = true);
  ExprPtr parse_primary();
  ExprPtr parse_literal();  // at a string, integer or float token
  ExprPtr parse_tuple(bool with_condexpr = true, const std::vector<std::string>& extra_end = {},
                      bool explicit_parentheses = false);
  ExprPtr parse_list();
  ExprPtr parse_dict();
  ExprPtr parse_postfix(ExprPtr node);
  ExprPtr parse_filter_expr(ExprPtr node);
  ExprPtr parse_subscript(ExprPtr node);
  ExprPtr parse_subscribed();
  ExprPtr parse_call(ExprPtr node);
  CallArgs parse_call_args();

 public:
  // A filter chain; `node` may be null for {% filter %} and {% set x | f %} blocks.
  ExprPtr parse_filter(ExprPtr node, bool start_inline);

 private:
  ExprPtr parse_test(ExprPtr node);

  // Python's grammar (parse_python.cpp), where it differs: lambda, `else` required, `is`
  // identity, bitwise operators, ** binding tighter than unary minus, comprehensions, sets.
  ExprPtr py_test();
  ExprPtr py_lambda();
  ExprPtr py_binary(int level);
  ExprPtr py_factor();
  ExprPtr py_power();
  ExprPtr py_atom();
  ExprPtr py_display(std::string_view close);
  ExprPtr py_comprehension(ComprehensionExpr::Yields yields, ExprPtr element, ExprPtr value, Pos p);
  Target py_target();
  Target py_target_item();

  bool is_tuple_end(const std::vector<std::string>& extra_end) const;
  std::string dotted_name();

  std::vector<Token> toks_;
  std::size_t i_ = 0;
  const std::string& name_;
  std::vector<OpenBlock> open_;
  std::vector<unsigned> uses_{0};
  int loop_depth_ = 0;
  bool soft_ = false;
  bool python_ = false;  // parsing Python, not a template (parse_python)
  // Expressions and statement bodies being parsed inside one another (about three per
  // level of parentheses, one per block): bounded so that hostile input cannot exhaust the
  // stack while parsing, evaluating or freeing the tree.
  int nesting_ = 0;
  class Nested {
   public:
    explicit Nested(Parser& p, const char* too_deep = "expression nested too deeply") : p_(p) {
      if (++p_.nesting_ > 600) p_.fail(too_deep);
    }
    ~Nested() { --p_.nesting_; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;

   private:
    Parser& p_;
  };
  // What Jinja2's compiler refuses (TemplateAssertionError): unknown filters/tests in hard
  // frames, `loop` assigned inside a for loop, a macro's `caller` parameter without default.
  std::vector<std::pair<std::string, Pos>> assertions_;
  std::vector<Pos> loop_stores_;  // where `loop` is an assignment target
};

}  // namespace slap::tmpl
