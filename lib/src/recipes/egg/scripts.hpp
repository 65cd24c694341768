// The scripts zc.buildout's easy_install.scripts() writes, byte for byte: one per console
// entry point (or distutils script) of the requested eggs, and the `interpreter` script,
// each putting the working set on sys.path (absolute, or relative to the script with
// `relative-paths`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "recipes/egg/distribution.hpp"
#include "slap/error.hpp"

namespace slap::recipes::egg {

struct ScriptOptions {
  std::string python;  // the #! interpreter
  std::string dest;    // bin-directory
  // `scripts`: entry point name -> script name; nullopt: every entry point, as named.
  std::optional<std::vector<std::pair<std::string, std::string>>> scripts;
  std::string arguments;       // inside the call: module.attrs(ARGUMENTS)
  std::string initialization;  // code run before the import
  std::string interpreter;     // name of the interpreter script, "" for none
  std::string relative_paths;  // the buildout directory with `relative-paths = true`, else ""
};

struct ScriptSources {
  std::vector<EntryPoint> entry_points;
  std::vector<std::pair<std::string, std::string>> distutils_scripts;  // name, content
};

struct Script {
  std::string path;
  std::string content;
};

// The sys.path entries of the scripts: working-set locations then extra paths, without
// duplicates, each through realpath().
std::vector<std::string> script_path(const std::vector<std::string>& locations, const std::vector<std::string>& extra);

// What the scripts contain; `warnings` receives buildout's "Could not generate script"
// messages for names of `scripts` that no entry point has.
std::vector<Script> render_scripts(const std::vector<std::string>& path, const ScriptSources& sources,
                                   const ScriptOptions& options, std::vector<std::string>& warnings);

// Writes scripts whose content changed (mode 0777 minus the umask), adding their paths to
// `changed`; returns every path.
Result<std::vector<std::string>> write_scripts(const std::vector<Script>& scripts, std::vector<std::string>& changed);

}  // namespace slap::recipes::egg
