// Expression evaluation.
#include "bigint.hpp"
#include "block_cache.hpp"
#include "builtins.hpp"
#include "errors.hpp"
#include "interp.hpp"
#include "markup.hpp"
#include "methods.hpp"
#include "ops.hpp"
#include "pyformat.hpp"
#include "registry.hpp"

namespace slap::tmpl {

void locate(Error& e, const Scope& scope, Pos pos) {
  if (!e.where.file.empty() || pos.line == 0) return;
  e.where.file = scope.root && scope.root->tmpl ? scope.root->tmpl->name : std::string();
  e.where.line = pos.line;
  e.where.column = pos.column;
}

namespace {

std::optional<std::int64_t> slice_bound(Interp& in, const ExprPtr& e, const ScopePtr& scope) {
  if (!e) return std::nullopt;
  Value v = in.eval(*e, scope);
  if (v.is_none()) return std::nullopt;
  auto i = index_of(v);
  if (const BigInt* big = i ? nullptr : big_int(v)) return big->negative() ? INT64_MIN : INT64_MAX;  // Python clamps
  if (!i) type_error("slice indices must be integers or None or have an __index__ method");
  return i;
}

}  // namespace

// `x.name is defined` / `is undefined`: the test of an attribute, where a missing key of a
// dict answers without making the Undefined the attribute would evaluate to.
static const TestFn* defined_test() {
  static const TestFn* const defined = find_test("defined");
  return defined;
}

bool Interp::is_definedness(const TestExpr& t) {
  static const TestFn* const undefined = find_test("undefined");
  return (t.fn == defined_test() || t.fn == undefined) && t.args.positional.empty() && t.args.keywords.empty() &&
         !t.args.star_args && !t.args.star_kwargs;
}

bool Interp::test_attribute(const TestExpr& t, const ScopePtr& scope) {
  const auto& g = static_cast<const GetattrExpr&>(*t.subject);
  bool defined;
  try {
    Value scratch;
    const Value& obj = eval_ref(*g.object, scope, scratch);
    if (obj.is_dict() && !g.methods.dict) {
      const Value* v = obj.as_dict().find(g.attr, g.hash, g.position_hint);
      defined = v && !v->is_undefined();
    } else {
      defined = !getattr(obj, g).is_undefined();
    }
  } catch (Error& err) {
    locate(err, *scope, g.pos);
    throw;
  }
  return defined == (t.fn == defined_test());
}

Value Interp::eval_slice(const Value& obj, const SliceExpr& s, const ScopePtr& scope) {
  auto start = slice_bound(*this, s.start, scope);
  auto stop = slice_bound(*this, s.stop, scope);
  auto step = slice_bound(*this, s.step, scope);
  if (obj.is_undefined()) raise_undefined(obj);
  if (auto r = range_slice(obj, start, stop, step)) return std::move(*r);
  if (!obj.is_string() && !obj.is_list() && !obj.is_tuple())
    return Value::undefined(obj.type_name() + " object has no element slice");
  Value r = slice(obj, start, stop, step);
  return obj.is_markup() ? Value::markup(r.as_string()) : r;
}

Args Interp::eval_args(const CallArgs& a, const ScopePtr& scope) {
  Args args;
  eval_args(a, scope, args);
  return args;
}

void Interp::eval_args(const CallArgs& a, const ScopePtr& scope, Args& args) {
  args.positional.reserve(a.positional.size());
  for (const auto& e : a.positional) args.positional.push_back(eval_copy(*e, scope));
  if (a.star_args)
    for (auto& v : iterate(eval(*a.star_args, scope))) args.positional.push_back(std::move(v));
  for (const auto& [k, e] : a.keywords) args.keywords.emplace_back(k, eval(*e, scope));
  if (a.star_kwargs) {
    Value kw = eval(*a.star_kwargs, scope);
    if (kw.is_undefined()) raise_undefined(kw);
    if (!kw.is_dict()) type_error("argument after ** must be a mapping, not " + kw.type_name());
    for (const auto& e : kw.as_dict()) {
      if (!e.key.is_string()) type_error("keywords must be strings");
      args.keywords.emplace_back(e.key.as_string(), e.value);
    }
  }
}

const Value& Interp::eval_ref(const Expr& e, const ScopePtr& scope, Value& scratch) {
  if (e.kind == ExprKind::constant) return static_cast<const ConstExpr&>(e).value;
  if (e.kind == ExprKind::filter) {
    const auto& f = static_cast<const FilterExpr&>(e);
    if (f.plain_default) {
      const Value& subject = eval_ref(*f.subject, scope, scratch);
      if (!subject.is_undefined()) return subject;
      Value r = apply_filter(f, subject, f.args.values, scope);  // made before scratch, which subject may be, is replaced
      scratch = std::move(r);
      return scratch;
    }
    if (f.args.constant && f.subject->kind != ExprKind::list) {  // eval()'s case, one call less
      Value held;
      scratch = apply_filter(f, eval_ref(*f.subject, scope, held), f.args.values, scope);
      return scratch;
    }
  }
  if (e.kind == ExprKind::name) {
    const auto& n = static_cast<const NameExpr&>(e);
    if (const Value* v = find_variable(n, *scope)) return *v;
  } else if (e.kind == ExprKind::getattr) {
    const auto& g = static_cast<const GetattrExpr&>(e);
    try {
      const Value& obj = eval_ref(*g.object, scope, scratch);
      // An item of a variable's value, or of the temporary in scratch: alive either way.
      if (const Value* v = attr_ref(obj, g)) return *v;
      Value r = getattr(obj, g);
      scratch = std::move(r);
      return scratch;
    } catch (Error& err) {
      locate(err, *scope, e.pos);
      throw;
    }
  }
  scratch = eval(e, scope);
  return scratch;
}

Value Interp::call_attr(const Value& obj, const GetattrExpr& g, const CallArgs& a, const ScopePtr& scope) {
  if (!obj.is_object() && !obj.is_undefined()) {
    if (MethodFn m = g.methods.of(obj)) {
      if (a.constant && !obj.is_markup()) return m(*this, obj, a.values);
      PooledArgs pooled(*this);
      Args& args = *pooled;
      eval_args(a, scope, args);
      if (obj.is_markup() && markup_wraps_method(g.attr)) {
        escape_arguments(*this, g.attr, args);
        Value r = m(*this, obj, args);
        return r.is_string() ? Value::markup(r.as_string()) : r;
      }
      return m(*this, obj, args);
    }
  }
  Value fn = getattr(obj, g);
  PooledArgs pooled(*this);
  eval_args(a, scope, *pooled);
  return call(fn, *pooled);
}

namespace {

// write(to), where a failure leaves `to` as it was: nothing of a failed format is output.
template <class Write>
void write_whole(std::string& to, Write&& write) {
  std::size_t size = to.size();
  try {
    write(to);
  } catch (...) {
    to.resize(size);
    throw;
  }
}

}  // namespace

void Interp::format_call(const CallExpr& c, const ScopePtr& scope, std::string& to) {
  PooledArgs pooled(*this);
  eval_args(c.args, scope, *pooled);
  write_whole(to, [&](std::string& s) { str_format_into(s, *c.format, *pooled); });
}

bool Interp::print_format(const CallExpr& c, const ScopePtr& scope) {
  if (!c.format || autoescape) return false;
  format_call(c, scope, *out);
  return true;
}

Value Interp::formatted_call(const CallExpr& c, const ScopePtr& scope) {
  std::string text;
  format_call(c, scope, text);
  return Value(std::move(text));
}

Value Interp::eval_call(const CallExpr& c, const ScopePtr& scope) {
  if (c.format) return formatted_call(c, scope);  // 'fmt'.format(...) with fmt compiled
  // obj.method(...) on built-in values skips creating a bound method.
  if (c.callee->kind == ExprKind::getattr) {
    const auto& g = static_cast<const GetattrExpr&>(*c.callee);
    // The object by reference when nothing can change it before the call: a variable (no
    // expression rebinds one), or a string with arguments that run no code.
    Value scratch;
    bool by_name = g.object->kind == ExprKind::name;
    if (g.object->kind == ExprKind::constant)  // '{}:{}'.format(...): nothing changes a constant
      return call_attr(static_cast<const ConstExpr&>(*g.object).value, g, c.args, scope);
    const Value* held = by_name || c.args.constant ? &eval_ref(*g.object, scope, scratch) : nullptr;
    if (held && held != &scratch && !by_name && !held->is_string()) held = &(scratch = *held);
    return call_attr(held ? *held : (scratch = eval(*g.object, scope)), g, c.args, scope);
  }
  Value fn = eval(*c.callee, scope);
  PooledArgs pooled(*this);
  eval_args(c.args, scope, *pooled);
  return call(fn, *pooled);
}

Value Interp::eval_filter(const FilterExpr& f, const Value& subject, const ScopePtr& scope) {
  if (f.args.constant) return apply_filter(f, subject, f.args.values, scope);
  PooledArgs pooled(*this);
  eval_args(f.args, scope, *pooled);
  return apply_filter(f, subject, *pooled, scope);
}

Value Interp::apply_filter(const FilterExpr& f, const Value& subject, const Args& args, const ScopePtr& scope) {
  try {
    if (!f.fn) raise("TemplateRuntimeError", "No filter named '" + f.name + "' found.");
    return f.fn->fn(*this, subject, args);
  } catch (Error& e) {
    locate(e, *scope, f.pos);
    throw;
  }
}

Value Interp::filter_list_literal(const FilterExpr& f, const ScopePtr& scope) {
  std::shared_ptr<ListData> data = std::move(spare_list_);  // an item's own literal gets none
  if (!data) data = std::allocate_shared<ListData>(CachedAllocator<ListData>());
  for (const auto& item : static_cast<const SequenceExpr&>(*f.subject).items) data->items.push_back(eval(*item, scope));
  Value result;
  {
    Value subject = Value::list(data);
    result = eval_filter(f, subject, scope);
  }
  if (data.use_count() == 1) {  // neither the result nor anything else holds the list
    data->items.clear();
    spare_list_ = std::move(data);
  }
  return result;
}

Value Interp::eval_compare(const CompareExpr& c, const ScopePtr& scope) {
  Value left = eval(*c.first, scope);
  for (const auto& [op, expr] : c.rest) {
    Value right = eval(*expr, scope);
    bool ok;
    switch (op) {
      case CompareOp::eq: ok = equal(left, right); break;
      case CompareOp::ne: ok = !equal(left, right); break;
      case CompareOp::lt: ok = compare(left, right) < 0; break;
      case CompareOp::le: ok = compare(left, right) <= 0; break;
      case CompareOp::gt: ok = compare(left, right) > 0; break;
      case CompareOp::ge: ok = compare(left, right) >= 0; break;
      case CompareOp::in: ok = contains(right, left); break;
      case CompareOp::not_in: ok = !contains(right, left); break;
      case CompareOp::is_: ok = left.same(right); break;
      case CompareOp::is_not: ok = !left.same(right); break;
    }
    if (!ok) return Value(false);
    left = std::move(right);
  }
  return Value(true);
}

void Interp::eval_format_items(const BinaryExpr& b, const ScopePtr& scope, std::vector<Value>& items) {
  for (const auto& item : static_cast<const SequenceExpr&>(*b.right).items) items.push_back(eval_copy(*item, scope));
  if (strict)
    for (const auto& item : items) use(item);
}

void Interp::format_percent(const BinaryExpr& b, const ScopePtr& scope, std::string& to) {
  PooledArgs pooled(*this);
  auto& items = (*pooled).positional;
  eval_format_items(b, scope, items);
  write_whole(to, [&](std::string& s) { percent_format_into(s, *b.format, items.data(), items.size()); });
}

bool Interp::print_format(const BinaryExpr& b, const ScopePtr& scope) {
  if (!b.format || autoescape) return false;
  format_percent(b, scope, *out);
  return true;
}

Value Interp::eval_binary(const BinaryExpr& b, const ScopePtr& scope) {
  if (b.format) {  // 'fmt' % (a, b) with fmt compiled
    std::string text;
    format_percent(b, scope, text);
    return Value(std::move(text));
  }
  Value l = eval(*b.left, scope);
  if (b.op == BinaryOp::mod && b.right->kind == ExprKind::tuple && l.is_string() && !l.is_markup()) {
    // 'fmt' % (a, b): the items are formatted from the pool, with no tuple made.
    PooledArgs pooled(*this);
    auto& items = (*pooled).positional;
    eval_format_items(b, scope, items);
    return Value(percent_format(l.as_string(), items.data(), items.size(), nullptr));
  }
  Value r = eval(*b.right, scope);
  if (strict && b.op == BinaryOp::mod && l.is_string()) {  // '%s' % x stringifies x
    use(r);
    if (r.is_tuple())
      for (const auto& item : r.items()) use(item);
  }
  return binary(b.op, l, r);
}

Value Interp::eval_literal(const SequenceExpr& e, const ScopePtr& scope) {
  if (e.kind == ExprKind::dict) {
    Dict d;
    for (std::size_t i = 0; i + 1 < e.items.size(); i += 2) {
      Value k = eval(*e.items[i], scope);
      if (k.is_list() || k.is_dict() || k.is_set()) type_error("unhashable type: '" + k.type_name() + "'");
      d.set(std::move(k), eval(*e.items[i + 1], scope));
    }
    return Value::dict(std::move(d));
  }
  std::vector<Value> items;
  items.reserve(e.items.size());
  for (const auto& item : e.items) items.push_back(eval(*item, scope));
  return e.kind == ExprKind::list ? Value::list(std::move(items)) : Value::tuple(std::move(items));
}

Value Interp::eval(const Expr& e, const ScopePtr& scope) {
  try {
    switch (e.kind) {
      case ExprKind::constant: return static_cast<const ConstExpr&>(e).value;
      case ExprKind::name: {
        const auto& n = static_cast<const NameExpr&>(e);
        const Value* v = find_variable(n, *scope);
        return v ? *v : undefined_name(n.name);
      }
      case ExprKind::getattr: {
        const auto& g = static_cast<const GetattrExpr&>(e);
        Value scratch;
        return getattr(eval_ref(*g.object, scope, scratch), g);
      }
      case ExprKind::getitem: {
        const auto& g = static_cast<const GetitemExpr&>(e);
        Value scratch;
        const Value& obj = eval_ref(*g.object, scope, scratch);
        if (g.key->kind == ExprKind::slice) return eval_slice(obj, static_cast<const SliceExpr&>(*g.key), scope);
        Value key_scratch;
        return getitem(obj, eval_ref(*g.key, scope, key_scratch));
      }
      case ExprKind::slice: type_error("a slice is only valid inside []");
      case ExprKind::call: return eval_call(static_cast<const CallExpr&>(e), scope);
      case ExprKind::filter: {
        const auto& f = static_cast<const FilterExpr&>(e);
        if (f.subject->kind == ExprKind::list) return filter_list_literal(f, scope);
        if (!f.args.constant) return eval_filter(f, eval(*f.subject, scope), scope);
        Value scratch;
        return eval_filter(f, eval_ref(*f.subject, scope, scratch), scope);
      }
      case ExprKind::test: {
        const auto& t = static_cast<const TestExpr&>(e);
        if (t.subject->kind == ExprKind::getattr && is_definedness(t)) return Value(test_attribute(t, scope));
        auto apply = [&](const Value& subject, const Args& args) {
          if (!t.fn) raise("TemplateRuntimeError", "No test named '" + t.name + "' found.");
          return Value(t.fn->fn(*this, subject, args));
        };
        Value scratch;
        if (t.args.constant) return apply(eval_ref(*t.subject, scope, scratch), t.args.values);
        scratch = eval(*t.subject, scope);
        PooledArgs pooled(*this);
        eval_args(t.args, scope, *pooled);
        return apply(scratch, *pooled);
      }
      case ExprKind::unary: {
        const auto& u = static_cast<const UnaryExpr&>(e);
        Value v = eval(*u.operand, scope);
        if (u.op == UnaryOp::not_) return Value(!truth(v));
        if (u.op == UnaryOp::invert) return invert(v);
        return u.op == UnaryOp::neg ? negate(v) : positive(v);
      }
      case ExprKind::binary: return eval_binary(static_cast<const BinaryExpr&>(e), scope);
      case ExprKind::logical: {
        const auto& l = static_cast<const LogicalExpr&>(e);
        Value left = eval(*l.left, scope);
        if (truth(left) != l.is_and) return left;
        return eval(*l.right, scope);
      }
      case ExprKind::concat: {
        if (autoescape) {
          std::vector<Value> parts;
          for (const auto& part : static_cast<const ConcatExpr&>(e).parts) parts.push_back(eval(*part, scope));
          return markup_join(*this, parts, Value(""));
        }
        std::string out;
        for (const auto& part : static_cast<const ConcatExpr&>(e).parts) {
          Value scratch;
          append_text(out, eval_ref(*part, scope, scratch));
        }
        return Value(std::move(out));
      }
      case ExprKind::compare: return eval_compare(static_cast<const CompareExpr&>(e), scope);
      case ExprKind::condition: {
        const auto& c = static_cast<const ConditionExpr&>(e);
        if (truth(eval(*c.test, scope))) return eval(*c.then, scope);
        if (c.otherwise) return eval(*c.otherwise, scope);
        return Value::lenient_undefined("the inline if-expression on line " + std::to_string(e.pos.line) +
                                " evaluated to false and no else section was defined.");
      }
      case ExprKind::list:
      case ExprKind::tuple:
      case ExprKind::dict: return eval_literal(static_cast<const SequenceExpr&>(e), scope);
      case ExprKind::lambda:
      case ExprKind::comprehension:
      case ExprKind::set: return eval_python_node(e, scope);
    }
  } catch (Error& err) {
    locate(err, *scope, e.pos);
    throw;
  }
  return Value();
}

}  // namespace slap::tmpl
