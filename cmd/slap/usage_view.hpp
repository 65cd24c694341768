// How `slap usage` shows things: the JSON documents of slap-usage(1), the tables, CSV.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app.hpp"
#include "slap/usage.hpp"

namespace slap::cli {

struct UsageReport {
  std::string ledger;
  std::optional<std::int64_t> since_ms, until_ms;
  std::vector<usage::Totals> totals;
  usage::Prices prices;
};

usage::Prices usage_prices(const Config& config);

nlohmann::json collection_json(const usage::Collection& c);
nlohmann::json report_json(const UsageReport& r);
void print_report(Terminal& t, const UsageReport& r);
std::string report_csv(const UsageReport& r);
// `slap usage top`: by CPU, then memory; at most `rows` lines.
nlohmann::json top_json(const UsageReport& r);
void print_top(Terminal& t, const UsageReport& r, std::size_t rows);

// One collection of the node's partitions (what `slap node` runs after each instance run).
Status collect_node_usage(Env& env, const node::Layout& layout);

// "12.3 MiB"
std::string human_bytes(double bytes);

}  // namespace slap::cli
