// Statement parsing: template data, {{ }} output and {% %} tags with their bodies.
#include "parser.hpp"

#include <algorithm>

#include "errors.hpp"

namespace slap::tmpl {

namespace {

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? " or " : ", ";
    out += "'" + names[i] + "'";
  }
  return out;
}

}  // namespace

std::shared_ptr<TemplateData> parse_template(std::string_view source, const std::string& name, const Options& options) {
  auto data = std::make_shared<TemplateData>();
  data->name = name;
  Parser p(tokenize(source, options, name), name);
  p.options = &options;
  data->body = p.parse_all();
  p.check_names();
  data->blocks = std::move(p.blocks);
  return data;
}

void Parser::fail(const std::string& msg, const Token& at) const { syntax_error(msg, name_, at.pos.line, at.pos.column); }

void Parser::note_unknown(std::string message, const Token& at) {
  if (!soft_) note_assertion(std::move(message), at.pos);
}

void Parser::check_names() const {
  if (assertions_.empty()) return;
  const auto& [message, pos] = assertions_.front();
  assertion_error(message, name_, pos.line, pos.column);
}

bool Parser::skip_op(std::string_view op) {
  if (!is_op(op)) return false;
  advance();
  return true;
}

bool Parser::skip_name(std::string_view n) {
  if (!is_name(n)) return false;
  advance();
  return true;
}

void Parser::expect_op(std::string_view op) {
  if (!skip_op(op)) fail("expected '" + std::string(op) + "', got " + describe(cur()));
}

void Parser::expect_name(std::string_view n) {
  if (!skip_name(n)) fail("expected '" + std::string(n) + "', got " + describe(cur()));
}

std::string Parser::expect_identifier() {
  if (cur().type != Tok::name) fail("expected a name, got " + describe(cur()));
  return advance().text;
}

void Parser::expect_block_end() {
  if (cur().type == Tok::eof) fail_eof();
  if (cur().type != Tok::block_end) fail("expected end of statement '%}', got " + describe(cur()));
  advance();
}

Body Parser::parse_all() {
  Body body = subparse({});
  return body;
}

void Parser::fail_eof() const {
  if (open_.empty()) fail("unexpected end of template");
  const OpenBlock& b = open_.back();
  fail("unexpected end of template: expected " + quoted_list(b.ends) + " to close the '" + b.tag + "' from line " +
       std::to_string(b.line));
}

void Parser::fail_assertions_tag(const Token& tag) const {
  for (const auto& b : open_) {
    if (std::find(b.ends.begin(), b.ends.end(), tag.text) == b.ends.end()) continue;
    const OpenBlock& inner = open_.back();
    fail("unexpected '" + tag.text + "': expected " + quoted_list(inner.ends) + " to close the '" + inner.tag +
             "' from line " + std::to_string(inner.line),
         tag);
  }
  if (tag.text.starts_with("end") || tag.text == "else" || tag.text == "elif")
    fail("unexpected '" + tag.text + "': no block is open here", tag);
  fail("unknown tag '" + tag.text + "'", tag);
}

Body Parser::subparse(const std::vector<std::string>& ends) {
  Body body;
  while (cur().type != Tok::eof) {
    const Token& t = cur();
    if (t.type == Tok::data) {
      if (!body.empty() && body.back()->kind == StmtKind::text)
        static_cast<TextStmt&>(*body.back()).text += t.text;
      else
        body.push_back(std::make_unique<TextStmt>(t.pos, t.text));
      advance();
    } else if (t.type == Tok::var_begin) {
      advance();
      Pos p = here();
      body.push_back(std::make_unique<OutputStmt>(p, parse_tuple(true)));
      if (cur().type != Tok::var_end) fail("expected end of print statement '}}', got " + describe(cur()));
      advance();
    } else if (t.type == Tok::block_begin) {
      advance();
      if (cur().type == Tok::name && std::find(ends.begin(), ends.end(), cur().text) != ends.end()) return body;
      if (skip_name("print")) {
        for (bool first = true; cur().type != Tok::block_end; first = false) {
          if (cur().type == Tok::eof) fail_eof();
          if (!first) expect_op(",");
          Pos p = here();
          body.push_back(std::make_unique<OutputStmt>(p, parse_expression()));
        }
      } else if (options && options->i18n != Options::I18n::off && is_name("trans")) {
        parse_trans(body);
      } else if (options && options->debug_extension && is_name("debug")) {
        body.push_back(std::make_unique<Stmt>(StmtKind::debug, advance().pos));
      } else if (StmtPtr s = parse_statement()) {
        body.push_back(std::move(s));
      }
      expect_block_end();
    } else {
      fail("unexpected " + describe(t));
    }
  }
  return body;
}

