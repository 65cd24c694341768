#include "promise/text.hpp"

#include <ctime>

#include "slap/promise.hpp"
#include "slap/strings.hpp"

namespace slap::promise {

namespace {
// Length of the valid UTF-8 sequence starting at s[i], 0 if invalid.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  return n > 0 && i + n <= s.size() && str::valid_utf8(s.substr(i, n)) ? n : 0;
}

std::string format_utc(Clock::time_point t, const char* pattern) {
  std::time_t secs = Clock::to_time_t(t);
  std::tm tm {};
  ::gmtime_r(&secs, &tm);
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, pattern, &tm);
  return std::string(buf, n);
}
}  // namespace

std::string sanitize_utf8(std::string_view s) {
  if (str::valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string bound_message(std::string_view s) {
  s = str::strip(s);
  if (s.size() <= message_limit) return sanitize_utf8(s);
  std::string_view tail = s.substr(s.size() - message_limit);
  // Start at a character boundary, not inside a multi-byte sequence.
  while (!tail.empty() && (static_cast<unsigned char>(tail[0]) & 0xC0) == 0x80) tail.remove_prefix(1);
  return "..." + sanitize_utf8(tail);
}

std::string result_date(Clock::time_point t) { return format_utc(t, "%Y-%m-%dT%H:%M:%S+0000"); }
std::string log_date(Clock::time_point t) { return format_utc(t, "%Y-%m-%d %H:%M:%S"); }

std::optional<Clock::time_point> parse_result_date(std::string_view s) {
  std::tm tm {};
  std::string text(s);
  const char* end = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S+0000", &tm);
  if (!end || *end) return std::nullopt;
  return Clock::from_time_t(::timegm(&tm));
}

}  // namespace slap::promise
