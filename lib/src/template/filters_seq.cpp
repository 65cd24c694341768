// Filters over sequences and mappings (join, map, select*, sort, dictsort, ...).
#include <deque>
#include <random>

#include "bigint.hpp"
#include "builtins.hpp"
#include "errors.hpp"
#include "filters.hpp"
#include "interp.hpp"
#include "markup.hpp"
#include "methods.hpp"
#include "ops.hpp"
#include "slap/strings.hpp"
#include "text.hpp"

namespace slap::tmpl {

AttributeGetter::AttributeGetter(const Value& attribute) {
  auto add = [&](Value key) {
    std::size_t hash = key.is_string() ? std::hash<std::string_view>{}(key.as_string()) : 0;
    parts_.push_back(Part{std::move(key), hash});
  };
  if (attribute.is_none()) return;
  std::string_view path = attribute.is_string() ? std::string_view(attribute.as_string()) : std::string_view();
  auto digits = [](std::string_view part) { return !part.empty() && part.find_first_not_of("0123456789") == std::string_view::npos; };
  if (!attribute.is_string() || (path.find('.') == std::string_view::npos && !digits(path))) {
    add(attribute);
    return;
  }
  while (true) {
    std::size_t dot = path.find('.');
    std::string_view part = path.substr(0, dot);
    add(digits(part) ? to_int(Value(part)) : Value(part));
    if (dot == std::string_view::npos) return;
    path.remove_prefix(dot + 1);
  }
}

const Value& AttributeGetter::ref(Interp& in, const Value& item, Value& scratch) const {
  const Value* at = &item;
  for (const auto& part : parts_) {
    if (at->is_dict() && part.key.is_string()) {
      if (const Value* hit = at->as_dict().find(part.key.as_string(), part.hash)) {
        at = hit;
        continue;
      }
    }
    Value next = in.getitem(*at, part.key);  // made before scratch, which *at may be in, is replaced
    scratch = std::move(next);
    at = &scratch;
  }
  return *at;
}

Value AttributeGetter::operator()(Interp& in, const Value& item) const {
  Value scratch;
  const Value& r = ref(in, item, scratch);
  return &r == &scratch ? std::move(scratch) : r;
}

namespace {

// Items of a filter's subject; Jinja2's `if value:` guard makes a false subject empty.
std::vector<Value> guarded_items(Interp& in, const Value& v) {
  if (!in.truth(v)) return {};
  return in.iterate(v);
}

Value sf_join(Interp& in, const Value& v, const Args& args) {
  auto a = bind_args(args, "join", SLAP_PARAMS({"d", Value("")}, {"attribute", Value()}), 0);
  if (in.autoescape) {
    std::vector<Value> parts;
    AttributeGetter get(a[1]);
    for (const auto& item : in.iterate(v)) parts.push_back(get(in, item));
    return markup_join(in, parts, a[0]);
  }
  std::string sep_text;
  const std::string& sep = a[0].is_string() ? a[0].as_string() : (sep_text = in.to_str(a[0]));
  std::string out;
  std::vector<Value> iterated;
  std::span<const Value> items = v.is_list() || v.is_tuple() ? v.items() : std::span<const Value>(iterated = in.iterate(v));
  std::optional<AttributeGetter> get;
  if (!a[1].is_none()) get.emplace(a[1]);
  Value scratch;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) append_bytes(out, sep);
    in.append_text(out, get ? get->ref(in, items[i], scratch) : items[i]);
  }
  return Value(std::move(out));
}

Value sf_list(Interp& in, const Value& v, const Args& args) {
  no_args(args, "list");
  return Value::list(in.iterate(v));
}

Value sf_length(Interp& in, const Value& v, const Args& args) {
  no_args(args, "length");
  return Value(length_of(in, v));
}

