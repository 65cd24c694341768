// The ledger's SQLite schema, shared by the collector and the reports.
#pragma once

#include <string>

#include "node/sqlite.hpp"
#include "slap/error.hpp"

namespace slap::usage::detail {

// Opens (creating) ROOT/usage.db with its schema. `create`: false fails on a missing file.
Result<node::sql::Database> open_ledger(const std::string& file, bool create);

}  // namespace slap::usage::detail
