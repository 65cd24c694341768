#include <doctest/doctest.h>
#include <unistd.h>

#include "slap/config.hpp"
#include "slap/usage.hpp"
#include "test_support.hpp"

using namespace slap;

TEST_CASE("collect records one sample per partition; report adds them up with time-weighted memory") {
  std::string dir = test::temp_dir("usage-ledger");
  test::write(dir + "/part/file", std::string(10000, 'x'));
  usage::CollectOptions o;
  o.ledger = dir + "/usage.db";
  o.targets = {{"slappart0", dir + "/part", "mine", "SOFT-1", {::getpid()}}, {"slappart1", dir + "/none", "", "", {}}};
  o.now_ms = 1'000'000;
  auto first = usage::collect(o);
  REQUIRE(first);
  REQUIRE(first->samples.size() == 2);
  CHECK(first->samples[0].processes >= 1);
  CHECK(first->samples[0].interval_ms == 0);
  CHECK(first->samples[0].disk.value_or(0) >= 8192);
  CHECK(first->samples[1].processes == 0);
  volatile double x = 0;
  for (long i = 0; i < 30'000'000; ++i) x = x + 1.0 / static_cast<double>(i + 1);
  o.now_ms = 1'060'000;
  auto second = usage::collect(o);
  REQUIRE(second);
  CHECK(second->samples[0].interval_ms == 60'000);
  CHECK_FALSE(second->samples[0].disk);  // measured again after usage.disk-period only
  auto totals = usage::report(o.ledger, {});
  REQUIRE(totals);
  REQUIRE(totals->size() == 2);
  const auto& t = (*totals)[0];
  CHECK(t.partition == "slappart0");
  CHECK(t.reference == "SOFT-1");
  CHECK(t.samples == 2);
  CHECK(t.measured_ms == 60'000);
  CHECK(t.cpu_seconds * 1000 >= first->samples[0].cpu_ms + second->samples[0].cpu_ms - 1);
  CHECK(t.memory_average() > 0);
  CHECK(t.memory_average() <= static_cast<double>(t.memory_peak));
  CHECK(t.disk_average() == doctest::Approx(static_cast<double>(*first->samples[0].disk)));
  CHECK((*totals)[1].cpu_seconds == 0);
  auto only = usage::report(o.ledger, {"slappart1", std::nullopt, std::nullopt});
  REQUIRE(only);
  CHECK(only->size() == 1);
  auto later = usage::report(o.ledger, {"", 1'030'000, std::nullopt});
  REQUIRE(later);
  CHECK((*later)[0].samples == 1);
}

TEST_CASE("report on a missing ledger is a usage error naming it") {
  auto r = usage::report("/nonexistent/usage.db", {});
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == ErrorKind::usage);
  CHECK(r.error().message.starts_with("no usage ledger /nonexistent/usage.db"));
}

TEST_CASE("costs: quantity in the price's unit times the price; no price, no line") {
  usage::Totals t;
  t.cpu_seconds = 7200;
  t.memory_byte_seconds = 2.0 * 1024 * 1024 * 1024 * 3600;
  auto lines = usage::costs(t, {0.5, 0.1, std::nullopt, "EUR"});
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].resource == "cpu");
  CHECK(lines[0].quantity == doctest::Approx(2.0));
  CHECK(lines[0].cost == doctest::Approx(1.0));
  CHECK(lines[1].unit == "GiB-hour");
  CHECK(lines[1].cost == doctest::Approx(0.2));
}

TEST_CASE("parse_time: dates, times, @unix and ages; anything else is a usage error") {
  std::int64_t now = 1'800'000'000'000;
  CHECK(usage::parse_time("2026-12-03", now).value() == 1'796'256'000'000);
  CHECK(usage::parse_time("2026-12-03T04:00:00Z", now).value() == 1'796'256'000'000 + 4 * 3'600'000);
  CHECK(usage::parse_time("2026-12-03T04:00", now).value() == 1'796'256'000'000 + 4 * 3'600'000);
  CHECK(usage::parse_time("@1700000000", now).value() == 1'700'000'000'000);
  CHECK(usage::parse_time("1h", now).value() == now - 3'600'000);
  CHECK(usage::parse_time("2d", now).value() == now - 2 * 86'400'000);
  auto bad = usage::parse_time("yesterday", now);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::usage);
  CHECK(usage::format_time(1'796'256'000'000) == "2026-12-03T00:00:00Z");
}

TEST_CASE("the slapos document: one transaction, three movements per partition in upstream's units") {
  usage::Totals t;
  t.partition = "slappart0";
  t.instance = "a <b>";
  t.reference = "SOFT-3";
  t.measured_ms = 100'000;
  t.cpu_seconds = 50;
  t.memory_byte_seconds = 100.0 * 1024 * 1024 * 100;  // 100 MiB on average
  std::string x = usage::slapos_document({t}, "slap-local", 1'796'256'000'000, 1'796'256'000'000 + 86'399'000);
  CHECK(x.find("<transaction type=\"Sale Packing List\">") != std::string::npos);
  CHECK(x.find("<reference>2026-12-03-global</reference>") != std::string::npos);
  CHECK(x.find("<start_date>2026-12-03 00:00:00</start_date>") != std::string::npos);
  CHECK(x.find("<resource>service_module/cpu_load_percent</resource>\n      <title>CPU Load Percent Average for "
               "slappart0 (a &lt;b&gt;)</title>\n      <reference>SOFT-3</reference>\n      <quantity>50</quantity>") !=
        std::string::npos);
  CHECK(x.find("<resource>service_module/memory_used</resource>") != std::string::npos);
  CHECK(x.find("<quantity>100</quantity>") != std::string::npos);
}

TEST_CASE("config: nested [usage.price] tables, decimal prices, bad prices named with file:line") {
  std::string dir = test::temp_dir("config-usage");
  test::write(dir + "/slap.toml", "[usage]\ncurrency = \"EUR\"\n[usage.price]\ncpu-hour = 0.05\nmemory-gib-hour = 1\n");
  ConfigSources src;
  src.home = dir;
  src.system_file = dir + "/none.toml";
  src.cwd = dir;
  auto c = load_config(src);
  REQUIRE(c);
  CHECK(c->get_number("usage.price.cpu-hour").value() == doctest::Approx(0.05));
  CHECK(c->get_number("usage.price.memory-gib-hour").value() == doctest::Approx(1.0));
  CHECK_FALSE(c->get_number("usage.price.disk-gib-hour"));
  CHECK(c->find("usage.price.cpu-hour")->origin == dir + "/slap.toml:4");
  test::write(dir + "/slap.toml", "[usage.price]\ncpu-hour = -1.5\n");
  c = load_config(src);
  REQUIRE_FALSE(c);
  CHECK(c.error().describe() == dir + "/slap.toml:2:12: 'usage.price.cpu-hour' must be a number, 0 or more, not '-1.5'");
  test::write(dir + "/slap.toml", "[usage.price]\ncpu-hours = 1\n");
  c = load_config(src);
  REQUIRE_FALSE(c);
  CHECK(c.error().describe() ==
        dir + "/slap.toml:2:13: unknown setting 'usage.price.cpu-hours' (did you mean 'usage.price.cpu-hour'?)");
}