Value sf_dictsort(Interp& in, const Value& v, const Args& args) {
  auto a = bind_args(args, "dictsort",
                     SLAP_PARAMS({"case_sensitive", Value(false)}, {"by", Value("key")}, {"reverse", Value(false)}), 0);
  std::string by = a[1].str();
  if (by != "key" && by != "value") raise("FilterArgumentError", "You can only sort by either \"key\" or \"value\"");
  bool fold = !in.truth(a[0]), by_key = by == "key";
  // A dict's entries are read where they are, and a pair made for each once, in order;
  // another mapping's items() are sorted.
  const std::vector<Dict::Entry>* entries = v.is_dict() ? &v.as_dict().entries() : nullptr;
  std::vector<Value> pairs;
  if (!entries) {
    Value items = in.getattr(v, "items");
    Args none;
    pairs = in.iterate(in.call(items, none));
  }
  std::size_t n = entries ? entries->size() : pairs.size();
  auto key = [&](std::size_t i) -> const Value& {
    return entries ? (by_key ? (*entries)[i].key : (*entries)[i].value) : pairs[i].items()[by_key ? 0 : 1];
  };
  // The usual keys, str, are compared where they are; lowered copies are made only of the
  // keys that lower() changes (a deque does not move them as it grows).
  std::deque<std::string> lowered;
  std::vector<std::string_view> views;
  views.reserve(n);
  for (std::size_t i = 0; i < n && key(i).is_string(); ++i) {
    const std::string& k = key(i).as_string();
    views.emplace_back(fold && !is_folded(k) ? std::string_view(lowered.emplace_back(str::py_lower(k))) : std::string_view(k));
  }
  std::vector<std::size_t> order;
  if (views.size() == n) {
    order = sort_order(std::move(views), in.truth(a[2]));
  } else {
    std::vector<Value> keys;
    keys.reserve(n);
    for (std::size_t i = 0; i < n; ++i) keys.push_back(fold ? fold_case(key(i)) : key(i));
    order = sort_order(keys, in.truth(a[2]));
  }
  std::vector<Value> sorted;
  sorted.reserve(n);
  for (std::size_t i : order)
    sorted.push_back(entries ? Value::pair((*entries)[i].key, (*entries)[i].value) : std::move(pairs[i]));
  return Value::list(std::move(sorted));
}

// The key of `item` for sort/unique/min/max: its attribute, lowercased unless case_sensitive.
Value sort_key(Interp& in, const Value& item, const AttributeGetter& get, bool fold) {
  if (!fold) return get(in, item);
  Value scratch;
  return fold_case(get.ref(in, item, scratch));
}

Value sf_sort(Interp& in, const Value& v, const Args& args) {
  auto a = bind_args(args, "sort",
                     SLAP_PARAMS({"reverse", Value(false)}, {"case_sensitive", Value(false)}, {"attribute", Value()}), 0);
  std::vector<Value> items = in.iterate(v);
  std::vector<Value> keys;
  bool fold = !in.truth(a[1]);
  if (a[2].is_string() && a[2].as_string().find(',') != std::string::npos) {
    // "a,b": a row of keys per item (compared as lists), the attribute split once.
    std::vector<AttributeGetter> attributes;
    for (const auto& attribute : str::split(a[2].as_string(), ",")) attributes.emplace_back(Value(attribute));
    keys.reserve(items.size() * attributes.size());
    for (const auto& item : items)
      for (const auto& get : attributes) keys.push_back(sort_key(in, item, get, fold));
    sort_by_key_rows(items, keys, attributes.size(), in.truth(a[0]));
    return Value::list(std::move(items));
  }
  keys.reserve(items.size());
  AttributeGetter get(a[2]);
  for (const auto& item : items) keys.push_back(sort_key(in, item, get, fold));
  sort_by_keys(items, keys, in.truth(a[0]));
  return Value::list(std::move(items));
}

Value sf_unique(Interp& in, const Value& v, const Args& args) {
  auto a = bind_args(args, "unique", SLAP_PARAMS({"case_sensitive", Value(false)}, {"attribute", Value()}), 0);
  Dict seen;
  std::vector<Value> out;
  AttributeGetter get(a[1]);
  for (auto& item : in.iterate(v)) {
    Value k = sort_key(in, item, get, !in.truth(a[0]));
    require_hashable(k);
    if (seen.contains(k)) continue;
    seen.set(k, Value());
    out.push_back(std::move(item));
  }
  return make_iterator("generator", std::move(out));
}

