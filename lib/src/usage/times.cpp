// Times as the command line gives them and as reports print them (UTC).
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "slap/usage.hpp"

namespace slap::usage {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string format_time(std::int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

Result<std::int64_t> parse_time(std::string_view text, std::int64_t now) {
  auto bad = [&] {
    return fail(ErrorKind::usage, fmt::format("'{}' is not a time: use 2026-12-03, 2026-12-03T04:00:00Z, @UNIX_SECONDS "
                                              "or an age such as 90s, 15m, 1h, 2d",
                                              text));
  };
  if (text.empty()) return bad();
  std::int64_t n = 0;
  if (text[0] == '@') {
    auto [end, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size()) return bad();
    return n * 1000;
  }
  if (char unit = text.back(); text.size() >= 2 && (unit == 's' || unit == 'm' || unit == 'h' || unit == 'd')) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
    if (ec == std::errc() && end == text.data() + text.size() - 1) {
      std::int64_t seconds = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400;
      return now - n * seconds * 1000;
    }
  }
  // YYYY-MM-DD[(T| )HH:MM[:SS]][Z]
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  std::string t(text);
  if (!t.empty() && t.back() == 'Z') t.pop_back();
  char sep = 0;
  int fields = std::sscanf(t.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &s);
  bool date_only = fields == 3 && t.size() == 10;
  bool with_time = (fields == 6 || fields == 7) && (sep == 'T' || sep == ' ');
  if (!date_only && !with_time) return bad();
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return bad();
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<std::int64_t>(::timegm(&tm)) * 1000;
}

}  // namespace slap::usage
