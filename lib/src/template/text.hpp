// str() and repr() of template values. The conventions on plain strings (repr, literal
// escapes, case, code points) are the library's, in slap/strings.hpp; the engine calls them
// by their short names.
#pragma once

#include <string>

#include "slap/strings.hpp"
#include "slap/template.hpp"

namespace slap::tmpl {

using str::append_bytes;
using str::append_code_point;
using str::code_point_count;
using str::code_point_offsets;
using str::float_repr;
using str::is_ascii;
using str::next_code_point;
using str::py_lower;
using str::py_printable;
using str::py_upper;
using str::string_repr;
using str::unescape_python;

void append_str(std::string& out, const Value& v);
void append_repr(std::string& out, const Value& v);
// What makes a list, tuple, dict or set the same object (Python's id()), to notice one met
// again inside itself; nullptr for other values.
const void* container_identity(const Value& v);

}  // namespace slap::tmpl