Value extreme(Interp& in, const Value& v, const Args& args, const char* name, bool want_max) {
  if (args.positional.empty() && args.keywords.empty() && (v.is_list() || v.is_tuple())) {
    // max(x) / min(x): str keys compare folded, the rest as they are.
    std::span<const Value> items = v.items();
    if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
    std::size_t best = 0;
    for (std::size_t i = 1; i < items.size(); ++i) {
      const Value& x = items[i];
      const Value& b = items[best];
      bool better = x.is_string() || b.is_string() ? (want_max ? less(fold_case(b), fold_case(x)) : less(fold_case(x), fold_case(b)))
                                                   : (want_max ? less(b, x) : less(x, b));
      if (better) best = i;
    }
    return items[best];
  }
  auto a = bind_args(args, name, SLAP_PARAMS({"case_sensitive", Value(false)}, {"attribute", Value()}), 0);
  std::vector<Value> iterated;
  std::span<const Value> items = v.is_list() || v.is_tuple() ? v.items() : std::span<const Value>(iterated = in.iterate(v));
  if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
  std::size_t best = 0;
  AttributeGetter get(a[1]);
  bool fold = !in.truth(a[0]);
  Value best_key = sort_key(in, items[0], get, fold);
  for (std::size_t i = 1; i < items.size(); ++i) {
    Value k = sort_key(in, items[i], get, fold);
    if (want_max ? less(best_key, k) : less(k, best_key)) {
      best = i;
      best_key = std::move(k);
    }
  }
  return items[best];
}

Value sf_min(Interp& in, const Value& v, const Args& args) { return extreme(in, v, args, "min", false); }
Value sf_max(Interp& in, const Value& v, const Args& args) { return extreme(in, v, args, "max", true); }

Value sf_map(Interp& in, const Value& v, const Args& args) {
  std::vector<Value> out;
  std::vector<Value> items = guarded_items(in, v);
  if (args.positional.empty() && args.keyword("attribute")) {
    Value attribute = *args.keyword("attribute");
    const Value* dflt = args.keyword("default");
    for (const auto& [k, val] : args.keywords)
      if (k != "attribute" && k != "default") raise("FilterArgumentError", "Unexpected keyword argument '" + k + "'");
    AttributeGetter get(attribute);
    for (const auto& item : items) {
      Value scratch;
      const Value& r = get.ref(in, item, scratch);
      out.push_back(dflt && !dflt->is_none() && r.is_undefined() ? *dflt : r);
    }
    return make_iterator("generator", std::move(out));
  }
  if (args.positional.empty()) raise("FilterArgumentError", "map requires a filter argument");
  Value name = args.positional[0];
  Args rest{{args.positional.begin() + 1, args.positional.end()}, args.keywords};
  for (const auto& item : items) out.push_back(call_filter(in, name, item, rest));
  return make_iterator("generator", std::move(out));
}

Value select_or_reject(Interp& in, const Value& v, const Args& args, bool select, bool by_attr) {
  std::vector<Value> out;
  std::vector<Value> items = guarded_items(in, v);
  if (items.empty()) return make_iterator("generator", {});
  std::size_t off = by_attr ? 1 : 0;
  if (by_attr && args.positional.empty()) raise("FilterArgumentError", "Missing parameter for attribute name");
  bool has_test = args.positional.size() > off;
  Args rest{{args.positional.begin() + static_cast<std::ptrdiff_t>(has_test ? off + 1 : off), args.positional.end()},
            args.keywords};
  std::optional<AttributeGetter> get;
  if (by_attr) get.emplace(args.positional[0]);
  for (auto& item : items) {
    Value subject = get ? (*get)(in, item) : item;
    bool ok;
    if (has_test) {
      ok = call_test(in, args.positional[off], subject, rest);
    } else {
      ok = in.truth(subject);
    }
    if (ok == select) out.push_back(std::move(item));
  }
  return make_iterator("generator", std::move(out));
}

