// Global functions: Jinja2's (range, dict, namespace, cycler, joiner) and the Python
// builtins slapos.recipe.template exposes to templates (len, str, sorted, six, ...), and
// the native modules importable by the recipe's `import` context lines.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "slap/template.hpp"

namespace slap::tmpl {

class Interp;

void install_builtins(Dict& globals);        // builtins.cpp: types and scalar functions
void install_sequence_builtins(Dict& globals);  // builtins_seq.cpp: iteration helpers
// Native modules by dotted name (modules.cpp), e.g. "json", "os.path", "six.moves.urllib.parse".
std::map<std::string, Value, std::less<>> native_modules();
// The host as Python describes it (python_host.cpp): sys, platform, and os.name/os.access.
Value lipsum_function();  // lipsum.cpp
Value sys_module();
Value platform_module();
void add_os_host(Dict& os_attrs);

// abs(v) and round(v, ndigits) (half-to-even, as Python's).
Value py_abs(const Value& v);
Value py_round(const Value& x, std::optional<std::int64_t> ndigits);

// range(...)[start:stop:step]: another range, as Python's; nullopt when `obj` is no range.
std::optional<Value> range_slice(const Value& obj, std::optional<std::int64_t> start, std::optional<std::int64_t> stop,
                                 std::optional<std::int64_t> step);

// len(v) with Python's TypeError for values without a length.
std::int64_t length_of(Interp& in, const Value& v);

}  // namespace slap::tmpl
