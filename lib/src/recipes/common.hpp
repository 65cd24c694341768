// Helpers shared by the native recipes: option parsing, locations (shared parts),
// environments, commands with logged output.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "slap/fetch.hpp"
#include "slap/process.hpp"
#include "slap/recipe.hpp"

namespace slap::recipes {

// An error about one option of one part, located where the option is written.
Error option_error(profile::Options& options, const std::string& option, std::string message);

// Optional option, "" when absent.
Result<std::string> optional(profile::Options& options, const std::string& name);
// Booleans as slapos.recipe.build's is_true reads them: exactly "true" or "false".
Result<bool> strict_flag(profile::Options& options, const std::string& name, bool fallback);
// Booleans as slapos.cookbook reads them: true/yes/on/1, false/no/off/0 (any case).
Result<bool> flag(profile::Options& options, const std::string& name, bool fallback);
// Octal file mode ("0755"); nullopt when absent.
Result<std::optional<unsigned>> mode(profile::Options& options, const std::string& name);
// md5sum option (or sha256:/sha512:); nullopt when absent or empty.
Result<std::optional<fetch::Checksum>> checksum(profile::Options& options, const std::string& name);

// ${buildout:parts-directory}/NAME, or an existing `location` option.
Result<std::string> part_location(profile::Resolver& resolver, profile::Options& options);

Status mark_shared_part_complete(const std::string& location, const std::string& signature);
// chmod a-w on the whole tree (symlinks untouched), as upstream leaves a built shared part.
void make_read_only(const std::string& location);
// Scripts in bin/ and sbin/ whose shebang line is longer than the kernel reads (128 bytes)
// are renamed NAME.shebang and run through a small sh wrapper (upstream cmmi's fix_shebang).
Status fix_shebangs(const std::string& location);

// The `environment` option: KEY=VALUE lines added to `base`; `%(VAR)s` in values is
// replaced by VAR from the environment being built (cmmi's Python interpolation; `%%` is
// a literal %). A single word names a section whose options are the variables.
Result<process::Environment> environment(profile::Resolver& resolver, profile::Options& options,
                                         process::Environment base, bool interpolate);

// Python `%`-interpolation with a mapping: `%(name)s` -> vars[name], `%(name)r` -> its
// Python repr(), `%%` -> `%`; anything else is an error, as in Python. Recipes
// such as cmmi interpolate their own options into commands this way.
Result<std::string> percent(std::string_view text, const std::map<std::string, std::string>& vars);

// Runs a command, its output appended to ic.log_file; a failure is ErrorKind::recipe with
// the command, how it ended and the last lines of the log.
Status run_logged(const std::vector<std::string>& argv, const std::string& cwd, const process::Environment& env,
                  const InstallContext& ic);
// Runs a shell script (`sh -c SCRIPT`) the same way.
Status run_shell(const std::string& script, const std::string& cwd, const process::Environment& env,
                 const InstallContext& ic);
// The last `lines` lines of a file.
std::string tail_of_file(const std::string& path, std::size_t lines);
// Appends a line to the part's log (what slap is about to do).
void log_line(const InstallContext& ic, const std::string& line);

// Downloads and verifies (through env.fetcher), relative paths relative to the buildout
// directory.
Result<std::string> download(const Env& env, const std::string& url, const std::optional<fetch::Checksum>& sum);

// POSIX shell word splitting (shlex.split): quotes and backslashes.
Result<std::vector<std::string>> shell_split(std::string_view text);

}  // namespace slap::recipes