Value sf_select(Interp& in, const Value& v, const Args& args) { return select_or_reject(in, v, args, true, false); }
Value sf_reject(Interp& in, const Value& v, const Args& args) { return select_or_reject(in, v, args, false, false); }
Value sf_selectattr(Interp& in, const Value& v, const Args& args) { return select_or_reject(in, v, args, true, true); }
Value sf_rejectattr(Interp& in, const Value& v, const Args& args) { return select_or_reject(in, v, args, false, true); }

Value sf_first(Interp& in, const Value& v, const Args& args) {
  no_args(args, "first");
  if (v.is_list() || v.is_tuple()) {
    if (v.items().empty()) return Value::undefined("No first item, sequence was empty.");
    return v.items().front();
  }
  std::vector<Value> items = in.iterate(v);
  if (items.empty()) return Value::undefined("No first item, sequence was empty.");
  return items.front();
}

// random.choice(seq); an empty one gives an undefined value, as in Jinja2.
Value sf_random(Interp& in, const Value& v, const Args& args) {
  no_args(args, "random");
  std::vector<Value> items = in.iterate(v);
  if (items.empty()) return Value::undefined("No random item, sequence was empty.");
  static std::mt19937_64 engine{std::random_device{}()};
  return items[std::uniform_int_distribution<std::size_t>(0, items.size() - 1)(engine)];
}

Value sf_last(Interp& in, const Value& v, const Args& args) {
  no_args(args, "last");
  if (v.is_object() && !v.as_object()->length()) type_error("'" + v.type_name() + "' object is not reversible");
  if (v.is_list() || v.is_tuple()) {
    if (v.items().empty()) return Value::undefined("No last item, sequence was empty.");
    return v.items().back();
  }
  std::vector<Value> items = in.iterate(v);
  if (items.empty()) return Value::undefined("No last item, sequence was empty.");
  return items.back();
}

Value sf_sum(Interp& in, const Value& v, const Args& args) {
  auto a = bind_args(args, "sum", SLAP_PARAMS({"attribute", Value()}, {"start", Value(0)}), 0);
  Value total = a[1];
  AttributeGetter get(a[0]);
  Value scratch;
  for (const auto& item : in.iterate(v)) total = binary(BinaryOp::add, total, get.ref(in, item, scratch));
  return total;
}

Value sf_batch(Interp& in, const Value& v, const Args& args) {
  auto a = bind_args(args, "batch", SLAP_PARAMS({"linecount", Value()}, {"fill_with", Value()}), 1);
  // Jinja2 yields a row when its length equals linecount: never for a big int, an empty
  // first row for 0. The last row is filled up to linecount.
  const BigInt* big = big_int(a[0]);
  std::int64_t n = big ? 0 : int_arg(a[0]);
  auto full = [&](std::size_t size) { return !big && static_cast<std::int64_t>(size) == n; };
  std::vector<Value> out, row;
  for (auto& item : in.iterate(v)) {
    if (full(row.size())) {
      out.push_back(Value::list(std::move(row)));
      row.clear();
    }
    row.push_back(std::move(item));
  }
  if (!row.empty()) {
    // Jinja2 adds [fill_with] * (linecount - len(row)): nothing when that is negative.
    if (!a[1].is_none() && big) raise("OverflowError", "cannot fit 'int' into an index-sized integer");
    if (!a[1].is_none() && static_cast<std::int64_t>(row.size()) < n) {
      if (n > max_value_size / static_cast<std::int64_t>(sizeof(Value))) memory_error();
      row.resize(static_cast<std::size_t>(n), a[1]);
    }
    out.push_back(Value::list(std::move(row)));
  }
  return make_iterator("generator", std::move(out));
}

