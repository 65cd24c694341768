// How `slap freeze` and `slap release` show their reports: JSON (shapes in slap-freeze(1)
// and slap-release(1)) and human lines, "FILE:LINE: [section] what".
#pragma once

#include <nlohmann/json.hpp>

#include "slap/release.hpp"
#include "terminal.hpp"

namespace slap::cli {

nlohmann::json freeze_items_json(const std::vector<release::FreezeItem>& items);
// One line per item: what is missing, what was written, or why it cannot be fixed.
void print_freeze_items(Terminal& t, const std::vector<release::FreezeItem>& items, bool check);

nlohmann::json hash_json(const release::HashReport& report);
void print_hash_summary(Terminal& t, const release::HashReport& report);

nlohmann::json lint_json(const release::LintReport& report);
void print_lint(Terminal& t, const release::LintReport& report);

nlohmann::json release_json(const release::ReleaseReport& report, const std::string& directory);
void print_release(Terminal& t, const release::ReleaseReport& report);

}  // namespace slap::cli
