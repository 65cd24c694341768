// ROOT/usage.db. `sample` is append-only: one row per partition per collection. `process`
// and `partition_state` are what the last committed collection saw, replaced in the same
// transaction as its samples: a collection killed before COMMIT leaves both as they were,
// and the next one charges the whole interval once.
#include "usage/ledger.hpp"

#include <fmt/format.h>

#include "slap/fs.hpp"
#include "slap/usage.hpp"

namespace slap::usage {

namespace detail {

namespace {

constexpr std::string_view schema = R"(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('version', 1);
CREATE TABLE IF NOT EXISTS sample (
  id INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  partition TEXT NOT NULL,
  instance TEXT NOT NULL,
  reference TEXT NOT NULL,
  interval INTEGER NOT NULL,
  cpu_ms INTEGER NOT NULL,
  rss INTEGER NOT NULL,
  rss_integral REAL NOT NULL,
  disk INTEGER,
  disk_integral REAL NOT NULL,
  processes INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sample_time ON sample (time);
CREATE INDEX IF NOT EXISTS sample_partition ON sample (partition, time);
CREATE TABLE IF NOT EXISTS process (
  pid INTEGER NOT NULL,
  start INTEGER NOT NULL,
  partition TEXT NOT NULL,
  ppid INTEGER NOT NULL,
  own INTEGER NOT NULL,
  reaped INTEGER NOT NULL,
  PRIMARY KEY (pid, start));
CREATE TABLE IF NOT EXISTS partition_state (
  partition TEXT PRIMARY KEY,
  time INTEGER NOT NULL,
  rss INTEGER NOT NULL,
  disk INTEGER,
  disk_time INTEGER NOT NULL DEFAULT 0);
)";

}  // namespace

Result<sql::Database> open_ledger(const std::string& file, bool create) {
  if (!create && !fs::exists(file))
    return fail(ErrorKind::usage, fmt::format("no usage ledger {}: `slap usage collect` (or `slap node`) records one", file));
  auto db = SLAP_TRY(sql::Database::open(file));
  SLAP_CHECK(db.exec(schema));
  return db;
}

}  // namespace detail

std::string ledger_path(const node::Layout& layout) { return layout.root + "/usage.db"; }

}  // namespace slap::usage
