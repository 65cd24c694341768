// jinja2.ext.i18n: {% trans %} compiled as Jinja2's InternationalizationExtension compiles
// it, and the gettext functions of install_null_translations().
//
// {% trans [context] [name[=expr], ...] [trimmed|notrimmed] %}text {{ name }}...
// [{% pluralize [name] %}text...]{% endtrans %} becomes one output statement:
//   old style: markup_if_autoescape(gettext("text %(name)s")) % {"name": name, ...}
//   new style: gettext("text %(name)s", name=name, ...)
// with ngettext(singular, plural, n) when there is a plural, and pgettext/npgettext with a
// context. When the first variable is a call, it is evaluated once into `_trans` first.
#include "i18n.hpp"

#include <algorithm>
#include <optional>

#include "errors.hpp"
#include "interp.hpp"
#include "ops.hpp"
#include "parser.hpp"
#include "text.hpp"
#include "unicode.hpp"

namespace slap::tmpl {

namespace {

// Python's re.sub(r"\s*\n\s*", " ", s.strip()): the policy ext.i18n.trimmed. A run of
// whitespace that holds a newline becomes one space.
std::string trim_whitespace(std::string_view s) {
  struct CodePoint {
    std::size_t start, end;
    bool space, newline;
  };
  std::vector<CodePoint> cps;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t start = i;
    std::uint32_t cp = next_code_point(s, i);
    cps.push_back({start, i, re_space(static_cast<char32_t>(cp)), cp == '\n'});
  }
  std::size_t first = 0, last = cps.size();
  while (first < last && cps[first].space) ++first;
  while (last > first && cps[last - 1].space) --last;
  std::string out;
  for (std::size_t i = first; i < last;) {
    if (!cps[i].space) {
      out.append(s.substr(cps[i].start, cps[i].end - cps[i].start));
      ++i;
      continue;
    }
    std::size_t j = i;
    bool newline = false;
    while (j < last && cps[j].space) newline |= cps[j++].newline;
    if (newline) out += ' ';
    else out.append(s.substr(cps[i].start, cps[j - 1].end - cps[i].start));
    i = j;
  }
  return out;
}

Target name_target(Pos p, std::string name) {
  Target t;
  t.pos = p;
  t.name = std::move(name);
  t.sym = intern(t.name);
  return t;
}

// Jinja2's MarkSafeIfAutoescape node: Markup(value) where the code escapes, else value.
Value markup_if_autoescape(Interp& in, Args& args) {
  const Value& v = args.positional.at(0);
  if (!in.autoescape || v.is_markup()) return v;
  return Value::markup(in.to_str(v));
}

}  // namespace

ExprPtr Parser::reparse_expression(std::size_t from, std::size_t to) {
  std::size_t saved = i_;
  i_ = from;
  ExprPtr e = parse_expression();
  if (i_ != to) fail("internal parser error");
  i_ = saved;
  return e;
}

// Jinja2's _parse_block: the text up to {% endtrans %} (or {% pluralize %}), with `%`
// doubled and each {{ name }} written %(name)s; the names in `names`. The current token is
// then that tag's name.
std::string Parser::parse_trans_text(std::vector<std::string>& names, bool allow_pluralize) {
  std::string text;
  while (true) {
    const Token& t = cur();
    if (t.type == Tok::data) {
      text += str::replace_all(t.text, "%", "%%");
      advance();
    } else if (t.type == Tok::var_begin) {
      advance();
      if (cur().type != Tok::name) fail("expected token 'name', got " + describe(cur()));
      std::string name = advance().text;
      if (cur().type != Tok::var_end) fail("expected token 'end of print statement', got " + describe(cur()));
      advance();
      text += "%(" + name + ")s";
      names.push_back(std::move(name));
    } else if (t.type == Tok::block_begin) {
      advance();
      if (is_name("endtrans")) break;
      if (is_name("pluralize")) {
        if (allow_pluralize) break;
        fail("a translatable section can have only one pluralize section");
      }
      fail("control structures in translatable sections are not allowed");
    } else if (t.type == Tok::eof) {
      fail("unclosed translation block");
    } else {
      fail("unexpected " + describe(t));
    }
  }
  return text;
}

