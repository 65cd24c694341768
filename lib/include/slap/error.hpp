// Errors and results shared by every slap module.
//
// Policy: library code returns `Result<T>` (std::expected). An Error carries a kind
// (which decides the process exit code), a message, an optional source location, an
// optional class name (the zc.buildout error class, e.g. "MissingSection", used by
// conformance output) and a chain of context lines ("while installing part 'x'").
// Only cmd/slap/main.cpp turns an Error into text and an exit code.
#pragma once

#include <expected>
#include <string>
#include <utility>
#include <vector>

namespace slap {

enum class ErrorKind {
  usage,      // bad command line                     -> exit 2
  input,      // invalid profile / config / parameters -> exit 3
  io,         // file system                           -> exit 1
  network,    // download / HTTP                       -> exit 1
  checksum,   // content does not match its digest     -> exit 1
  recipe,     // a part failed to build                -> exit 1
  promise,    // a promise failed                      -> exit 4
  drift,      // ran fine, the answer is "no"          -> exit 4
  interrupted,//                                       -> exit 130
  internal,   // a bug                                 -> exit 1
};

// Exit codes, as documented in slap(1).
enum ExitCode : int {
  exit_ok = 0,
  exit_failure = 1,
  exit_usage = 2,
  exit_invalid = 3,
  exit_no = 4,
  exit_interrupted = 130,
};

int exit_code_for(ErrorKind kind);

struct Location {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;
  Location where;                    // where.file empty = no location
  std::string cls;                   // e.g. "MissingSection"; empty = none
  std::string subject;               // what the error is about, e.g. "section:option"
  std::vector<std::string> context;  // innermost first

  Error() = default;
  Error(ErrorKind k, std::string msg) : kind(k), message(std::move(msg)) {}
  Error(ErrorKind k, std::string msg, Location loc)
      : kind(k), message(std::move(msg)), where(std::move(loc)) {}

  Error& with_class(std::string c) & { cls = std::move(c); return *this; }
  Error&& with_class(std::string c) && { cls = std::move(c); return std::move(*this); }
  Error&& about(std::string s) && { subject = std::move(s); return std::move(*this); }
  Error& add_context(std::string c) & { context.push_back(std::move(c)); return *this; }
  Error&& add_context(std::string c) && { context.push_back(std::move(c)); return std::move(*this); }

  // "FILE:LINE:COL: message" (location parts only when known).
  std::string describe() const;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(ErrorKind kind, std::string message) {
  return std::unexpected(Error(kind, std::move(message)));
}
inline std::unexpected<Error> fail(ErrorKind kind, std::string message, Location where) {
  return std::unexpected(Error(kind, std::move(message), std::move(where)));
}
inline std::unexpected<Error> fail(Error e) { return std::unexpected(std::move(e)); }

}  // namespace slap

// Evaluates a Result expression; on error returns the error from the enclosing function,
// otherwise yields the value. (GNU statement expression, supported by GCC and Clang.)
#define SLAP_TRY(expr)                                            \
  __extension__({                                                 \
    auto&& slap_try_result_ = (expr);                             \
    if (!slap_try_result_)                                        \
      return std::unexpected(std::move(slap_try_result_.error())); \
    std::move(*slap_try_result_);                                 \
  })

// Same for Status (void) expressions.
#define SLAP_CHECK(expr)                                          \
  do {                                                            \
    auto&& slap_check_result_ = (expr);                           \
    if (!slap_check_result_)                                      \
      return std::unexpected(std::move(slap_check_result_.error())); \
  } while (0)
