// check_file_state (a file is absent, empty or not empty) and check_free_disk_space (the
// file system holding a path keeps enough free space and inodes).
#include <fcntl.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fmt/format.h>

#include "promise/checks.hpp"
#include "promise/text.hpp"
#include "slap/fd.hpp"
#include "slap/fs.hpp"
#include "slap/strings.hpp"

namespace slap::promise {

namespace {

constexpr double gib = 1024.0 * 1024 * 1024;
constexpr double inode_usage_limit = 97.99;  // percent, as slapos.toolbox

// Reads one byte: -1 on error (errno set), else the number of bytes read (0 = empty).
int probe_content(const std::string& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.open()) return -1;
  char c;
  ssize_t n = ::read(fd.get(), &c, 1);
  return n < 0 ? -1 : static_cast<int>(n);
}

// "2" (GiB, slapos.toolbox's unit), or with a unit: "500M", "1.5G", "1048576B", "10KiB".
std::optional<double> parse_bytes(std::string_view text) {
  std::string t(str::strip(text));
  char* end = nullptr;
  double value = std::strtod(t.c_str(), &end);
  if (end == t.c_str() || !(value >= 0)) return std::nullopt;
  std::string unit = str::to_lower(str::strip(end));
  if (unit.ends_with("ib")) unit.resize(unit.size() - 2);
  else if (unit.size() > 1 && unit.ends_with("b")) unit.pop_back();
  static const std::pair<std::string_view, double> units[] = {
      {"", gib}, {"b", 1}, {"k", 1024.0}, {"m", 1024.0 * 1024}, {"g", gib}, {"t", gib * 1024}};
  for (const auto& [name, factor] : units)
    if (unit == name) return value * factor;
  return std::nullopt;
}

}  // namespace

Measure sense_file_state(const CheckInput& in) {
  std::string file = in.get("filename");
  std::string state = in.get("state");
  std::string url = std::string(str::strip(in.get("url")));
  if (file.empty()) return {true, "ERROR: 'filename' is not set"};
  if (state != "empty" && state != "not-empty" && state != "absent")
    return {true, fmt::format("ERROR: 'state' must be empty, not-empty or absent, not {}", str::string_repr(state))};
  std::string ok = fmt::format("OK {} state {}", str::string_repr(file), str::string_repr(state));
  bool present = fs::exists(file);
  if (state == "absent") return present ? Measure{true, fmt::format("ERROR {} not absent", str::string_repr(file))} : Measure{false, ok};
  if (!present) return {true, fmt::format("ERROR {} not present", str::string_repr(file))};
  int n = probe_content(file);
  if (n < 0)
    return {true, fmt::format("ERROR {} during opening and reading file {}", std::strerror(errno), str::string_repr(file))};
  if (state == "empty" && n > 0)
    return {true, fmt::format("ERROR {} not empty{}", str::string_repr(file), url.empty() ? "" : ", content available at " + url)};
  if (state == "not-empty" && n == 0) return {true, fmt::format("ERROR {} empty", str::string_repr(file))};
  return {false, ok};
}

Measure sense_free_disk_space(const CheckInput& in) {
  std::string where = in.get("path", in.partition);
  struct statvfs st {};
  if (::statvfs(where.c_str(), &st) != 0)
    return {true, fmt::format("ERROR cannot check the file system of {}: {}", str::string_repr(where), std::strerror(errno))};
  double total = static_cast<double>(st.f_blocks) * static_cast<double>(st.f_frsize);
  double free = static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize);
  double threshold = total * 0.05;  // slapos.toolbox's default: 5% of the disk
  if (std::string text = in.get("threshold"); !text.empty()) {
    auto parsed = parse_bytes(text);
    if (!parsed) return {true, fmt::format("ERROR: 'threshold' must be a size like 2 (GiB), 500M or 10G, not {}", str::string_repr(text))};
    threshold = *parsed;
  }
  if (free <= threshold)
    return {true, fmt::format("Free disk space low: remaining {:.2f} G (threshold: {:.2f} G)", free / gib, threshold / gib)};
  if (st.f_files > 0) {
    double usage = 100.0 * static_cast<double>(st.f_files - st.f_ffree) / static_cast<double>(st.f_files);
    if (usage > inode_usage_limit) return {true, fmt::format("Disk Inodes usages is really high: {:.2f}%", usage)};
  }
  return {false, fmt::format("Disk usage: OK ({:.2f} G free on {}, threshold {:.2f} G)", free / gib, where, threshold / gib)};
}

}  // namespace slap::promise
