#include "recipes/exec_script.hpp"

#include <fmt/format.h>

#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/process.hpp"

namespace slap::recipes {

std::string exec_line(const std::vector<std::string>& argv) {
  std::string line = "exec";
  std::size_t width = line.size();
  for (const auto& a : argv) {
    std::string q = process::shell_quote(a);
    if (width > 40) {
      line += " \\\n\t";
      width = 1;
    } else {
      line += ' ';
    }
    line += q;
    width += q.size() + 1;
  }
  return line + " \"$@\"\n";
}

std::string exec_script(const std::vector<std::string>& argv, const std::vector<std::string>& wait_for) {
  std::string s = "#!/bin/sh -e\n";
  for (const auto& f : wait_for)
    s += fmt::format("while ! [ -e {0} ]; do echo 'waiting for {0}' >&2; sleep 1; done\n", process::shell_quote(f));
  return s + exec_line(argv);
}

Status write_exec_script(const std::string& path, const std::vector<std::string>& argv,
                         const std::vector<std::string>& wait_for) {
  SLAP_CHECK(fs::make_dirs(path::dirname(path)));
  return fs::write_atomic(path, exec_script(argv, wait_for), 0700, false);
}

}  // namespace slap::recipes
