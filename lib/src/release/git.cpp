#include "release/git.hpp"

#include <fmt/format.h>

#include "slap/process.hpp"
#include "slap/strings.hpp"

namespace slap::release::git {

namespace {

Result<std::string> run_git(const process::Environment& env, const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), "git");
  process::Spec spec;
  spec.argv = args;
  spec.cwd = dir;
  spec.env = env;
  spec.capture_limit = 64 * 1024 * 1024;  // listings of whole trees
  auto result = SLAP_TRY(process::run(spec));
  if (!result.ok()) {
    std::string why(str::strip(result.err));
    if (why.empty()) why = result.describe();
    return fail(ErrorKind::io, fmt::format("{} failed: {}", str::join({args.begin(), args.begin() + 2}, " "), why));
  }
  return std::move(result.out);
}

std::vector<std::string> split_nul(std::string_view text) {
  std::vector<std::string> out;
  for (auto& item : str::split(text, std::string_view("\0", 1)))
    if (!item.empty()) out.push_back(std::move(item));
  return out;
}

}  // namespace

Result<std::string> branch_revision(const process::Environment& env, const std::string& repository,
                                    const std::string& branch) {
  if (repository.starts_with('-'))  // would be read as an option
    return fail(ErrorKind::input, fmt::format("'{}' is not a git repository URL", repository));
  std::string out = SLAP_TRY(run_git(env, {}, {"ls-remote", repository, "refs/heads/" + branch}));
  auto words = str::split_ws(out);
  if (words.empty())
    return fail(ErrorKind::network, fmt::format("git repository {} has no branch '{}'", repository, branch));
  return words[0];
}

bool in_work_tree(const process::Environment& env, const std::string& dir) {
  auto out = run_git(env, dir, {"rev-parse", "--is-inside-work-tree"});
  return out && str::strip(*out) == "true";
}

Result<std::vector<std::string>> dirty_files(const process::Environment& env, const std::string& dir) {
  std::string out = SLAP_TRY(
      run_git(env, dir, {"-c", "core.quotepath=off", "diff", "HEAD", "--name-only", "-z", "--relative", "--", "."}));
  return split_nul(out);
}

Result<std::vector<std::string>> tracked_files(const process::Environment& env, const std::string& dir) {
  std::string out = SLAP_TRY(run_git(env, dir, {"ls-files", "-z", "--", "."}));
  return split_nul(out);
}

Result<std::int64_t> head_time(const process::Environment& env, const std::string& dir) {
  std::string out = SLAP_TRY(run_git(env, dir, {"log", "-1", "--format=%ct", "HEAD"}));
  try {
    return std::stoll(std::string(str::strip(out)));
  } catch (...) {
    return fail(ErrorKind::io, fmt::format("git log: unexpected output '{}'", str::strip(out)));
  }
}

Status commit(const process::Environment& env, const std::string& dir, const std::vector<std::string>& files,
              const std::string& message) {
  std::vector<std::string> add = {"add", "--"};
  add.insert(add.end(), files.begin(), files.end());
  SLAP_TRY(run_git(env, dir, add));
  std::vector<std::string> args = {"commit", "-q", "-m", message, "--"};
  args.insert(args.end(), files.begin(), files.end());
  SLAP_TRY(run_git(env, dir, args));
  return {};
}

Status tag(const process::Environment& env, const std::string& dir, const std::string& name,
           const std::string& message) {
  SLAP_TRY(run_git(env, dir, {"tag", "-a", name, "-m", message}));
  return {};
}

}  // namespace slap::release::git
