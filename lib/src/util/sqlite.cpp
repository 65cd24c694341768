#include "slap/sqlite.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

namespace slap::sql {

namespace {

Error sqlite_error(sqlite3* db, const std::string& file, std::string_view doing) {
  int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  std::string message = db ? sqlite3_errmsg(db) : "out of memory";
  // A database another process keeps busy past the timeout is no corruption: say so.
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
    message += " (another slap process holds the node's state: try again)";
  return Error(ErrorKind::io, fmt::format("{}: {}: {}", file, doing, message));
}

}  // namespace

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, long long value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<long long>& value) {
  return value ? bind(index, *value) : bind(index, nullptr);
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_);
  return fail(sqlite_error(db, file_, sqlite3_sql(stmt_)));
}

Status Statement::run() {
  while (SLAP_TRY(step())) {
  }
  return {};
}

Status Statement::reset() {
  sqlite3_clear_bindings(stmt_);
  if (sqlite3_reset(stmt_) != SQLITE_OK) return fail(sqlite_error(sqlite3_db_handle(stmt_), file_, sqlite3_sql(stmt_)));
  return {};
}

std::string Statement::text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

long long Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::optional<long long> Statement::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Result<Database> Database::open(const std::string& file) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    Error e = sqlite_error(db, file, "cannot open");
    sqlite3_close(db);
    return fail(std::move(e));
  }
  Database out(db, file);
  sqlite3_busy_timeout(db, 15000);
  SLAP_CHECK(out.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"));
  return out;
}

Database::~Database() {
  if (db_) sqlite3_close(db_);
}

Error Database::error(std::string_view doing) const { return sqlite_error(db_, file_, doing); }

Status Database::exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);
    return fail(error(text));
  }
  return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
    return fail(error(sql));
  return Statement(stmt, file_);
}

long long Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }

int Database::changes() const { return sqlite3_changes(db_); }

}  // namespace slap::sql