// The body of a block tag up to one of `ends`; the current token is then that end name
// (consumed when drop_end, leaving its '%}' for the caller).
Body Parser::parse_body(std::string tag, int line, std::vector<std::string> ends, bool drop_end) {
  Nested nested(*this, "blocks nested too deeply");
  skip_op(":");
  expect_block_end();
  open_.push_back(OpenBlock{std::move(tag), line, ends});
  Body body = subparse(ends);
  if (cur().type == Tok::eof) fail_eof();
  open_.pop_back();
  if (drop_end) advance();
  return body;
}

StmtPtr Parser::parse_statement() {
  const Token& t = cur();
  if (t.type != Tok::name) fail("expected a tag name, got " + describe(t));
  const std::string& n = t.text;
  if (n == "for") return parse_for();
  if (n == "if") return parse_if();
  if (n == "set") return parse_set();
  if (n == "macro") return parse_macro();
  if (n == "call") return parse_call_block();
  if (n == "filter") return parse_filter_block();
  if (n == "import") return parse_import();
  if (n == "from") return parse_from();
  if (n == "include") return parse_include();
  if (n == "with") return parse_with();
  if (n == "block") return parse_block();
  if (n == "extends") return parse_extends();
  if (n == "autoescape") return parse_autoescape();
  if (n == "do") {
    Pos p = advance().pos;
    return std::make_unique<DoStmt>(p, parse_tuple());
  }
  if (n == "break" || n == "continue") {
    if (loop_depth_ == 0) fail("'" + n + "' outside of a loop");
    StmtKind k = n == "break" ? StmtKind::break_ : StmtKind::continue_;
    return std::make_unique<LoopControlStmt>(k, advance().pos);
  }
  fail_assertions_tag(t);
}

StmtPtr Parser::parse_for() {
  Pos p = advance().pos;
  std::size_t loop_stores = loop_stores_.size();
  auto node = std::make_unique<ForStmt>(p);
  node->target = parse_target(false, {"in"}, false);
  expect_name("in");
  node->iter = parse_tuple(false, {"recursive"});
  SoftFrame hard(*this, false);
  if (skip_name("if")) node->filter = parse_expression();
  node->recursive = skip_name("recursive");
  uses_.push_back(0);
  ++loop_depth_;
  node->body = parse_body("for", p.line, {"endfor", "else"}, false);
  --loop_depth_;
  unsigned uses = uses_.back();
  uses_.pop_back();
  uses_.back() |= uses;
  node->uses_loop = (uses & use_loop) != 0;
  if (advance().text == "else") node->otherwise = parse_body("for", p.line, {"endfor"}, true);
  if (loop_stores_.size() > loop_stores)
    note_assertion("Can't assign to special loop variable in for-loop target", loop_stores_[loop_stores]);
  return node;
}

StmtPtr Parser::parse_if() {
  Pos p = advance().pos;
  auto node = std::make_unique<IfStmt>(p);
  SoftFrame soft(*this, true);
  while (true) {
    ExprPtr test = parse_tuple(false);
    Body body = parse_body("if", p.line, {"elif", "else", "endif"}, false);
    node->branches.emplace_back(std::move(test), std::move(body));
    std::string end = advance().text;
    if (end == "elif") continue;
    if (end == "else") node->otherwise = parse_body("if", p.line, {"endif"}, true);
    break;
  }
  return node;
}

StmtPtr Parser::parse_set() {
  Pos p = advance().pos;
  Target target = parse_target(false, {}, true);
  if (skip_op("=")) {
    auto node = std::make_unique<SetStmt>(p);
    node->target = std::move(target);
    node->value = parse_tuple();
    return node;
  }
  auto node = std::make_unique<SetBlockStmt>(p);
  node->target = std::move(target);
  SoftFrame hard(*this, false);
  if (is_op("|")) node->filter = parse_filter(nullptr, false);
  node->body = parse_body("set", p.line, {"endset"}, true);
  return node;
}

