#include <doctest/doctest.h>
#include <unistd.h>

#include "slap/usage.hpp"

using namespace slap;
using usage::Baseline;
using usage::ProcessStat;

namespace {

// pid, ppid, start, own, reaped (ticks), rss
ProcessStat proc(long pid, long ppid, std::uint64_t start, std::int64_t own, std::int64_t reaped = 0,
                 std::int64_t rss = 4096) {
  return {pid, ppid, start, own, reaped, rss};
}

// What account() charged, then its baselines fed to the next call: a sequence of collections.
struct Ledger {
  std::map<std::string, std::vector<long>> roots;
  std::vector<Baseline> baselines;
  std::map<std::string, std::int64_t> total;
  usage::Accounting step(const std::vector<ProcessStat>& now) {
    auto a = usage::account(roots, now, baselines);
    for (const auto& [p, c] : a.partitions) total[p] += c.ticks;
    baselines = a.baselines;
    return a;
  }
};

}  // namespace

TEST_CASE("parse_stat reads the fields after a command name holding spaces and parentheses") {
  auto s = usage::parse_stat(
      "4242 (a (b) c) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 1 0 987654 1000000 300 18446744073709551615",
      4096);
  REQUIRE(s);
  CHECK(s->pid == 4242);
  CHECK(s->ppid == 17);
  CHECK(s->own == 300);
  CHECK(s->reaped == 50);
  CHECK(s->start == 987654);
  CHECK(s->rss == 300 * 4096);
  CHECK_FALSE(usage::parse_stat("12 (x) S 1 2 3", 4096));
  CHECK_FALSE(usage::parse_stat("garbage", 4096));
}

TEST_CASE("read_processes sees this process with its parent") {
  auto all = usage::read_processes();
  bool found = false;
  for (const auto& p : all)
    if (p.pid == ::getpid()) found = p.ppid == ::getppid() && p.rss > 0;
  CHECK(found);
}

TEST_CASE("a partition is charged its group's processes and their descendants, a neighbour nothing") {
  Ledger l;
  l.roots = {{"slappart0", {100}}, {"slappart1", {200}}};
  // supervisord (10) runs 100 and 200; 100 has a child 101, which has 102.
  l.step({proc(10, 1, 5, 1000), proc(100, 10, 50, 20), proc(101, 100, 60, 30), proc(102, 101, 61, 5),
          proc(200, 10, 51, 1)});
  CHECK(l.total["slappart0"] == 55);
  CHECK(l.total["slappart1"] == 1);
  auto a = l.step({proc(10, 1, 5, 5000), proc(100, 10, 50, 120), proc(101, 100, 60, 30), proc(102, 101, 61, 5),
                   proc(200, 10, 51, 1)});
  CHECK(a.partitions["slappart0"].ticks == 100);
  CHECK(a.partitions["slappart0"].processes == 3);
  CHECK(a.partitions["slappart1"].ticks == 0);
}

TEST_CASE("a child that exits is charged once: what was charged of it is taken back from its reaper's growth") {
  Ledger l;
  l.roots = {{"p", {100}}};
  l.step({proc(100, 10, 50, 10), proc(101, 100, 60, 40)});
  CHECK(l.total["p"] == 50);
  // 101 ran 25 more ticks, exited, and 100 reaped it: 100's reaped times hold its 65.
  l.step({proc(100, 10, 50, 10, 65)});
  CHECK(l.total["p"] == 75);
  l.step({proc(100, 10, 50, 10, 65)});
  CHECK(l.total["p"] == 75);
}

TEST_CASE("short-lived children never seen are charged through their parent's reaped times") {
  Ledger l;
  l.roots = {{"p", {100}}};
  l.step({proc(100, 10, 50, 10)});
  l.step({proc(100, 10, 50, 12, 300)});
  CHECK(l.total["p"] == 312);
}

TEST_CASE("a grandchild and its parent both gone: each charged once through the first living ancestor") {
  Ledger l;
  l.roots = {{"p", {100}}};
  l.step({proc(100, 10, 50, 0), proc(101, 100, 60, 10), proc(102, 101, 70, 20)});
  CHECK(l.total["p"] == 30);
  // 102 ran to 25 and was reaped by 101 (reaped 25), which ran to 15 and was reaped by 100.
  l.step({proc(100, 10, 50, 0, 40)});
  CHECK(l.total["p"] == 40);
}

TEST_CASE("a reused pid is a new process, the old one's CPU is not taken from it") {
  Ledger l;
  l.roots = {{"p", {100}}};
  l.step({proc(100, 10, 50, 0), proc(101, 100, 60, 500)});
  CHECK(l.total["p"] == 500);
  // 101 exited (reaped by 100: +520) and its pid now names a new process started later.
  l.step({proc(100, 10, 50, 0, 520), proc(101, 100, 90, 7)});
  CHECK(l.total["p"] == 527);
}

TEST_CASE("a top-level process restarted by supervisord: the new one is charged, nothing taken back") {
  Ledger l;
  l.roots = {{"p", {100}}};
  l.step({proc(10, 1, 5, 0), proc(100, 10, 50, 80)});
  l.roots = {{"p", {150}}};
  l.step({proc(10, 1, 5, 0, 90), proc(150, 10, 95, 3)});
  CHECK(l.total["p"] == 83);
}

TEST_CASE("a daemon that left the tree stays charged to its partition while it lives") {
  Ledger l;
  l.roots = {{"p", {100}}};
  l.step({proc(100, 10, 50, 0), proc(101, 100, 60, 10)});
  // 101 reparented to init after its parent exited (supervisord restarted nothing yet).
  l.roots = {{"p", {}}};
  auto a = l.step({proc(101, 1, 60, 30)});
  CHECK(a.partitions["p"].processes == 1);
  CHECK(l.total["p"] == 30);
}

TEST_CASE("a partition's charge never goes below zero") {
  Ledger l;
  l.roots = {{"p", {100}}};
  l.step({proc(100, 10, 50, 0), proc(101, 100, 60, 100)});
  // 101 was reaped without 100's reaped times growing (SIGCHLD ignored): nothing to take back from.
  auto a = l.step({proc(100, 10, 50, 1)});
  CHECK(a.partitions["p"].ticks == 0);
}
