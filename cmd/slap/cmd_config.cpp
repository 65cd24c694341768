// slap config: every setting, its value and where it came from.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app.hpp"

namespace slap::cli {

namespace {
Result<Outcome> run_config(Env& env, const std::string& only) {
  Outcome out;
  out.result = nlohmann::json::object();
  bool found = false;
  for (const auto& e : env.config.entries()) {
    if (!only.empty() && e.key != only) continue;
    found = true;
    out.result[e.key] = {{"value", e.value}, {"origin", e.origin}, {"help", e.help}};
    if (!env.term.json()) {
      if (!only.empty()) env.term.out(e.value + "\n");
      else env.term.out(fmt::format("{} = {}  {}\n", e.key, e.value.empty() ? "\"\"" : e.value,
                                    env.term.style(Style::dim, "# " + e.origin)));
    }
  }
  if (!found) return fail(ErrorKind::usage, fmt::format("unknown setting '{}'", only));
  return out;
}
}  // namespace

void add_config_command(CLI::App& app, Action& action) {
  auto key = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("config", "print slap's settings and where each comes from");
  sub->add_option("KEY", *key, "print only this setting's value (e.g. core.jobs)");
  sub->callback([&action, key] { action = [key](Env& env) { return run_config(env, *key); }; });
}

}  // namespace slap::cli
