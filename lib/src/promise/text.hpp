// Text of promise messages: bounded and valid UTF-8 (results are JSON); dates as slapgrid
// writes them. Messages quote like SlapOS' (%r) with str::string_repr.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "slap/strings.hpp"

namespace slap::promise {

// Invalid UTF-8 sequences become U+FFFD.
std::string sanitize_utf8(std::string_view s);
// Stripped, at most message_limit bytes ("..." + the end), valid UTF-8.
std::string bound_message(std::string_view s);

using Clock = std::chrono::system_clock;
// "YYYY-MM-DDTHH:MM:SS+0000" (UTC), as slapgrid's result files write dates.
std::string result_date(Clock::time_point t);
std::optional<Clock::time_point> parse_result_date(std::string_view s);
// "YYYY-MM-DD HH:MM:SS" (UTC), as promise log lines start.
std::string log_date(Clock::time_point t);

}  // namespace slap::promise
