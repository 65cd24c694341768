// Names as small integers. The parser interns every name a template reads or assigns, so
// that scopes compare integers at run time instead of hashing and comparing strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace slap::tmpl {

using Symbol = std::uint32_t;

// The symbol of `name`: the same for the same name in every template of the process.
Symbol intern(std::string_view name);
// The name of `s` (a reference that stays valid).
const std::string& symbol_name(Symbol s);

// Names the evaluator binds itself.
namespace sym {
extern const Symbol loop, caller, varargs, kwargs, self, super;
}

}  // namespace slap::tmpl
