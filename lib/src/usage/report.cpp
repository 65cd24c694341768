// Totals over a period, from the ledger's samples: a sample counts in the period its
// time falls in, with the whole interval it closes.
#include <limits>

#include "slap/usage.hpp"
#include "usage/ledger.hpp"

namespace slap::usage {

namespace {

constexpr double gib = 1024.0 * 1024.0 * 1024.0;

}  // namespace

double Totals::memory_average() const {
  return measured_ms > 0 ? memory_byte_seconds / (static_cast<double>(measured_ms) / 1000.0) : static_cast<double>(rss_last);
}

double Totals::disk_average() const {
  return measured_ms > 0 ? disk_byte_seconds / (static_cast<double>(measured_ms) / 1000.0) : static_cast<double>(disk_peak);
}

Result<std::vector<Totals>> report(const std::string& ledger, const Query& q) {
  auto db = SLAP_TRY(detail::open_ledger(ledger, false));
  auto s = SLAP_TRY(db.prepare(R"(
SELECT partition, instance, reference, MIN(time), MAX(time), COUNT(*), TOTAL(interval), TOTAL(cpu_ms),
       MAX(rss), TOTAL(rss_integral), COALESCE(MAX(disk), 0), TOTAL(disk_integral), MAX(processes),
       (SELECT l.rss FROM sample l WHERE l.partition = sample.partition AND l.time <= ?3
        ORDER BY l.time DESC, l.id DESC LIMIT 1)
FROM sample
WHERE (?1 = '' OR partition = ?1) AND time >= ?2 AND time <= ?3
GROUP BY partition, instance, reference
ORDER BY partition, MIN(time))"));
  s.bind(1, q.partition);
  s.bind(2, static_cast<long long>(q.since_ms.value_or(std::numeric_limits<std::int64_t>::min())));
  s.bind(3, static_cast<long long>(q.until_ms.value_or(std::numeric_limits<std::int64_t>::max())));
  std::vector<Totals> out;
  while (SLAP_TRY(s.step())) {
    Totals t;
    t.partition = s.text(0);
    t.instance = s.text(1);
    t.reference = s.text(2);
    t.first_ms = s.integer(3);
    t.last_ms = s.integer(4);
    t.samples = s.integer(5);
    t.measured_ms = static_cast<std::int64_t>(s.real(6));
    t.cpu_seconds = s.real(7) / 1000.0;
    t.memory_peak = s.integer(8);
    t.memory_byte_seconds = s.real(9);
    t.disk_peak = s.integer(10);
    t.disk_byte_seconds = s.real(11);
    t.processes_peak = static_cast<int>(s.integer(12));
    t.rss_last = s.integer(13);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<CostLine> costs(const Totals& t, const Prices& p) {
  std::vector<CostLine> out;
  auto line = [&](const char* resource, double quantity, const char* unit, const std::optional<double>& price) {
    if (price) out.push_back({resource, quantity, unit, *price, quantity * *price});
  };
  line("cpu", t.cpu_seconds / 3600.0, "CPU-hour", p.cpu_hour);
  line("memory", t.memory_byte_seconds / gib / 3600.0, "GiB-hour", p.memory_gib_hour);
  line("disk", t.disk_byte_seconds / gib / 3600.0, "GiB-hour", p.disk_gib_hour);
  return out;
}

}  // namespace slap::usage
