// The process table from /proc: one read of /proc/PID/stat per process gives all the
// collector needs (parent, start time, CPU times, resident pages).
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <charconv>

#include "slap/fd.hpp"
#include "slap/usage.hpp"

namespace slap::usage {

namespace {

template <typename T>
bool number(std::string_view field, T& out) {
  auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), out);
  return ec == std::errc() && end == field.data() + field.size();
}

}  // namespace

std::optional<ProcessStat> parse_stat(std::string_view text, long page_size) {
  // "PID (COMM) STATE PPID ...": COMM may hold anything, so fields start after the last ')'.
  std::size_t open = text.find(" (");
  std::size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  ProcessStat s;
  if (!number(text.substr(0, open), s.pid)) return std::nullopt;
  // Fields after COMM, from 0: state ppid pgrp session tty tpgid flags minflt cminflt majflt
  // cmajflt utime(11) stime cutime cstime priority nice threads itrealvalue starttime(19)
  // vsize rss(21).
  std::string_view rest = text.substr(close + 1);
  std::string_view fields[22];
  std::size_t n = 0, i = 0;
  while (n < 22 && i < rest.size()) {
    while (i < rest.size() && rest[i] == ' ') ++i;
    std::size_t j = rest.find_first_of(" \n", i);
    if (j == std::string_view::npos) j = rest.size();
    if (j > i) fields[n++] = rest.substr(i, j - i);
    i = j;
  }
  if (n < 22) return std::nullopt;
  std::int64_t utime = 0, stime = 0, cutime = 0, cstime = 0, pages = 0;
  if (!number(fields[1], s.ppid) || !number(fields[11], utime) || !number(fields[12], stime) ||
      !number(fields[13], cutime) || !number(fields[14], cstime) || !number(fields[19], s.start) ||
      !number(fields[21], pages))
    return std::nullopt;
  s.own = utime + stime;
  s.reaped = cutime + cstime;
  s.rss = pages * page_size;
  return s;
}

std::vector<ProcessStat> read_processes(const std::string& proc_root) {
  std::vector<ProcessStat> out;
  UniqueDir dir(::opendir(proc_root.c_str()));
  if (!dir) return out;
  long page_size = ::sysconf(_SC_PAGESIZE);
  int dir_fd = ::dirfd(dir.get());
  char buffer[1024];
  while (dirent* e = ::readdir(dir.get())) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    std::string name = std::string(e->d_name) + "/stat";
    UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.open()) continue;  // gone meanwhile
    ssize_t got = ::read(fd.get(), buffer, sizeof buffer - 1);
    if (got <= 0) continue;
    if (auto s = parse_stat(std::string_view(buffer, static_cast<std::size_t>(got)), page_size)) out.push_back(*s);
  }
  return out;
}

}  // namespace slap::usage
