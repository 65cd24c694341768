// markupsafe as Jinja2 uses it: escaping, Markup's operators that escape their plain
// operand, and the joins whose result depends on autoescaping (Jinja2's markup_join).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ast.hpp"

namespace slap::tmpl {

class Interp;

// markupsafe.escape on text: & < > " ' become entities.
std::string html_escape(std::string_view s);
// markupsafe.escape(v): a Markup as it is, anything else str()'d and escaped.
Value escape(Interp& in, const Value& v);
// `a OP b` when a Markup takes part in + * %: the plain operands are escaped first.
// nullopt: not a Markup operation (the caller's rules apply).
std::optional<Value> markup_binary(BinaryOp op, const Value& a, const Value& b);
// Joins `parts` with `sep` as Jinja2 does under autoescape: when the separator or any part
// is a Markup, the plain ones are escaped and the result is a Markup; else plain text.
Value markup_join(Interp& in, const std::vector<Value>& parts, const Value& sep);
// markupsafe wraps the str methods returning text (upper, strip, replace, format, ...):
// called on a Markup they return Markup again, their text arguments escaped first.
bool markup_wraps_method(std::string_view name);
void escape_arguments(Interp& in, std::string_view method, Args& args);

}  // namespace slap::tmpl