void Parser::parse_signature(MacroDef& def) {
  SoftFrame hard(*this, false);
  expect_op("(");
  while (!is_op(")")) {
    if (!def.params.empty()) expect_op(",");
    Param param;
    param.name = expect_identifier();
    param.sym = intern(param.name);
    if (skip_op("=")) {
      param.default_value = parse_expression();
    } else if (!def.params.empty() && def.params.back().default_value) {
      fail("non-default argument follows default argument");
    }
    def.params.push_back(std::move(param));
  }
  expect_op(")");
}

unsigned Parser::parse_macro_body(MacroDef& def, const std::string& tag, int line, const std::string& end) {
  SoftFrame hard(*this, false);
  uses_.push_back(0);
  int saved_depth = loop_depth_;
  loop_depth_ = 0;
  def.body = parse_body(tag, line, {end}, true);
  loop_depth_ = saved_depth;
  unsigned uses = uses_.back();
  uses_.pop_back();
  uses_.back() |= uses;
  def.uses_varargs = uses & use_varargs;
  def.uses_kwargs = uses & use_kwargs;
  def.uses_caller = uses & use_caller;
  // A `caller` parameter is an ordinary one, which must have a default when the body calls it.
  for (const auto& param : def.params) {
    if (param.name != "caller" || !def.uses_caller) continue;
    if (!param.default_value)
      note_assertion("When defining macros or call blocks the special \"caller\" argument must be omitted or be given a "
                     "default.", Pos{line, 0});
    def.caller_is_param = true;
  }
  return uses;
}

StmtPtr Parser::parse_macro() {
  Pos p = advance().pos;
  auto node = std::make_unique<MacroStmt>(p);
  node->def = std::make_shared<MacroDef>();
  node->def->name = expect_identifier();
  parse_signature(*node->def);
  parse_macro_body(*node->def, "macro", p.line, "endmacro");
  return node;
}

StmtPtr Parser::parse_call_block() {
  Pos p = advance().pos;
  auto node = std::make_unique<CallBlockStmt>(p);
  node->caller = std::make_shared<MacroDef>();
  node->caller->name = "caller";
  if (is_op("(")) parse_signature(*node->caller);
  node->call = parse_expression();
  if (node->call->kind != ExprKind::call) fail("expected a macro call after 'call'");
  parse_macro_body(*node->caller, "call", p.line, "endcall");
  return node;
}

StmtPtr Parser::parse_filter_block() {
  Pos p = advance().pos;
  auto node = std::make_unique<FilterBlockStmt>(p);
  SoftFrame hard(*this, false);
  node->filter = parse_filter(nullptr, true);
  node->body = parse_body("filter", p.line, {"endfilter"}, true);
  return node;
}

bool Parser::parse_context_clause(bool default_value) {
  if ((is_name("with") || is_name("without")) && peek().type == Tok::name && peek().text == "context") {
    bool with = advance().text == "with";
    advance();
    return with;
  }
  return default_value;
}

StmtPtr Parser::parse_import() {
  Pos p = advance().pos;
  auto node = std::make_unique<ImportStmt>(StmtKind::import, p);
  node->source = parse_expression();
  expect_name("as");
  node->alias = expect_identifier();
  node->with_context = parse_context_clause(false);
  return node;
}

StmtPtr Parser::parse_from() {
  Pos p = advance().pos;
  auto node = std::make_unique<ImportStmt>(StmtKind::from_import, p);
  node->source = parse_expression();
  expect_name("import");
  while (true) {
    if (!node->names.empty()) expect_op(",");
    if (cur().type != Tok::name) fail("expected a name to import, got " + describe(cur()));
    std::size_t mark = i_;
    node->with_context = parse_context_clause(node->with_context);
    if (mark != i_) break;
    const Token& name_tok = cur();
    std::string name = expect_identifier();
    if (name.starts_with("_")) fail("names starting with an underscore can not be imported", name_tok);
    std::string alias = skip_name("as") ? expect_identifier() : name;
    node->names.emplace_back(name, alias);
    mark = i_;
    node->with_context = parse_context_clause(node->with_context);
    if (mark != i_ || !is_op(",")) break;
  }
  return node;
}

StmtPtr Parser::parse_include() {
  Pos p = advance().pos;
  auto node = std::make_unique<IncludeStmt>(p);
  node->source = parse_expression();
  if (is_name("ignore") && peek().type == Tok::name && peek().text == "missing") {
    node->ignore_missing = true;
    advance();
    advance();
  }
  node->with_context = parse_context_clause(true);
  return node;
}

