// The release pipeline: lint, freeze, update-hash, then commit + tag, archive and push.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "release/git.hpp"
#include "release/push.hpp"
#include "slap/paths.hpp"
#include "slap/release.hpp"

namespace slap::release {

namespace {

std::vector<Change> hash_changes(const HashReport& report) {
  std::vector<Change> out;
  for (const auto& e : report.entries)
    if (e.state == HashEntry::State::updated)
      out.push_back({e.file, e.line, e.section, fmt::format("md5sum of {}: {} -> {}", e.target,
                                                            e.recorded.empty() ? "(none)" : e.recorded, e.actual)});
  return out;
}

std::vector<Change> freeze_changes(const FreezeReport& report) {
  std::vector<Change> out;
  for (const auto& i : report.items) {
    if (i.value.empty()) continue;
    std::string what = i.kind == FreezeItem::Kind::patch ? fmt::format("{}#{}", i.subject, i.value)
                                                         : fmt::format("{} = {} ({})", i.missing, i.value, i.subject);
    out.push_back({i.file, i.line, i.section, std::move(what)});
  }
  return out;
}

Error first_problem_error(const LintReport& lint) {
  const LintProblem& p = lint.problems.front();
  std::string where = p.json_path.empty() ? "" : fmt::format(" at {}", p.json_path);
  return Error(ErrorKind::input,
               fmt::format("lint found {} problem{}; first: {}{}", lint.problems.size(),
                           lint.problems.size() == 1 ? "" : "s", p.message, where),
               {p.file, static_cast<int>(p.line), p.line ? 1 : 0});
}

class Pipeline {
 public:
  Pipeline(const ReleaseOptions& options, const Context& ctx, ReleaseReport& report)
      : o_(options), ctx_(ctx), report_(report) {}

  void run() {
    if (!o_.tag.empty()) {
      // Refused before anything changes, under the name of the step that refuses.
      if (auto clean = check_clean(); !clean) {
        report_.steps.push_back({"tag", false, {}, std::move(clean.error())});
        return;
      }
    }
    if (o_.lint && !step("lint", [&](ReleaseStep& s) { return lint_step(s); })) return;
    if (o_.freeze && !step("freeze", [&](ReleaseStep& s) { return freeze_step(s); })) return;
    if (o_.update_hash && !step("update-hash", [&](ReleaseStep& s) { return update_hash_step(s); })) return;
    if (!o_.tag.empty() && !step("tag", [&](ReleaseStep& s) { return tag_step(s); })) return;
    if (!o_.archive.empty() && !step("archive", [&](ReleaseStep& s) { return archive_step(s); })) return;
    if (o_.push) step("push", [&](ReleaseStep& s) { return push_step(s); });
  }

 private:
  bool step(std::string name, const std::function<Status(ReleaseStep&)>& body) {
    if (ctx_.cancelled()) {
      report_.steps.push_back({std::move(name), false, {}, Error(ErrorKind::interrupted, "release interrupted")});
      return false;
    }
    ReleaseStep& s = report_.steps.emplace_back();
    s.name = std::move(name);
    auto status = body(s);
    if (status) return true;
    s.ok = false;
    s.error = std::move(status.error());
    return false;
  }

  Status need_profile(std::string_view step) const {
    if (o_.profile) return {};
    return fail(ErrorKind::usage, fmt::format("the {} step needs a profile (-c PROFILE)", step));
  }

  Status check_clean() {
    if (!git::in_work_tree(o_.environment, o_.directory))
      return fail(ErrorKind::io, fmt::format("cannot tag: {} is not in a git work tree", o_.directory));
    auto dirty = SLAP_TRY(git::dirty_files(o_.environment, o_.directory));
    if (dirty.empty()) return {};
    return fail(ErrorKind::io, fmt::format("cannot tag: the work tree has uncommitted changes ({}); commit or "
                                           "revert them first: a release tags exactly what is committed",
                                           fmt::join(dirty, ", ")));
  }

  Status lint_step(ReleaseStep&) {
    SLAP_CHECK(need_profile("lint"));
    report_.lint = lint(*o_.profile, {.checksums = !o_.freeze}, ctx_);
    if (!report_.lint->problems.empty()) return fail(first_problem_error(*report_.lint));
    return {};
  }

  Status freeze_step(ReleaseStep& s) {
    SLAP_CHECK(need_profile("freeze"));
    FreezeOptions options{false, o_.fetcher, o_.resolve_revision, o_.environment};
    report_.freeze = SLAP_TRY(freeze(*o_.profile, options, ctx_));
    s.changes = freeze_changes(*report_.freeze);
    changed_.insert(changed_.end(), report_.freeze->changed_files.begin(), report_.freeze->changed_files.end());
    if (std::size_t n = report_.freeze->unfixable())
      return fail(ErrorKind::drift, fmt::format("{} item{} cannot be frozen automatically", n, n == 1 ? "" : "s"));
    return {};
  }

  Status update_hash_step(ReleaseStep& s) {
    report_.hash = SLAP_TRY(update_hash(o_.hash_files, false, ctx_));
    s.changes = hash_changes(*report_.hash);
    changed_.insert(changed_.end(), report_.hash->changed_files.begin(), report_.hash->changed_files.end());
    if (auto missing = report_.hash->missing_error()) return fail(std::move(*missing));
    return {};
  }

  Status tag_step(ReleaseStep& s) {
    std::vector<std::string> files;
    for (const auto& f : changed_) {
      std::string rel = path::relpath(path::abspath(f, o_.directory), path::abspath(o_.directory, o_.directory));
      if (std::find(files.begin(), files.end(), rel) == files.end()) files.push_back(rel);
    }
    std::string message = fmt::format("Release {}", o_.tag);
    if (!files.empty()) {
      SLAP_CHECK(git::commit(o_.environment, o_.directory, files, message));
      s.changes.push_back({{}, 0, {}, fmt::format("committed {} file{}", files.size(), files.size() == 1 ? "" : "s")});
    }
    SLAP_CHECK(git::tag(o_.environment, o_.directory, o_.tag, message));
    s.changes.push_back({{}, 0, {}, fmt::format("tagged {}", o_.tag)});
    return {};
  }

  Status archive_step(ReleaseStep& s) {
    std::string name = path::basename(path::normpath(path::abspath(o_.directory, o_.directory)));
    std::string prefix = o_.tag.empty() ? name : fmt::format("{}-{}", name, o_.tag);
    SLAP_CHECK(write_archive(o_.directory, o_.archive, prefix, o_.environment));
    s.changes.push_back({o_.archive, 0, {}, fmt::format("archive written, entries under {}/", prefix)});
    return {};
  }

  Status push_step(ReleaseStep& s) {
    SLAP_CHECK(need_profile("push"));
    if (!o_.fetcher || !o_.cache) return fail(ErrorKind::usage, "push needs a download fetcher and a cache client");
    s.changes = SLAP_TRY(push_release(*o_.profile, o_.archive, *o_.fetcher, *o_.cache, ctx_));
    return {};
  }

  const ReleaseOptions& o_;
  const Context& ctx_;
  ReleaseReport& report_;
  std::vector<std::string> changed_;
};

}  // namespace

const Error* ReleaseReport::error() const {
  for (const auto& s : steps)
    if (s.error) return &*s.error;
  return nullptr;
}

ReleaseReport run_release(const ReleaseOptions& options, const Context& ctx) {
  ReleaseReport report;
  Pipeline(options, ctx, report).run();
  return report;
}

}  // namespace slap::release
