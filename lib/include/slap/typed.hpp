// Typed option values. Buildout options are strings, but SlapOS recipes put structured
// values in them (slapconfiguration's `configuration` dict, instance lists) and templates
// write them back with `dumps()` so that they read back typed. slap encodes such a value as
// the marker "\x1ajson:" followed by its JSON text, with `$` doubled so that a profile
// holding it is never substituted. Plain strings without `$` or newlines stay as they are.
// The marker is ASCII SUB: \x1c-\x1f would be whitespace (Python's isspace), which the
// profile parser strips from the start of every value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace slap::typed {

inline constexpr std::string_view marker = "\x1ajson:";

inline bool is_typed(std::string_view value) { return value.starts_with(marker); }

// Wraps JSON text (any JSON value).
std::string encode_json(std::string_view json_text);
// The JSON text of a typed value; nullopt for a plain string.
std::optional<std::string> json_text(std::string_view value);
// What `${section:option}` inserts into a string: the JSON text of a typed value, the
// value itself otherwise.
std::string textual(std::string_view value);

}  // namespace slap::typed
