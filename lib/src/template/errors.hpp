// How the engine fails. Inside lib/src/template the lexer, parser and evaluator throw
// slap::Error (any Python operation can fail, and threading Result through every value
// operation would bury the semantics); Environment::parse/render catch it, so no exception
// crosses the public API. The innermost statement or expression that sees an error without
// a location stamps its own.
#pragma once

#include <string>

#include "slap/error.hpp"

namespace slap::tmpl {

// A runtime error with Python's exception class name ("TypeError", "UndefinedError"); the
// message starts with the class, as Python prints an exception ("TypeError: ...").
[[noreturn]] void raise(std::string cls, std::string message);
[[noreturn]] inline void type_error(std::string message) { raise("TypeError", std::move(message)); }
[[noreturn]] inline void value_error(std::string message) { raise("ValueError", std::move(message)); }
// The most bytes one operation may build (a string, a sequence's item slots): beyond it
// slap raises MemoryError where Python would try to allocate (hostile templates and files).
constexpr long long max_value_size = 1LL << 28;
[[noreturn]] void memory_error();

// Counts how deep a walk over nested values (repr, ==, hash, JSON, pprint) has gone on
// this thread. Past Python's default recursion limit (1000) it raises RecursionError, as
// Python does, instead of overflowing the stack on a deeply nested value that a template
// or a JSON file built. `context` ends Python's message: "while getting the repr of an
// object", "in comparison".
class NestingGuard {
 public:
  static constexpr int limit = 1000;
  explicit NestingGuard(const char* context) {
    if (++depth_ > limit) {
      --depth_;
      too_deep(context);
    }
  }
  ~NestingGuard() { --depth_; }
  NestingGuard(const NestingGuard&) = delete;
  NestingGuard& operator=(const NestingGuard&) = delete;
  // The RecursionError, for a walk that counts its depth itself (the JSON reader).
  [[noreturn]] static void too_deep(const char* context);

 private:
  static thread_local int depth_;
};

// Errors of the parser: Jinja2's TemplateSyntaxError, and TemplateAssertionError for a
// template that parses but cannot compile (an unknown filter, a block defined twice).
[[noreturn]] void syntax_error(std::string message, const std::string& file, int line, int column);
[[noreturn]] void assertion_error(std::string message, const std::string& file, int line, int column);

}  // namespace slap::tmpl
