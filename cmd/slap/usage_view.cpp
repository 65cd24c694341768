#include "usage_view.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace slap::cli {

namespace {

using json = nlohmann::json;

json time_json(const std::optional<std::int64_t>& ms) { return ms ? json(usage::format_time(*ms)) : json(nullptr); }

double cpu_percent(const usage::Totals& t) {
  return t.measured_ms > 0 ? t.cpu_seconds / (static_cast<double>(t.measured_ms) / 1000.0) * 100.0 : 0.0;
}

json totals_json(const usage::Totals& t, const usage::Prices& prices) {
  json costs = json::array();
  double total = 0;
  for (const auto& c : usage::costs(t, prices)) {
    costs.push_back({{"resource", c.resource}, {"quantity", c.quantity}, {"unit", c.unit}, {"price", c.price},
                     {"cost", c.cost}});
    total += c.cost;
  }
  return {{"partition", t.partition},
          {"instance", t.instance},
          {"reference", t.reference},
          {"first", usage::format_time(t.first_ms)},
          {"last", usage::format_time(t.last_ms)},
          {"samples", t.samples},
          {"measured_seconds", static_cast<double>(t.measured_ms) / 1000.0},
          {"cpu_seconds", t.cpu_seconds},
          {"memory", {{"average_bytes", t.memory_average()}, {"peak_bytes", t.memory_peak},
                      {"byte_seconds", t.memory_byte_seconds}, {"last_bytes", t.rss_last}}},
          {"disk", {{"average_bytes", t.disk_average()}, {"peak_bytes", t.disk_peak},
                    {"byte_seconds", t.disk_byte_seconds}}},
          {"processes_peak", t.processes_peak},
          {"costs", costs},
          {"cost", total}};
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

usage::Prices usage_prices(const Config& config) {
  return {config.get_number("usage.price.cpu-hour"), config.get_number("usage.price.memory-gib-hour"),
          config.get_number("usage.price.disk-gib-hour"), config.get("usage.currency")};
}

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.1f} {}", bytes, units[u]);
}

json collection_json(const usage::Collection& c) {
  json samples = json::array();
  for (const auto& s : c.samples)
    samples.push_back({{"partition", s.partition}, {"instance", s.instance}, {"time", usage::format_time(s.time_ms)},
                       {"interval_seconds", static_cast<double>(s.interval_ms) / 1000.0},
                       {"cpu_seconds", static_cast<double>(s.cpu_ms) / 1000.0}, {"rss_bytes", s.rss},
                       {"disk_bytes", s.disk ? json(*s.disk) : json(nullptr)}, {"processes", s.processes}});
  return {{"samples", samples}, {"collector_cpu_ms", c.cpu_ms}};
}

json report_json(const UsageReport& r) {
  json parts = json::array();
  double total = 0;
  for (const auto& t : r.totals) {
    parts.push_back(totals_json(t, r.prices));
    total += parts.back()["cost"].get<double>();
  }
  return {{"ledger", r.ledger}, {"since", time_json(r.since_ms)}, {"until", time_json(r.until_ms)},
          {"currency", r.prices.currency}, {"partitions", parts}, {"cost", total}};
}

void print_report(Terminal& t, const UsageReport& r) {
  if (r.totals.empty()) {
    t.note("no samples in this period");
    return;
  }
  t.out(fmt::format("{:<12} {:<20} {:>10} {:>10} {:>10} {:>10} {:>10} {:>5} {:>7}\n", "PARTITION", "INSTANCE", "CPU s",
                    "MEM avg", "MEM peak", "DISK avg", "DISK peak", "PROCS", "SAMPLES"));
  double total = 0;
  std::vector<std::string> cost_lines;
  for (const auto& x : r.totals) {
    t.out(fmt::format("{:<12} {:<20} {:>10.2f} {:>10} {:>10} {:>10} {:>10} {:>5} {:>7}\n", x.partition,
                      x.instance.empty() ? "-" : x.instance, x.cpu_seconds, human_bytes(x.memory_average()),
                      human_bytes(static_cast<double>(x.memory_peak)), human_bytes(x.disk_average()),
                      human_bytes(static_cast<double>(x.disk_peak)), x.processes_peak, x.samples));
    for (const auto& c : usage::costs(x, r.prices)) {
      cost_lines.push_back(fmt::format("{:<12} {:<20} {:<7} {:>14.6f} {:<9} x {:<10g} = {:>12.6f} {}", x.partition,
                                       x.instance.empty() ? "-" : x.instance, c.resource, c.quantity, c.unit, c.price,
                                       c.cost, r.prices.currency));
      total += c.cost;
    }
  }
  if (cost_lines.empty()) return;
  t.out("\nCOSTS\n");
  for (const auto& l : cost_lines) t.out(l + "\n");
  t.out(fmt::format("{:<12} {:>68.6f} {}\n", "total", total, r.prices.currency));
}