void Parser::parse_trans(Body& into) {
  Pos p = advance().pos;
  std::optional<std::string> context;
  if (cur().type == Tok::string) context = advance().text;

  // The tag's variables, in order: an expression (its tokens kept, to parse a second copy
  // for the plural count) or, without `=`, the name itself.
  struct Variable {
    std::string name;
    ExprPtr value;
    std::size_t from = 0, to = 0;  // tokens of `value`; from == to: a bare name
  };
  std::vector<Variable> variables;
  auto find = [&](std::string_view name) {
    return std::find_if(variables.begin(), variables.end(), [&](const Variable& v) { return v.name == name; });
  };
  // The plural count: a variable, or a name (`_trans`, or the first one the text uses).
  std::optional<std::size_t> plural_variable;
  std::optional<std::string> plural_name;
  bool num_called_num = false;
  std::optional<bool> trimmed;
  StmtPtr assignment;  // _trans = the first variable, when it is a call
  while (cur().type != Tok::block_end) {
    if (!variables.empty()) expect_op(",");
    if (skip_op(":")) break;
    const Token& token = cur();
    std::string name = expect_identifier();
    if (find(name) != variables.end())
      assertion_error("translatable variable " + string_repr(name) + " defined twice.", name_, token.pos.line,
                      token.pos.column);
    Variable v{name, nullptr};
    if (skip_op("=")) {
      v.from = i_;
      v.value = parse_expression();
      v.to = i_;
    } else if (!trimmed && (name == "trimmed" || name == "notrimmed")) {
      trimmed = name == "trimmed";
      continue;
    } else {
      v.value = std::make_unique<NameExpr>(token.pos, name);
    }
    if (!plural_variable && !plural_name) {
      if (v.value->kind == ExprKind::call) {
        auto set = std::make_unique<SetStmt>(p);
        set->target = name_target(p, "_trans");
        set->value = std::move(v.value);
        assignment = std::move(set);
        v.value = std::make_unique<NameExpr>(p, "_trans");
        v.from = v.to = 0;
        plural_name = "_trans";
      } else {
        plural_variable = variables.size();
      }
      num_called_num = name == "num";
    }
    variables.push_back(std::move(v));
  }
  expect_block_end();

  std::vector<std::string> referenced;
  std::string singular = parse_trans_text(referenced, true);
  if (!referenced.empty() && !plural_variable && !plural_name) {
    plural_name = referenced.front();
    num_called_num = referenced.front() == "num";
  }
  std::optional<std::string> plural;
  if (is_name("pluralize")) {
    advance();
    if (cur().type != Tok::block_end) {
      const Token& token = cur();
      std::string name = expect_identifier();
      auto it = find(name);
      if (it == variables.end())
        assertion_error("unknown variable " + string_repr(name) + " for pluralization", name_, token.pos.line,
                        token.pos.column);
      plural_variable = static_cast<std::size_t>(it - variables.begin());
      plural_name.reset();
      num_called_num = name == "num";
    }
    expect_block_end();
    plural = parse_trans_text(referenced, false);
  }
  advance();  // endtrans
  for (const auto& name : referenced)
    if (find(name) == variables.end()) variables.push_back(Variable{name, std::make_unique<NameExpr>(p, name)});

  ExprPtr count;
  if (plural) {
    if (plural_variable) {
      const Variable& v = variables[*plural_variable];
      count = v.from != v.to ? reparse_expression(v.from, v.to)
                             : std::make_unique<NameExpr>(p, static_cast<const NameExpr&>(*v.value).name);
    } else if (plural_name) {
      count = std::make_unique<NameExpr>(p, *plural_name);
    } else {
      syntax_error("pluralize without variables", name_, p.line, p.column);
    }
  }
  num_called_num = num_called_num && plural;
  if (trimmed.value_or(options->i18n_trimmed)) {
    singular = trim_whitespace(singular);
    if (plural) *plural = trim_whitespace(*plural);
  }

  // Jinja2's _make_node.
  bool newstyle = options->i18n == Options::I18n::newstyle;
  if (referenced.empty() && !newstyle) {  // no variables in the text: no escaping of %
    singular = str::replace_all(singular, "%%", "%");
    if (plural) *plural = str::replace_all(*plural, "%%", "%");
  }
  std::string function = "gettext";
  auto call = std::make_unique<CallExpr>(p, nullptr);
  if (context) {
    call->args.positional.push_back(std::make_unique<ConstExpr>(p, Value(*context)));
    function = "p" + function;
  }
  call->args.positional.push_back(std::make_unique<ConstExpr>(p, Value(singular)));
  if (plural) {
    function = "n" + function;
    call->args.positional.push_back(std::make_unique<ConstExpr>(p, Value(*plural)));
    call->args.positional.push_back(std::move(count));
  }
  call->callee = std::make_unique<NameExpr>(p, function);
  ExprPtr node;
  if (newstyle) {
    for (auto& v : variables)
      if (!(num_called_num && v.name == "num")) call->args.keywords.emplace_back(v.name, std::move(v.value));
    call->args.seal();
    node = std::move(call);
  } else {
    call->args.seal();
    auto safe = std::make_unique<CallExpr>(p, std::make_unique<ConstExpr>(p, builtin("markup_if_autoescape", markup_if_autoescape)));
    safe->args.positional.push_back(std::move(call));
    safe->args.seal();
    node = std::move(safe);
    if (!variables.empty()) {
      auto dict = std::make_unique<SequenceExpr>(ExprKind::dict, p);
      for (auto& v : variables) {
        dict->items.push_back(std::make_unique<ConstExpr>(p, Value(v.name)));
        dict->items.push_back(std::move(v.value));
      }
      node = std::make_unique<BinaryExpr>(p, BinaryOp::mod, std::move(node), std::move(dict));
    }
  }
  if (assignment) into.push_back(std::move(assignment));
  into.push_back(std::make_unique<OutputStmt>(p, std::move(node)));
}