StmtPtr Parser::parse_with() {
  Pos p = advance().pos;
  auto node = std::make_unique<WithStmt>(p);
  while (cur().type != Tok::block_end) {
    if (cur().type == Tok::eof) fail_eof();
    if (!node->assignments.empty()) expect_op(",");
    Target t = parse_target(false, {}, false);
    expect_op("=");
    node->assignments.emplace_back(std::move(t), parse_expression());
  }
  SoftFrame hard(*this, false);
  node->body = parse_body("with", p.line, {"endwith"}, true);
  return node;
}

StmtPtr Parser::parse_block() {
  const Token& tag = advance();
  Pos p = tag.pos;
  auto node = std::make_unique<BlockStmt>(p);
  node->name = expect_identifier();
  node->scoped = skip_name("scoped");
  node->required = skip_name("required");
  if (blocks.contains(node->name)) assertion_error("block '" + node->name + "' defined twice", name_, p.line, p.column);
  // A block is a new loop context: break/continue of an enclosing loop do not reach in.
  int loops = loop_depth_;
  loop_depth_ = 0;
  SoftFrame hard(*this, false);
  node->body = parse_body("block", p.line, {"endblock"}, true);
  loop_depth_ = loops;
  if (cur().type == Tok::name) {
    std::string end = advance().text;
    if (end != node->name) fail("mismatching name '" + end + "' for block '" + node->name + "'");
  }
  if (node->required)
    for (const auto& s : node->body)
      if (s->kind != StmtKind::text || static_cast<const TextStmt&>(*s).text.find_first_not_of(" \t\r\n") != std::string::npos)
        fail("Required blocks can only contain comments or whitespace", tag);
  blocks.emplace(node->name, node.get());
  return node;
}

StmtPtr Parser::parse_autoescape() {
  Pos p = advance().pos;
  auto node = std::make_unique<AutoescapeStmt>(p);
  node->value = parse_expression();
  SoftFrame hard(*this, false);
  node->body = parse_body("autoescape", p.line, {"endautoescape"}, true);
  return node;
}

StmtPtr Parser::parse_extends() {
  Pos p = advance().pos;
  return std::make_unique<ExtendsStmt>(p, parse_expression());
}

Target Parser::parse_target(bool name_only, const std::vector<std::string>& extra_end, bool with_namespace) {
  Target t;
  t.pos = here();
  if (with_namespace && cur().type == Tok::name && peek().type == Tok::op && peek().text == ".") {
    t.kind = Target::Kind::ns_attr;
    t.name = expect_identifier();
    t.sym = intern(t.name);
    advance();
    t.attr = expect_identifier();
    t.name_hash = std::hash<std::string_view>{}(t.name);
    t.attr_hash = std::hash<std::string_view>{}(t.attr);
    return t;
  }
  if (name_only) {
    t.name = expect_identifier();
    t.sym = intern(t.name);
    return t;
  }
  bool is_tuple = false;
  while (true) {
    if (!t.items.empty()) expect_op(",");
    if (is_tuple_end(extra_end)) break;
    t.items.push_back(parse_target_item());
    if (is_op(",")) is_tuple = true;
    else break;
  }
  if (!is_tuple) {
    if (t.items.size() == 1) return std::move(t.items[0]);
    fail("expected an assignment target, got " + describe(cur()));
  }
  t.kind = Target::Kind::tuple;
  return t;
}

Target Parser::parse_target_item() {
  if (skip_op("(")) {
    Target t = parse_target(false, {}, false);
    expect_op(")");
    return t;
  }
  const Token& tok = cur();
  if (tok.type != Tok::name) fail("expected a name to assign to, got " + describe(tok));
  static const char* const constants[] = {"true", "false", "True", "False", "none", "None"};
  for (const char* c : constants)
    if (tok.text == c) fail("cannot assign to '" + tok.text + "'");
  Target t;
  t.pos = tok.pos;
  t.name = advance().text;
  t.sym = intern(t.name);
  if (t.name == "loop") loop_stores_.push_back(t.pos);
  return t;
}

bool Parser::is_tuple_end(const std::vector<std::string>& extra_end) const {
  if (cur().type == Tok::var_end || cur().type == Tok::block_end || cur().type == Tok::eof || is_op(")")) return true;
  return cur().type == Tok::name && std::find(extra_end.begin(), extra_end.end(), cur().text) != extra_end.end();
}

}  // namespace slap::tmpl
