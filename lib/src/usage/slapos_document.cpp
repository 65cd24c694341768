// The consumption document of a SlapOS node, as slapos.core's slapos.collect writes it
// for the master (ConsumptionReport.buildXMLReport, validated there against
// slapos/slap/doc/computer_consumption.xsd): one "Sale Packing List" transaction, one
// movement per partition and resource, in upstream's resources and units. Prices stay
// 0.0 as upstream: the master prices consumption.
#include <fmt/format.h>

#include "slap/usage.hpp"

namespace slap::usage {

namespace {

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string day_time(std::int64_t ms) {
  std::string t = format_time(ms);  // 2026-12-03T04:00:00Z
  return t.substr(0, 10) + " " + t.substr(11, 8);
}

}  // namespace

std::string slapos_document(const std::vector<Totals>& totals, const std::string& computer_id, std::int64_t since_ms,
                            std::int64_t until_ms) {
  std::string x = "<?xml version='1.0' encoding='utf-8'?>\n<journal>\n  <transaction type=\"Sale Packing List\">\n";
  x += fmt::format("    <title>Eco Information for {} </title>\n", escape(computer_id));
  x += fmt::format("    <start_date>{}</start_date>\n    <stop_date>{}</stop_date>\n", day_time(since_ms), day_time(until_ms));
  // Upstream's reference is the day ("2025-01-17-global"), which the master makes unique
  // per computer: here the period's bounds, so that two exports of different periods differ.
  std::string since = format_time(since_ms), until = format_time(until_ms);
  std::string reference = since.substr(0, 10) + "-global";
  if (until_ms - since_ms != 86400 * 1000 - 1000 || since.substr(10) != "T00:00:00Z")
    reference = fmt::format("{}-{}-global", since, until);
  x += fmt::format("    <reference>{}</reference>\n", escape(reference));
  x += "    <currency/>\n    <payment_mode/>\n    <category/>\n    <arrow type=\"Destination\"/>\n";
  auto movement = [&](const char* resource, const std::string& title, const std::string& ref, double quantity) {
    x += fmt::format(
        "    <movement>\n      <resource>{}</resource>\n      <title>{}</title>\n      <reference>{}</reference>\n"
        "      <quantity>{}</quantity>\n      <price>0.0</price>\n      <VAT/>\n      <category/>\n    </movement>\n",
        resource, escape(title), escape(ref), quantity);
  };
  constexpr double mib = 1024.0 * 1024.0;
  for (const auto& t : totals) {
    std::string ref = t.reference.empty() ? t.partition : t.reference;
    std::string who = t.instance.empty() ? t.partition : fmt::format("{} ({})", t.partition, t.instance);
    double seconds = static_cast<double>(t.measured_ms) / 1000.0;
    movement("service_module/cpu_load_percent", "CPU Load Percent Average for " + who, ref,
             seconds > 0 ? t.cpu_seconds / seconds * 100.0 : 0.0);
    movement("service_module/memory_used", "Memory Used Average for " + who, ref, t.memory_average() / mib);
    movement("service_module/disk_used", "Partition Disk Used Average for " + who, ref, t.disk_average() / mib);
  }
  x += "  </transaction>\n</journal>\n";
  return x;
}

}  // namespace slap::usage
