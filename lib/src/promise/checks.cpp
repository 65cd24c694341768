// The module table: names as SlapOS profiles write them, with slapos.toolbox's defaults
// for periodicity and for how many failures make a test or an anomaly fail.
#include "promise/checks.hpp"

#include <fmt/format.h>

#include <array>

#include "slap/strings.hpp"

namespace slap::promise {

namespace {

constexpr Threshold once{1, 1};
constexpr Threshold twice{2, 2};
constexpr Threshold thrice{3, 3};

const std::array<CheckModule, 10> modules = {{
    {"check_socket_listening", sense_socket_listening, {2, thrice, thrice}},
    {"check_port_listening", sense_socket_listening, {2, once, thrice}},
    {"check_url_available", sense_url_available, {2, once, thrice}},
    {"check_file_state", sense_file_state, {2, once, once}},
    {"check_command_execute", sense_command_execute, {2, once, thrice}},
    {"check_free_disk_space", sense_free_disk_space, {3, once, thrice}},
    {"check_process_running", sense_process_running, {2, once, thrice}},
    {"check_partition_deployment_state", sense_partition_deployment_state, {1, once, twice}},
    {"monitor_bootstrap_status", sense_bootstrap_status, {2, once, thrice}},
    {"check_certificate", sense_certificate, {2, once, thrice}},
}};

// slapgrid's wrapper for executables: last sense for test, 3 in a row for anomaly.
const CheckModule legacy{"legacy", sense_legacy, {2, once, thrice}};

}  // namespace

std::string CheckInput::get(std::string_view key, std::string_view fallback) const {
  for (const std::string& k : {std::string(key), str::replace_all(key, "-", "_")})
    if (auto it = promise.config.find(k); it != promise.config.end()) return it->second;
  return std::string(fallback);
}

const CheckModule* find_module(std::string_view name) {
  for (const auto& m : modules)
    if (m.name == name) return &m;
  return nullptr;
}

const CheckModule& legacy_module() { return legacy; }

std::string timeout_message(std::chrono::seconds timeout) {
  return fmt::format("Error: Promise timed out after {} seconds", timeout.count());
}

}  // namespace slap::promise
