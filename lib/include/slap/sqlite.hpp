// A small RAII layer over SQLite's C API for the node's state and the usage ledger: one
// connection, prepared statements, and immediate transactions that roll back when the work
// inside fails. The database runs in WAL mode with synchronous=FULL: a committed
// transaction survives a kill -9 or a power cut, and readers (`slap request`, `slap node
// status`) never wait for the node's writes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "slap/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace slap::sql {

class Statement {
 public:
  Statement(Statement&& o) noexcept : stmt_(o.stmt_), file_(std::move(o.file_)) { o.stmt_ = nullptr; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are numbered from 1, as in the SQL text (?1, ?2...).
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, long long value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::nullptr_t);
  Statement& bind(int index, const std::optional<long long>& value);

  // Next row: true while there is one, false once done.
  Result<bool> step();
  // Steps to the end (statements without rows).
  Status run();
  // Ready to run again with new parameters (bindings cleared).
  Status reset();

  std::string text(int column) const;
  long long integer(int column) const;
  double real(int column) const;
  std::optional<long long> optional_integer(int column) const;
  bool is_null(int column) const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, std::string file) : stmt_(stmt), file_(std::move(file)) {}
  sqlite3_stmt* stmt_;
  std::string file_;
};

class Database {
 public:
  // Opens (creating) the database file.
  static Result<Database> open(const std::string& file);
  Database(Database&& o) noexcept : db_(o.db_), file_(std::move(o.file_)) { o.db_ = nullptr; }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs SQL text without results (may hold several statements).
  Status exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);
  long long last_insert_id() const;
  int changes() const;
  const std::string& file() const { return file_; }

  // Runs `work` inside BEGIN IMMEDIATE ... COMMIT; a failed `work` (or commit) rolls
  // everything back. `work` returns a Result<T> or a Status.
  template <typename Work>
  auto transaction(Work&& work) -> decltype(work()) {
    SLAP_CHECK(exec("BEGIN IMMEDIATE"));
    auto out = work();
    if (!out) {
      (void)exec("ROLLBACK");
      return out;
    }
    if (Status committed = exec("COMMIT"); !committed) {
      (void)exec("ROLLBACK");
      return std::unexpected(std::move(committed.error()));
    }
    return out;
  }

 private:
  Database(sqlite3* db, std::string file) : db_(db), file_(std::move(file)) {}
  Error error(std::string_view doing) const;
  sqlite3* db_;
  std::string file_;
};

}  // namespace slap::sql
