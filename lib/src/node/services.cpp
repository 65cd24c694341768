// A partition's services: etc/service/* (restarted when they exit) and etc/run/* (run
// once), run by supervisord as one group named after the partition.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "node/run.hpp"
#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"

namespace slap::node::detail {

namespace {

void add_programs(supervisor::Group& group, const std::string& dir, bool run_once) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.starts_with(".")) continue;
    std::string file = e.path().string();
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;  // broken links, directories
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    std::string file = path::join(dir, name);
    // An unreadable wrapper still runs (and fails visibly under supervisord).
    std::string digest = checksum::file_hex_digest(checksum::Algorithm::sha256, file).value_or("");
    group.programs.push_back({name, file, run_once, digest.substr(0, 16)});
  }
}

}  // namespace

supervisor::Group service_group(const std::string& partition_id, const std::string& dir, bool started) {
  supervisor::Group g{partition_id, dir, started, {}};
  add_programs(g, path::join(dir, "etc/service"), false);
  add_programs(g, path::join(dir, "etc/run"), true);
  return g;
}

Status update_services(Run& run, const supervisor::Group& group) {
  // Without programs there is nothing for supervisord to run: it is not started for that,
  // only told when it runs already (the group then goes away).
  if (group.programs.empty() && !run.supervisor.running()) return run.supervisor.remove(group.name);
  SLAP_CHECK(run.supervisor.ensure_running(run.ctx));
  return run.supervisor.apply(group);
}

}  // namespace slap::node::detail
