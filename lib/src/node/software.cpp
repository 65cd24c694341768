// `slap node software`: each supplied release built into ROOT/software/<md5(url)> with
// the build engine (binary cache first, as any build), destroyed ones removed.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "slap/fs.hpp"
#include "slap/lock.hpp"
#include "slap/node.hpp"
#include "slap/paths.hpp"

namespace slap::node {

namespace {

using Clock = std::chrono::steady_clock;

bool wanted_software(const Options& o, const std::string& url) {
  return o.only.empty() || std::find(o.only.begin(), o.only.end(), url) != o.only.end();
}

// The generated buildout.cfg of a release, as slapgrid writes it.
std::string software_profile(const std::string& url, const std::vector<std::string>& shared) {
  std::string out = fmt::format("[buildout]\nextends = {}\n", url);
  if (!shared.empty()) {
    out += "shared-part-list =";
    for (const auto& d : shared) out += "\n  " + d;
    out += "\n";
  }
  return out;
}

Status build_release(const Options& o, const Context& ctx, const std::string& url, const std::string& dir) {
  SLAP_CHECK(fs::make_dirs(dir, 0755));
  SLAP_CHECK(fs::remove_all(path::join(dir, ".completed")));
  build::Options bo = o.build;
  if (bo.shared_dirs.empty()) bo.shared_dirs = {o.layout.shared_parts()};
  std::string profile = path::join(dir, "buildout.cfg");
  SLAP_CHECK(fs::write_atomic(profile, software_profile(url, bo.shared_dirs), 0644));
  bo.profile = profile;
  bo.cwd = dir;
  SLAP_TRY(build::build(bo, ctx));
  for (const char* entry : {"instance.cfg", "template.cfg"})
    if (fs::exists(path::join(dir, entry)))
      return fs::write_atomic(path::join(dir, ".completed"), url + "\n", 0644);
  return fail(ErrorKind::input, fmt::format("{} built, but produced no instance.cfg (nor template.cfg) in {}", url, dir));
}

}  // namespace

Result<std::vector<SoftwareOutcome>> converge_software(const Options& o, const Context& ctx) {
  SLAP_CHECK(fs::make_dirs(o.layout.run_dir(), 0755));
  std::string lock_file = path::join(o.layout.run_dir(), "software.lock");
  auto lock = SLAP_TRY(FileLock::try_acquire(lock_file));
  if (!lock)
    return fail(ErrorKind::io, fmt::format("another slap node software is running on {}{}: not starting", o.layout.root,
                                           FileLock::holder_note(lock_file)));
  State state = SLAP_TRY(State::open(o.layout));
  std::vector<SoftwareOutcome> out;
  for (const auto& sw : SLAP_TRY(state.software())) {
    if (!wanted_software(o, sw.url)) continue;
    if (ctx.cancelled()) return fail(ErrorKind::interrupted, "interrupted");
    auto started = Clock::now();
    SoftwareOutcome r{sw.url, o.layout.software_dir(sw.url)};
    if (sw.state == "destroyed") {
      ctx.info(fmt::format("removing {} ({})", sw.url, r.path));
      SLAP_CHECK(fs::remove_all(r.path));
      SLAP_CHECK(state.forget_software(sw.url));
      r.action = SoftwareOutcome::Action::removed;
    } else if (!o.force && sw.status == "available" && fs::exists(path::join(r.path, ".completed"))) {
      r.action = SoftwareOutcome::Action::kept;
    } else {
      ctx.info(fmt::format("building {} in {}", sw.url, r.path));
      Status built = build_release(o, ctx, sw.url, r.path);
      if (!built && built.error().kind == ErrorKind::interrupted) return fail(std::move(built.error()));
      if (built) {
        r.action = SoftwareOutcome::Action::built;
        SLAP_CHECK(state.report_software(sw.url, "available", ""));
      } else {
        r.action = SoftwareOutcome::Action::failed;
        r.error = built.error().describe();
        for (const auto& c : built.error().context) r.error += "\n  while " + c;
        SLAP_CHECK(state.report_software(sw.url, "error", r.error));
      }
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace slap::node
