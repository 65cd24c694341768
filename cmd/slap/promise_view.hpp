// How `slap promise` shows results: JSON documents (shapes in slap-promise(1)) and the
// human lines, "OK|FAIL title: message (duration)".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "slap/promise.hpp"
#include "terminal.hpp"

namespace slap::cli {

nlohmann::json run_json(const promise::RunReport& report, const std::string& partition, promise::Mode mode);
void print_run(Terminal& t, const promise::RunReport& report);

nlohmann::json list_json(const std::vector<promise::Promise>& promises, const std::string& partition);
void print_list(Terminal& t, const std::vector<promise::Promise>& promises, const std::string& partition);

nlohmann::json history_json(const std::vector<promise::Promise>& promises, const std::string& partition);
void print_history(Terminal& t, const std::vector<promise::Promise>& promises, const std::string& partition);

}  // namespace slap::cli
