// Python string formatting: printf-style `%` (spec/templates.md counts 274 uses), the
// format-spec mini-language of format()/str.format(), and str.format() itself.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "slap/template.hpp"

namespace slap::tmpl {

// fmt % args: a tuple supplies positional arguments, a dict `%(name)s` lookups, anything
// else is the single argument.
std::string percent_format(std::string_view fmt, const Value& args);
// The same with the tuple's items given (`mapping`: the one argument, when it is a dict).
std::string percent_format(std::string_view fmt, const Value* items, std::size_t count, const Dict* mapping);

// A printf-style format parsed once (a template's constant 'fmt' in 'fmt' % (a, b)). Null
// when the format has a mapping key or a '*', or does not parse: percent_format() then
// formats it each time, and raises as Python does.
struct PercentFormat;
std::shared_ptr<const PercentFormat> compile_percent_format(std::string_view fmt);
// percent_format(fmt, items, count, nullptr), with fmt compiled, appended to `out`.
void percent_format_into(std::string& out, const PercentFormat& fmt, const Value* items, std::size_t count);

// A str.format() string parsed once (a template's constant 'fmt' in 'fmt'.format(...)):
// fields that name an argument (automatic, by position or by keyword), with a conversion
// and a spec that holds no field. Null for any other format: format_method() then formats
// it each time, and raises as Python does.
struct StrFormat;
std::shared_ptr<const StrFormat> compile_str_format(std::string_view fmt);
// fmt.format(*args, **kwargs), with fmt compiled, appended to `out`.
void str_format_into(std::string& out, const StrFormat& fmt, const Args& args);

// format(value, spec).
std::string format_value(const Value& v, std::string_view spec);

// fmt.format(*args, **kwargs); `step` evaluates the `.attr` / `[key]` parts of a field.
// mapping_only: fmt.format_map(kwargs), where a field naming a position is a ValueError.
using FieldStep = std::function<Value(const Value& obj, const Value& key, bool is_item)>;
std::string format_method(std::string_view fmt, const Args& args, const FieldStep& step, bool mapping_only = false);

}  // namespace slap::tmpl