Value sf_slice(Interp& in, const Value& v, const Args& args) {
  auto a = bind_args(args, "slice", SLAP_PARAMS({"slices", Value()}, {"fill_with", Value()}), 1);
  std::vector<Value> seq = in.iterate(v);
  std::int64_t count = int_arg(a[0]);
  if (count == 0) raise("ZeroDivisionError", "integer division or modulo by zero");
  if (count < 0) return Value::list();  // range(slices) is empty
  auto slices = static_cast<std::size_t>(std::max<std::int64_t>(0, count));
  std::size_t per = seq.size() / slices, extra = seq.size() % slices, offset = 0;
  std::vector<Value> out;
  for (std::size_t k = 0; k < slices; ++k) {
    std::size_t start = offset + k * per;
    if (k < extra) ++offset;
    std::size_t end = offset + (k + 1) * per;
    std::vector<Value> part(seq.begin() + static_cast<std::ptrdiff_t>(start), seq.begin() + static_cast<std::ptrdiff_t>(end));
    if (!a[1].is_none() && k >= extra) part.push_back(a[1]);
    out.push_back(Value::list(std::move(part)));
  }
  return make_iterator("generator", std::move(out));
}

Value sf_items(Interp& in, const Value& v, const Args& args) {
  no_args(args, "items");
  if (v.is_undefined()) return make_iterator("generator", {});
  if (!v.is_dict()) type_error("Can only get item pairs from a mapping.");
  Args none;
  return make_iterator("generator", in.iterate(in.call(in.getattr(v, "items"), none)));
}

Value sf_reverse(Interp& in, const Value& v, const Args& args) {
  no_args(args, "reverse");
  if (v.is_string()) return slice(v, std::nullopt, std::nullopt, -1);
  std::vector<Value> items = in.iterate(v);
  std::reverse(items.begin(), items.end());
  return make_iterator("list_reverseiterator", std::move(items));
}

Value sf_groupby(Interp& in, const Value& v, const Args& args) {
  auto a = bind_args(args, "groupby", SLAP_PARAMS({"attribute", Value()}, {"default", Value()}, {"case_sensitive", Value(false)}), 1);
  bool fold = !in.truth(a[2]);
  std::vector<Value> items = in.iterate(v);
  AttributeGetter get(a[0]);
  auto key_of = [&](const Value& item, bool folded) {
    Value scratch;
    const Value* k = &get.ref(in, item, scratch);
    if (k->is_undefined() && !a[1].is_none()) k = &a[1];
    return folded ? fold_case(*k) : *k;
  };
  std::vector<Value> keys;
  keys.reserve(items.size());
  for (const auto& item : items) keys.push_back(key_of(item, fold));
  // One sort gives the order of both the items and their keys.
  std::vector<std::size_t> order = sort_order(keys, false);
  std::vector<Value> out;
  std::size_t i = 0;
  while (i < order.size()) {
    const Value& key = keys[order[i]];
    std::size_t j = i + 1;
    while (j < order.size() && keys[order[j]] == key) ++j;
    std::vector<Value> group;
    group.reserve(j - i);
    for (std::size_t k = i; k < j; ++k) group.push_back(std::move(items[order[k]]));
    Value grouper = key_of(group.front(), false);
    out.push_back(Value::named_tuple({grouper, Value::list(std::move(group))}, {"grouper", "list"}));
    i = j;
  }
  return Value::list(std::move(out));
}

}  // namespace

const FilterFn sequence_filters[] = {
    {"join", sf_join}, {"list", sf_list}, {"length", sf_length}, {"count", sf_length}, {"dictsort", sf_dictsort},
    {"sort", sf_sort}, {"unique", sf_unique}, {"min", sf_min}, {"max", sf_max}, {"map", sf_map},
    {"select", sf_select}, {"reject", sf_reject}, {"selectattr", sf_selectattr}, {"rejectattr", sf_rejectattr},
    {"first", sf_first}, {"last", sf_last}, {"random", sf_random}, {"sum", sf_sum}, {"batch", sf_batch}, {"slice", sf_slice},
    {"items", sf_items}, {"reverse", sf_reverse}, {"groupby", sf_groupby},
};
const std::size_t sequence_filter_count = std::size(sequence_filters);

}  // namespace slap::tmpl
