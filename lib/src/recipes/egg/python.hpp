// What the eggs are for: the target interpreter's version, platform, marker variables and
// the wheel tags it supports, asked once per interpreter and process.
#pragma once

#include <string>
#include <vector>

#include "recipes/egg/marker.hpp"
#include "slap/error.hpp"
#include "slap/process.hpp"

namespace slap::recipes::egg {

struct PythonInfo {
  std::string executable;
  std::string version;            // "3.11": eggs are named ...-py3.11.egg
  std::string platform;           // "linux-x86_64": the suffix of eggs that are not pure
  MarkerEnvironment markers;      // PEP 508 variables ("extra" not included)
  std::vector<std::string> tags;  // wheel tags, most preferred first
};

// Runs `executable` (looked up in env's PATH when it has no '/'). Fails with
// ErrorKind::recipe when it cannot run or does not answer.
Result<PythonInfo> python_info(const std::string& executable, const process::Environment& env);

}  // namespace slap::recipes::egg
