#include "slap/error.hpp"

#include <fmt/format.h>

namespace slap {

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage: return exit_usage;
    case ErrorKind::input: return exit_invalid;
    case ErrorKind::promise:
    case ErrorKind::drift: return exit_no;
    case ErrorKind::interrupted: return exit_interrupted;
    case ErrorKind::io:
    case ErrorKind::network:
    case ErrorKind::checksum:
    case ErrorKind::recipe:
    case ErrorKind::internal: return exit_failure;
  }
  return exit_failure;
}

std::string Error::describe() const {
  if (where.file.empty()) return message;
  if (where.line <= 0) return fmt::format("{}: {}", where.file, message);
  if (where.column <= 0) return fmt::format("{}:{}: {}", where.file, where.line, message);
  return fmt::format("{}:{}:{}: {}", where.file, where.line, where.column, message);
}

}  // namespace slap
