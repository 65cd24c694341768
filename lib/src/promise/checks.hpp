// The check modules slap implements natively (the `slapos.promise.plugin.*` modules of
// slapos.toolbox), and the legacy-executable "module". Each sense() measures once and
// returns its verdict; it never runs past the input's deadline.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "promise/verdict.hpp"
#include "slap/context.hpp"
#include "slap/promise.hpp"

namespace slap::promise {

struct CheckInput {
  const Promise& promise;
  const std::string& partition;
  std::chrono::steady_clock::time_point deadline;
  std::chrono::seconds promise_timeout;
  const std::vector<std::string>& environment;
  const CancelToken* cancel;

  // Config value of `key` (or of its spelling with '_' for '-'), `fallback` when unset.
  std::string get(std::string_view key, std::string_view fallback = "") const;
};

struct Measure {
  bool failed = false;
  std::string message;
};

struct CheckModule {
  std::string_view name;
  Measure (*sense)(const CheckInput&);
  Policy defaults;
};

const CheckModule* find_module(std::string_view name);
const CheckModule& legacy_module();

// "Error: Promise timed out after N seconds", slapgrid's wording.
std::string timeout_message(std::chrono::seconds timeout);

Measure sense_legacy(const CheckInput& in);
Measure sense_socket_listening(const CheckInput& in);
Measure sense_url_available(const CheckInput& in);
Measure sense_file_state(const CheckInput& in);
Measure sense_free_disk_space(const CheckInput& in);
Measure sense_command_execute(const CheckInput& in);
Measure sense_process_running(const CheckInput& in);
Measure sense_partition_deployment_state(const CheckInput& in);
Measure sense_bootstrap_status(const CheckInput& in);
Measure sense_certificate(const CheckInput& in);

}  // namespace slap::promise
