#include "errors.hpp"

namespace slap::tmpl {

// Runtime errors read like Python's ("TypeError: ...", "UndefinedError: 'x' is undefined").
void raise(std::string cls, std::string message) {
  throw Error(ErrorKind::input, cls + ": " + message).with_class(std::move(cls));
}

void memory_error() {
  raise("MemoryError", "a value over " + std::to_string(max_value_size >> 20) + " MiB (slap's limit for one string or sequence)");
}

thread_local int NestingGuard::depth_ = 0;

void NestingGuard::too_deep(const char* context) {
  raise("RecursionError", std::string("maximum recursion depth exceeded") + (*context ? " " : "") + context);
}

namespace {

[[noreturn]] void parse_error(std::string cls, const std::string& message, const std::string& file, int line, int column) {
  throw Error(ErrorKind::input, cls + ": " + message, Location{file, line, column}).with_class(std::move(cls));
}

}  // namespace

void syntax_error(std::string message, const std::string& file, int line, int column) {
  parse_error("TemplateSyntaxError", message, file, line, column);
}

void assertion_error(std::string message, const std::string& file, int line, int column) {
  parse_error("TemplateAssertionError", message, file, line, column);
}

}  // namespace slap::tmpl
