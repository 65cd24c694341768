// Shared with the unit tests: the calendar spec conversion of slapos.cookbook:cron.d.
#pragma once

#include <optional>
#include <string>

namespace slap::recipes {

// systemd.time(7) calendar spec -> crontab spec, as upstream's systemd_to_cron; nullopt
// when the spec cannot be expressed (years, seconds, day of week with day of month...).
std::optional<std::string> systemd_to_cron(const std::string& spec);

}  // namespace slap::recipes
