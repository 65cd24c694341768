#include "errors.hpp"

namespace slap::tmpl {

// Runtime errors read like Python's ("TypeError: ..."), except undefined values, whose
// Jinja2 message ("'x' is undefined") is clearer alone.
void raise(std::string cls, std::string message) {
  std::string text = cls == "UndefinedError" ? std::move(message) : cls + ": " + message;
  throw Error(ErrorKind::input, std::move(text)).with_class(std::move(cls));
}

void memory_error() {
  raise("MemoryError", "a value over " + std::to_string(max_value_size >> 20) + " MiB (slap's limit for one string or sequence)");
}

void syntax_error(std::string message, const std::string& file, int line, int column) {
  throw Error(ErrorKind::input, std::move(message), Location{file, line, column}).with_class("TemplateSyntaxError");
}

}  // namespace slap::tmpl