std::string report_csv(const UsageReport& r) {
  std::string out = "partition,instance,reference,first,last,resource,quantity,unit,price,cost\n";
  constexpr double gib = 1024.0 * 1024.0 * 1024.0;
  for (const auto& t : r.totals) {
    auto costs = usage::costs(t, r.prices);
    auto row = [&](const char* resource, double quantity, const char* unit) {
      std::string price, cost;
      for (const auto& c : costs)
        if (c.resource == resource) {
          price = fmt::format("{}", c.price);
          cost = fmt::format("{}", c.cost);
        }
      out += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", csv_field(t.partition), csv_field(t.instance),
                         csv_field(t.reference), usage::format_time(t.first_ms), usage::format_time(t.last_ms),
                         resource, quantity, unit, price, cost);
    };
    row("cpu", t.cpu_seconds / 3600.0, "CPU-hour");
    row("memory", t.memory_byte_seconds / gib / 3600.0, "GiB-hour");
    row("disk", t.disk_byte_seconds / gib / 3600.0, "GiB-hour");
    row("memory-average", t.memory_average(), "byte");
    row("memory-peak", static_cast<double>(t.memory_peak), "byte");
    row("disk-average", t.disk_average(), "byte");
    row("disk-peak", static_cast<double>(t.disk_peak), "byte");
    row("processes-peak", t.processes_peak, "process");
  }
  return out;
}

namespace {

std::vector<const usage::Totals*> by_cpu_then_memory(const UsageReport& r) {
  std::vector<const usage::Totals*> rows;
  for (const auto& t : r.totals) rows.push_back(&t);
  std::stable_sort(rows.begin(), rows.end(), [](const usage::Totals* a, const usage::Totals* b) {
    if (a->cpu_seconds != b->cpu_seconds) return a->cpu_seconds > b->cpu_seconds;
    return a->memory_average() > b->memory_average();
  });
  return rows;
}

}  // namespace

json top_json(const UsageReport& r) {
  json rows = json::array();
  for (const auto* t : by_cpu_then_memory(r))
    rows.push_back({{"partition", t->partition}, {"instance", t->instance}, {"cpu_seconds", t->cpu_seconds},
                    {"cpu_percent", cpu_percent(*t)}, {"memory_bytes", t->rss_last},
                    {"memory_average_bytes", t->memory_average()}, {"memory_peak_bytes", t->memory_peak},
                    {"processes_peak", t->processes_peak}});
  return {{"since", time_json(r.since_ms)}, {"until", time_json(r.until_ms)}, {"partitions", rows}};
}

void print_top(Terminal& t, const UsageReport& r, std::size_t rows) {
  auto sorted = by_cpu_then_memory(r);
  t.out(fmt::format("last hour, until {}: {} partitions\n", r.until_ms ? usage::format_time(*r.until_ms) : "now",
                    sorted.size()));
  t.out(fmt::format("{:<12} {:<20} {:>7} {:>9} {:>10} {:>10} {:>10} {:>5}\n", "PARTITION", "INSTANCE", "CPU %",
                    "CPU s", "MEM", "MEM avg", "MEM peak", "PROCS"));
  for (std::size_t i = 0; i < sorted.size() && i < rows; ++i) {
    const auto& x = *sorted[i];
    t.out(fmt::format("{:<12} {:<20} {:>7.1f} {:>9.2f} {:>10} {:>10} {:>10} {:>5}\n", x.partition,
                      x.instance.empty() ? "-" : x.instance.substr(0, 20), cpu_percent(x), x.cpu_seconds,
                      human_bytes(static_cast<double>(x.rss_last)), human_bytes(x.memory_average()),
                      human_bytes(static_cast<double>(x.memory_peak)), x.processes_peak));
  }
  if (sorted.size() > rows) t.out(fmt::format("({} more: slap usage report --since 1h)\n", sorted.size() - rows));
}

}  // namespace slap::cli
