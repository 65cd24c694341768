// Releasing a software release (spec/release-process.md): update-hash (the md5sum of every
// local template), freeze (checksums, git revisions, version pins), lint, and the release
// pipeline that commits, tags, archives and pre-caches. Every edit rewrites one option at
// the file and line where it is defined and keeps every other byte of the file.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "slap/context.hpp"
#include "slap/error.hpp"
#include "slap/process.hpp"
#include "slap/profile.hpp"

namespace slap::fetch {
class Fetcher;
}
namespace slap::cache {
class Client;
}

namespace slap::release {

// ---- update-hash ------------------------------------------------------------------------

// One md5sum recorded for a local file: in a buildout.hash.cfg section, or in a .cfg
// section whose `url` starts with ${:_profile_base_location_}.
struct HashEntry {
  enum class State { match, updated, missing };
  std::string file;          // the file holding the md5sum
  std::uint32_t line = 0;    // of the md5sum option; of the section header when it has none
  std::string section;
  std::string target;        // the hashed file, as the profile names it (relative)
  std::string recorded;      // md5sum before; empty when the section had none
  std::string actual;        // md5 of the target; empty when it is missing
  State state = State::match;
};

struct HashReport {
  std::vector<HashEntry> entries;
  std::vector<std::string> changed_files;
  std::size_t count(HashEntry::State s) const;
  // "FILE:LINE: [SECTION] file 'TARGET' does not exist" for every missing target.
  std::optional<Error> missing_error() const;
};

// Recomputes every md5sum of `files`: buildout.hash.cfg files by the update-hash rules
// (filename / _update_hash_filename_ / section name), other .cfg files by their
// ${:_profile_base_location_} url sections. A file referencing a missing target is left
// unchanged (as upstream update-hash does); the others are rewritten atomically unless
// `dry_run`.
Result<HashReport> update_hash(const std::vector<std::string>& files, bool dry_run, const Context& ctx);

// Every buildout.hash.cfg and .cfg below `dir` (update-hash --all), sorted.
std::vector<std::string> hash_files_under(const std::string& dir);
// `dir`/buildout.hash.cfg and the .cfg files of `dir` that extend it.
std::vector<std::string> hash_files_in(const std::string& dir);
// The local files of a loaded profile (its extends closure), in reading order.
std::vector<std::string> local_sources(const profile::Profile& profile);

// ---- freeze -----------------------------------------------------------------------------

// Something that lets a build produce different bytes tomorrow.
struct FreezeItem {
  enum class Kind { download, patch, gitclone, egg };
  Kind kind = Kind::download;
  std::string section;
  std::string file;           // where the edit goes (where the option is defined)
  std::uint32_t line = 0;
  std::string subject;        // URL, patch entry, repository, or egg name
  std::string missing;        // "md5sum", "#md5", "revision", "version pin"
  std::string reason;         // why slap cannot fix it; empty when it can
  std::string value;          // what freeze wrote (checksum, revision)
};

std::string_view kind_name(FreezeItem::Kind kind);

struct FreezeReport {
  std::vector<FreezeItem> items;          // unfrozen before the run
  std::vector<std::string> changed_files;
  std::size_t unfixable() const;
};

// How a branch becomes a commit (git ls-remote REPOSITORY refs/heads/BRANCH by default).
using RevisionResolver = std::function<Result<std::string>(const std::string& repository, const std::string& branch)>;

struct FreezeOptions {
  bool check = false;                  // list only: no download, no edit
  fetch::Fetcher* fetcher = nullptr;   // required unless check
  RevisionResolver resolve_revision;   // null: git ls-remote
  process::Environment environment;    // git runs with it (HOME, GIT_* apply)
};

// Lists the unfrozen items of `profile`'s parts and, unless `check`, fixes those it can:
// every value is computed first; if one download or lookup fails nothing is written.
Result<FreezeReport> freeze(const profile::Profile& profile, const FreezeOptions& options, const Context& ctx);

// ---- lint -------------------------------------------------------------------------------

struct LintProblem {
  std::string rule;       // "checksum", "schema", "missing-file", "template", "profile"
  std::string file;
  std::uint32_t line = 0;
  std::string json_path;  // for schema problems: JSON pointer inside `file`
  std::string message;
};

struct LintOptions {
  bool checksums = true;  // off when freeze runs next and adds them
};

struct LintReport {
  std::vector<LintProblem> problems;
  std::vector<std::string> notes;  // checks that could not run, and why
};

LintReport lint(const profile::Profile& profile, const LintOptions& options, const Context& ctx);

// software.cfg.json and the schemas it references (also used on its own by lint).
std::vector<LintProblem> lint_software_json(const std::string& software_json);

// ---- the release pipeline --------------------------------------------------------------

struct Change {
  std::string file;  // empty for changes that are not file edits (a tag, an upload)
  std::uint32_t line = 0;
  std::string section;
  std::string description;
};

struct ReleaseOptions {
  std::string directory;                       // the release directory
  const profile::Profile* profile = nullptr;   // needed by lint, freeze and push
  bool lint = true;
  bool freeze = false;
  bool update_hash = true;
  std::vector<std::string> hash_files;         // what update-hash works on
  std::string tag;                             // commit the changes and tag HEAD when set
  std::string archive;                         // write the archive here when set
  bool push = false;
  fetch::Fetcher* fetcher = nullptr;           // freeze and push
  cache::Client* cache = nullptr;              // push
  RevisionResolver resolve_revision;           // freeze; null: git ls-remote
  process::Environment environment;            // git runs with it (HOME, GIT_* apply)
};

struct ReleaseStep {
  std::string name;  // lint, freeze, update-hash, tag, archive, push
  bool ok = true;
  std::vector<Change> changes;
  std::optional<Error> error;
};

struct ReleaseReport {
  std::vector<ReleaseStep> steps;  // those that ran, in order; the pipeline stops at a failure
  std::optional<LintReport> lint;
  std::optional<FreezeReport> freeze;
  std::optional<HashReport> hash;
  const Error* error() const;      // the failed step's error, if any
};

// Runs lint, freeze, update-hash, tag, archive and push as asked. With a tag, a work tree
// with uncommitted changes is refused before anything runs.
ReleaseReport run_release(const ReleaseOptions& options, const Context& ctx);

// The files a release archive holds, relative to `dir`: the tracked files when `dir` is in
// a git work tree, else every file except hidden ones and buildout's output directories.
Result<std::vector<std::string>> release_files(const std::string& dir, const process::Environment& env);

// Writes `dir` as a reproducible .tar.gz with entries under PREFIX/; the same tree and
// commit give the same bytes.
Status write_archive(const std::string& dir, const std::string& out, const std::string& prefix,
                     const process::Environment& env);

}  // namespace slap::release
