// The git operations a release needs, through the git command line. git runs with `env`,
// the caller's environment, so that its own settings (HOME, GIT_*) apply.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "slap/error.hpp"
#include "slap/process.hpp"

namespace slap::release::git {

// The commit `branch` of `repository` points to (git ls-remote).
Result<std::string> branch_revision(const process::Environment& env, const std::string& repository,
                                    const std::string& branch);

bool in_work_tree(const process::Environment& env, const std::string& dir);
// Tracked files with uncommitted changes (staged or not) below `dir`, relative to `dir`.
Result<std::vector<std::string>> dirty_files(const process::Environment& env, const std::string& dir);
// Tracked files below `dir`, relative to it.
Result<std::vector<std::string>> tracked_files(const process::Environment& env, const std::string& dir);
// Commit time of HEAD (seconds since the epoch).
Result<std::int64_t> head_time(const process::Environment& env, const std::string& dir);
// Commits `files` (paths relative to `dir`) with `message`.
Status commit(const process::Environment& env, const std::string& dir, const std::vector<std::string>& files,
              const std::string& message);
// An annotated tag on HEAD.
Status tag(const process::Environment& env, const std::string& dir, const std::string& name,
           const std::string& message);

}  // namespace slap::release::git
