// The partition directory layout of spec/slapos-node.md §3.
#include "slap/fs.hpp"
#include "slap/instance.hpp"
#include "slap/paths.hpp"

namespace slap::instance {

Status make_layout(const std::string& partition) {
  for (const char* d : {"etc", "etc/promise", "etc/plugin", "etc/service", "etc/run", "etc/cron.d", "bin", "sbin",
                        "srv", "var", "var/log", "var/run", "tmp", ".slapgrid/log", ".slapgrid/promise/result",
                        ".slapgrid/promise/log", ".slap"})
    SLAP_CHECK(fs::make_dirs(path::join(partition, d), 0750));
  return {};
}

}  // namespace slap::instance
