// str() and repr() of template values. The conventions on plain strings (repr, literal
// escapes, case, code points) are the library's, in slap/strings.hpp; the engine calls them
// by their short names.
#pragma once

#include <string>
#include <string_view>

#include "slap/strings.hpp"
#include "slap/template.hpp"

namespace slap::tmpl {

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

// to += s. Rendering appends short pieces by the thousand (a separator, a key, a number):
// those are copied inline rather than through memcpy.
inline void append_bytes(std::string& to, std::string_view s) {
  std::size_t at = to.size(), n = s.size();
  if (n > 16) {
    to.append(s);
    return;
  }
  // The size is returned as computed here: GCC 12 passes the operation the grown capacity.
  to.resize_and_overwrite(at + n, [at, s](char* p, std::size_t) noexcept {
    str::copy_short(p + at, s.data(), s.size());
    return at + s.size();
  });
}

void append_str(std::string& out, const Value& v);
void append_repr(std::string& out, const Value& v);
// What makes a list, tuple, dict or set the same object (Python's id()), to notice one met
// again inside itself; nullptr for other values.
const void* container_identity(const Value& v);

}  // namespace slap::tmpl
