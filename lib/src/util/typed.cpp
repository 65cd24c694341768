#include "slap/typed.hpp"

#include "slap/strings.hpp"

namespace slap::typed {

std::string encode_json(std::string_view json_text) {
  return std::string(marker) + str::replace_all(json_text, "$", "$$");
}

std::optional<std::string> json_text(std::string_view value) {
  if (!is_typed(value)) return std::nullopt;
  return str::replace_all(value.substr(marker.size()), "$$", "$");
}

std::string textual(std::string_view value) {
  if (auto j = json_text(value)) return *j;
  return std::string(value);
}

}  // namespace slap::typed
