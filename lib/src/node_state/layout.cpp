// Where a node keeps things (slap/node_state.hpp) and `slap node format`.
#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/node_state.hpp"
#include "slap/paths.hpp"

namespace slap::node {

std::string Layout::database() const { return path::join(root, "node.db"); }
std::string Layout::software_root() const { return path::join(root, "software"); }
std::string Layout::software_dir(const std::string& url) const {
  return path::join(software_root(), checksum::hex_digest(checksum::Algorithm::md5, url));
}
std::string Layout::instance_root() const { return path::join(root, "instance"); }
std::string Layout::partition_dir(const std::string& id) const { return path::join(instance_root(), id); }
std::string Layout::shared_parts() const { return path::join(root, "shared"); }
std::string Layout::etc_dir() const { return path::join(root, "etc"); }
std::string Layout::run_dir() const { return path::join(root, "var/run"); }
std::string Layout::log_dir() const { return path::join(root, "var/log"); }

Result<std::vector<std::string>> format(const Layout& layout, unsigned partitions) {
  for (const auto& dir : {layout.root, layout.software_root(), layout.instance_root(), layout.etc_dir(),
                          layout.run_dir(), layout.log_dir()})
    SLAP_CHECK(fs::make_dirs(dir, 0755));
  auto state = SLAP_TRY(State::open(layout));
  auto added = SLAP_TRY(state.format(partitions));
  for (unsigned n = 0; n < partitions; ++n)
    SLAP_CHECK(fs::make_dirs(layout.partition_dir("slappart" + std::to_string(n)), 0750));
  return added;
}

}  // namespace slap::node