// ----- the gettext functions -----

namespace {

// Python's TypeError for a call of `function(self_or_context, *params)` with the wrong
// arguments.
void expect_arguments(const Args& args, const std::string& function, const std::vector<std::string>& params,
                      bool keywords) {
  std::size_t given = args.positional.size(), count = params.size();
  if (given > count)
    type_error(function + "() takes " + std::to_string(count + 1) + " positional arguments but " +
               std::to_string(given + 1) + " were given");
  if (given < count) {
    std::string names;
    for (std::size_t i = given; i < count; ++i)
      names += (i == given ? "" : count - given == 2 ? " and " : i + 1 == count ? ", and " : ", ") + string_repr(params[i]);
    type_error(function + "() missing " + std::to_string(count - given) + " required positional argument" +
               (count - given == 1 ? "" : "s") + ": " + names);
  }
  if (!keywords && !args.keywords.empty())
    type_error(function + "() got an unexpected keyword argument " + string_repr(args.keywords.front().first));
}

// gettext(message), ngettext(singular, plural, n), pgettext(context, message),
// npgettext(context, singular, plural, n).
struct GettextFunction {
  const char* name;
  bool context, plural;
  std::vector<std::string> params, newstyle_params;  // as NullTranslations and Jinja2's wrappers name them
};
const GettextFunction gettext_functions[] = {
    {"gettext", false, false, {"message"}, {"__string"}},
    {"ngettext", false, true, {"msgid1", "msgid2", "n"}, {"__singular", "__plural", "__num"}},
    {"pgettext", true, false, {"context", "message"}, {"__string_ctx", "__string"}},
    {"npgettext", true, true, {"context", "msgid1", "msgid2", "n"}, {"__string_ctx", "__singular", "__plural", "__num"}}};

// The function `f` of the null translations: the message itself; of two, the singular when
// n == 1. New style (Jinja2's _make_new_gettext and its kin): the text as Markup under
// autoescape, formatted with the keyword arguments, plus `context` and `num` unless given.
Value null_gettext(Interp& in, const Args& args, const GettextFunction& f, bool newstyle) {
  std::size_t message = f.context ? 1 : 0;
  if (newstyle)
    expect_arguments(args, "_make_new_" + std::string(f.name) + ".<locals>." + f.name, f.newstyle_params, true);
  else
    expect_arguments(args, "NullTranslations." + std::string(f.name), f.params, false);
  Value text = !f.plural || in.equal(args.positional[message + 2], Value(1)) ? args.positional[message]
                                                                              : args.positional[message + 1];
  if (!newstyle) return text;
  Dict variables;
  for (const auto& [name, value] : args.keywords) variables.set(Value(name), value);
  if (f.context && !variables.contains(Value("context"))) variables.set(Value("context"), args.positional[0]);
  if (f.plural && !variables.contains(Value("num"))) variables.set(Value("num"), args.positional[message + 2]);
  if (in.eval_autoescape && !text.is_markup()) text = Value::markup(in.to_str(text));
  return binary(BinaryOp::mod, text, Value::dict(std::move(variables)));
}

}  // namespace

Dict with_i18n_globals(const Dict& globals, Options::I18n mode) {
  Dict g = globals;
  if (mode == Options::I18n::off) return g;
  // `_` calls whatever `gettext` is when it runs (Jinja2 resolves it in the context; slap
  // in the globals).
  g.set(Value("_"), builtin("_gettext_alias", [](Interp& in, Args& args) {
          const Value* gettext = in.globals().find(std::string_view("gettext"));
          Value callee = gettext ? *gettext : in.undefined_name("gettext");
          return in.call(callee, args);
        }));
  if (mode == Options::I18n::on) return g;
  bool newstyle = mode == Options::I18n::newstyle;
  for (const auto& f : gettext_functions)
    g.set(Value(f.name), builtin(f.name, [&f, newstyle](Interp& in, Args& args) { return null_gettext(in, args, f, newstyle); }));
  return g;
}

}  // namespace slap::tmpl
