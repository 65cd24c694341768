// The helper process and the socket slap talks to it over: JSON lines, each read waiting
// for the answer while watching for the helper's death and for cancellation.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "slap/fd.hpp"
#include "slap/process.hpp"
#include "slap/python.hpp"

namespace slap::python {

class Channel {
 public:
  // Starts settings.interpreter on the helper module, the socket as its descriptor 3.
  static Result<Channel> open(const Settings& settings);

  Status send(const nlohmann::json& message);
  // The next message. Fails (and stops the helper) when it dies, when the user cancels,
  // or when it writes something that is not JSON; `doing` names the call in messages.
  Result<nlohmann::json> receive(const std::string& doing);
  // Stops the helper (the whole process group).
  void close();

 private:
  Channel(const Settings& settings, process::Child child, UniqueFd socket)
      : settings_(settings), child_(std::move(child)), socket_(std::move(socket)) {}
  Error died(const process::Outcome& how, const std::string& doing);
  std::string log_tail() const;

  Settings settings_;
  process::Child child_;
  UniqueFd socket_;
  std::string buffer_;  // bytes read past the last complete line
  std::optional<Error> broken_;  // once dead, every call fails with this
};

}  // namespace slap::python
