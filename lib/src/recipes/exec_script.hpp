// The shell wrappers slapos.cookbook recipes write (librecipe's createWrapper): `#!/bin/sh
// -e`, then `exec` of the command, its words quoted and folded past 40 columns.
#pragma once

#include <string>
#include <vector>

#include "slap/error.hpp"

namespace slap::recipes {

// "exec 'a' b \\\n\tc \"$@\"\n"
std::string exec_line(const std::vector<std::string>& argv);
// A whole wrapper; `wait_for`: files that must exist before the command starts.
std::string exec_script(const std::vector<std::string>& argv, const std::vector<std::string>& wait_for = {});
// Writes it (mode 0700, its directory created).
Status write_exec_script(const std::string& path, const std::vector<std::string>& argv,
                         const std::vector<std::string>& wait_for = {});

}  // namespace slap::recipes
