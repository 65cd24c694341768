// slapos.cookbook:cron.d and slapos.cookbook:cron (upstream's dcron module). cron.d writes
// one crontab line, CRON-ENTRIES/NAME = "FREQUENCY COMMAND", the frequency given as a
// crontab spec (`frequency`) or a systemd.time(7) calendar spec (`time`, converted as
// upstream's systemd_to_cron does); cron writes the wrapper running dcron on those entries.
#include <fmt/format.h>

#include <map>

#include "recipes/common.hpp"
#include "recipes/cron.hpp"
#include "recipes/exec_script.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {

std::optional<int> to_int(const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  try {
    return std::stoi(s);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// One field of minutes, hours, days or months: "*", N, "a,b", "N/step", checked against
// its range; a stepped item becomes FIRST-LAST/STEP, replacing the field, as upstream.
std::optional<std::string> cron_field(const std::string& field, int low, int size) {
  if (field == "*") return field;
  std::string out = field;
  for (const auto& item : str::split(field, ",")) {
    auto parts = str::split(item, "/");
    if (parts.size() > 2) parts = {parts[0], item.substr(parts[0].size() + 1)};
    auto first = to_int(parts[0]);
    if (!first) return std::nullopt;
    int a = *first - low;
    if (a < 0 || a >= size) return std::nullopt;
    if (parts.size() == 1) continue;
    auto step = to_int(parts[1]);
    if (!step || *step <= 0) return std::nullopt;
    int span = (size - a - 1) / *step * *step;
    if (span == 0) return std::nullopt;
    out = fmt::format("{}-{}/{}", *first, *first + span, *step);
  }
  return out;
}

}  // namespace

// systemd.time(7) calendar spec -> crontab spec, as upstream (slapos/recipe/dcron.py).
std::optional<std::string> systemd_to_cron(const std::string& spec) {
  static const std::map<std::string, std::string> symbolic = {
      {"minutely", "* * * * *"}, {"hourly", "0 * * * *"},  {"daily", "0 0 * * *"},
      {"weekly", "0 0 * * 0"},   {"monthly", "0 0 1 * *"}, {"yearly", "0 0 1 1 *"}};
  if (auto it = symbolic.find(spec); it != symbolic.end()) return it->second;
  if (str::strip(spec).empty()) return std::nullopt;
  static const std::vector<std::string> days = {"sunday", "monday", "tuesday", "wednesday",
                                                "thursday", "friday", "saturday"};
  auto day_number = [&](std::string name) -> std::optional<int> {
    name = str::to_lower(name);
    for (int i = 0; i < 7; ++i)
      if (name == days[i] || name == days[i].substr(0, 3)) return i;
    return std::nullopt;
  };
  std::vector<std::string> words = str::split(spec, " ");
  std::string dow = "*";
  {
    std::vector<std::string> items;
    bool all = true;
    for (const auto& item : str::split(words[0], ",")) {
      if (item.empty()) continue;
      auto range = str::split(item, "-");
      if (range.size() > 2) range = {range[0], item.substr(range[0].size() + 1)};
      std::vector<std::string> numbers;
      for (const auto& r : range) {
        auto n = day_number(r);
        if (!n) {
          all = false;
          break;
        }
        numbers.push_back(std::to_string(*n));
      }
      if (!all) break;
      items.push_back(str::join(numbers, "-"));
    }
    if (all) {
      std::sort(items.begin(), items.end());
      dow = str::join(items, ",");
      words.erase(words.begin());
    }
  }
  std::string day = words.empty() ? "*-*" : words.front();
  if (!words.empty()) words.erase(words.begin());
  std::string time;
  if (words.size() == 1) {
    time = words.front();
  } else if (!words.empty()) {
    return std::nullopt;
  } else if (day.find(':') != std::string::npos) {
    time = day;
    day = "*-*";
  } else {
    time = "0:0";
  }
  auto d = str::split(day, "-");
  auto t = str::split(time, ":");
  if (d.size() > 2) {
    if (d.front() != "*") return std::nullopt;  // years are not supported
    d.erase(d.begin());
  }
  if (d.size() != 2) return std::nullopt;
  if (dow != "*" && d[1] != "*") return std::nullopt;  // dcron reads both differently from systemd
  if (t.size() > 2) {
    auto seconds = to_int(t.back());
    if (!seconds || *seconds != 0) return std::nullopt;
    t.pop_back();
  }
  if (t.size() != 2) return std::nullopt;
  std::vector<std::string> out = {t[1], t[0], d[1], d[0]};
  const std::pair<int, int> ranges[] = {{0, 60}, {0, 24}, {1, 31}, {1, 12}};
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto f = cron_field(out[i], ranges[i].first, ranges[i].second);
    if (!f) return std::nullopt;
    out[i] = *f;
  }
  out.push_back(dow);
  return str::join(out, " ");
}

namespace {

class CronEntry final : public Recipe {
 public:
  std::string file, line;
  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    log_line(ic, "write " + file);
    SLAP_CHECK(fs::make_dirs(path::dirname(file)));
    SLAP_CHECK(fs::write_atomic(file, line, 0644, false));
    return std::vector<std::string>{file};
  }
};

class Cron final : public Recipe {
 public:
  std::string wrapper;
  std::vector<std::string> argv;
  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    log_line(ic, "write " + wrapper);
    SLAP_CHECK(write_exec_script(wrapper, argv));
    return std::vector<std::string>{wrapper};
  }
};

}  // namespace

Result<std::unique_ptr<Recipe>> make_cron_d(profile::Resolver&, profile::Options& options, const Env&) {
  auto r = std::make_unique<CronEntry>();
  std::string periodicity;
  if (auto frequency = SLAP_TRY(options.get("frequency"))) {
    periodicity = *frequency;
  } else {
    std::string time = SLAP_TRY(options.at("time"));
    auto converted = systemd_to_cron(time);
    if (!converted)
      return fail(option_error(options, "time", fmt::format("Invalid systemd calendar spec '{}'", time)).with_class("UserError"));
    periodicity = *converted;
  }
  r->file = path::join(SLAP_TRY(options.at("cron-entries")), SLAP_TRY(options.at("name")));
  r->line = fmt::format("{} {}\n", periodicity, SLAP_TRY(options.at("command")));
  return std::unique_ptr<Recipe>(std::move(r));
}

Result<std::unique_ptr<Recipe>> make_cron(profile::Resolver&, profile::Options& options, const Env&) {
  auto r = std::make_unique<Cron>();
  r->wrapper = SLAP_TRY(options.at("binary"));
  r->argv = {std::string(str::strip(SLAP_TRY(options.at("dcrond-binary")))),
             "-s", SLAP_TRY(options.at("cron-entries")),
             "-c", SLAP_TRY(options.at("crontabs")),
             "-t", SLAP_TRY(options.at("cronstamps")),
             "-f", "-l", "5",
             "-M", SLAP_TRY(options.at("catcher")),
             "-L", SLAP_TRY(options.at("log-file"))};
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
