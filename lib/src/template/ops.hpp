// Python operators on values: arithmetic with Python's int/float rules (floor division and
// modulo take the divisor's sign), ordering, indexing and slicing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "ast.hpp"

namespace slap::tmpl {

Value binary(BinaryOp op, const Value& a, const Value& b);
Value negate(const Value& v);
Value positive(const Value& v);
// Python's bitwise operators (Python mode, python_eval.cpp): | ^ & << >> on ints and
// bools, | & ^ on sets, | on dicts; ~ on ints.
Value bitwise(BinaryOp op, const Value& a, const Value& b);
// TypeError "unsupported operand type(s) for +: 'int' and 'str'".
[[noreturn]] void unsupported_operands(BinaryOp op, const Value& a, const Value& b);
Value invert(const Value& v);

// a < b, or TypeError "'<' not supported between instances of 'int' and 'str'".
bool less(const Value& a, const Value& b);
// Python's three-way ordering used by sorted(): -1, 0 or 1.
int compare(const Value& a, const Value& b);

// Sorts `items` by `keys` (same length) with Python's stable sort; reverse keeps equal
// items in their original order, as Python does.
void sort_by_keys(std::vector<Value>& items, const std::vector<Value>& keys, bool reverse);
// sort_by_keys() where each item's key is the list of `width` values at keys[i * width]:
// the same order, without a list per item.
void sort_by_key_rows(std::vector<Value>& items, const std::vector<Value>& keys, std::size_t width, bool reverse);
// The order sort_by_keys() puts items in: the position of the first item of the result,
// then of the second...
std::vector<std::size_t> sort_order(const std::vector<Value>& keys, bool reverse);
// sort_order() of str keys, compared where they are.
std::vector<std::size_t> sort_order(std::vector<std::string_view> keys, bool reverse);
// TypeError "unhashable type: 'list'" for values that cannot be dict keys or set members.
void require_hashable(const Value& v);

// int or bool as an index.
std::optional<std::int64_t> index_of(const Value& v);
// obj[i] for str/list/tuple (negative from the end); nullopt when out of range.
std::optional<Value> item_at(const Value& obj, std::int64_t i);
// Python's PySlice_AdjustIndices for a sequence of n items: {first index, end, step};
// ValueError for a zero step.
std::array<std::int64_t, 3> adjust_slice(std::int64_t n, std::optional<std::int64_t> start,
                                         std::optional<std::int64_t> stop, std::optional<std::int64_t> step);
Value slice(const Value& obj, std::optional<std::int64_t> start, std::optional<std::int64_t> stop,
            std::optional<std::int64_t> step);

// How Jinja2 names a value's type in messages: "'dict object'", "'None'" (quotes included
// when `quoted`).
std::string object_type_repr(const Value& v);

[[noreturn]] void raise_undefined_hint(const Value& undefined);

// Python int(): from int/bool/float, or a string in `base` (0 = by prefix).
Value to_int(const Value& v, int base = 10);
Value to_float(const Value& v);
// Number as double (bool, int, float); precondition is_number().
double number(const Value& v);

}  // namespace slap::tmpl
