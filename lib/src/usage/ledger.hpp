// The ledger's SQLite schema, shared by the collector and the reports.
#pragma once

#include <string>

#include "slap/error.hpp"
#include "slap/sqlite.hpp"

namespace slap::usage::detail {

// Opens (creating) ROOT/usage.db with its schema. `create`: false fails on a missing file.
Result<sql::Database> open_ledger(const std::string& file, bool create);

}  // namespace slap::usage::detail
