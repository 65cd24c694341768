#include "driver.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <thread>

#include "slap/fs.hpp"
#include "slap_version.h"

extern char** environ;

namespace slap::cli {

namespace {

void add_global_options(CLI::App& app, Globals& g) {
  auto* grp = "Global options";
  app.add_option("-C", g.chdir, "run as if slap was started in DIR")->type_name("DIR")->group(grp);
  app.add_option("--config", g.config_file, "use this slap.toml instead of ./slap.toml")->type_name("FILE")->group(grp);
  app.add_flag("-v,--verbose", g.verbose, "more output (repeatable)")->group(grp);
  app.add_flag("-q,--quiet", g.quiet, "only errors on stderr")->group(grp);
  app.add_flag("--json", g.json, "print one JSON document on stdout")->group(grp);
  app.add_option("--color", g.color, "colour output")->check(CLI::IsMember({"auto", "always", "never"}))->group(grp);
  app.add_flag("--no-progress", g.no_progress, "no progress bars")->group(grp);
  app.add_flag("--offline", g.offline, "never use the network")->group(grp);
  app.add_option("-j,--jobs", g.jobs, "parallel jobs (at least 1)")
      ->check(CLI::Validator([](std::string& v) {
        return v.find_first_not_of("0123456789") == std::string::npos && v.find_first_not_of('0') != std::string::npos
                   ? std::string()
                   : "expected a whole number of jobs, at least 1, not '" + v + "'";
      }, "N"))
      ->group(grp);
}

// Global options that take a separate value, for the argv pre-scan.
bool takes_value(std::string_view arg) {
  return arg == "-C" || arg == "--config" || arg == "--color" || arg == "-j" || arg == "--jobs";
}

// The first argument that is not a global option: the command name.
std::string find_command_word(int argc, char** argv, bool& json) {
  std::string word;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--json") json = true;
    if (!word.empty()) continue;
    if (a == "--") break;
    if (takes_value(a)) {
      ++i;
      continue;
    }
    if (!a.starts_with("-")) word = a;
  }
  return word;
}

std::map<std::string, std::string> environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

std::string usage_text(CLI::App& app) {
  std::string text = app.help();  // lists the commands with their summaries
  text += "\nRun 'slap help COMMAND' or 'man slap-COMMAND' for a command's options.\n"
          "Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid profile/config/parameters,\n"
          "4 ran fine but the answer is no (promise failed, drift found), 130 interrupted.\n";
  return text;
}

Result<Config> load_settings(const Globals& g, const std::string& cwd, const std::map<std::string, std::string>& env) {
  ConfigSources src;
  auto get = [&](const char* k) { auto it = env.find(k); return it == env.end() ? std::string() : it->second; };
  src.home = get("HOME");
  src.xdg_config_home = get("XDG_CONFIG_HOME");
  src.cwd = cwd;
  src.explicit_file = g.config_file;
  src.env = env;
  src.cpus = std::max(1u, std::thread::hardware_concurrency());
  if (g.offline) src.flags.emplace_back("core.offline", "true");
  if (g.jobs > 0) src.flags.emplace_back("core.jobs", std::to_string(g.jobs));
  if (g.color != "auto") src.flags.emplace_back("core.color", g.color);
  if (g.no_progress) src.flags.emplace_back("core.progress", "false");
  return load_config(src);
}

}  // namespace

Result<Invocation> run_command_line(int argc, char** argv, bool& json, std::string& command, CancelToken& cancel) {
  Invocation inv;
  std::string word = find_command_word(argc, argv, json);
  if (find_command(word)) command = word;
  inv.json = json;
  if (!word.empty() && word != "help" && !find_command(word)) {
    std::string hint = suggest_command(word);
    return fail(ErrorKind::usage, fmt::format("unknown command '{}'{}; run 'slap --help' for the list", word,
                                              hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
  }

  Globals g;
  CLI::App app{"slap: builds, instantiates, checks and releases SlapOS software", "slap"};
  app.set_version_flag("--version", std::string("slap ") + SLAP_VERSION);
  app.require_subcommand(0, 1);
  add_global_options(app, g);
  Action action;
  for (const auto& c : command_table()) c.add(app, action);
  for (auto* sub : app.get_subcommands({})) sub->fallthrough();
  auto* help = app.add_subcommand("help", "show help for a command");
  std::string help_topic;
  help->add_option("COMMAND", help_topic, "command to describe");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(usage_text(app).c_str(), stdout);
    return inv;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(usage_text(app).c_str(), stdout);
    return inv;
  } catch (const CLI::Success&) {
    std::fputs(fmt::format("slap {}\n", SLAP_VERSION).c_str(), stdout);
    return inv;
  } catch (const CLI::ParseError& e) {
    return fail(ErrorKind::usage, e.what());
  }
  if (help->parsed() || (!action && app.get_subcommands().empty())) {
    if (help_topic.empty()) {
      std::fputs(usage_text(app).c_str(), stdout);
    } else if (find_command(help_topic)) {
      std::fputs(app.get_subcommand(help_topic)->help().c_str(), stdout);
    } else {
      return fail(ErrorKind::usage, fmt::format("no such command '{}'", help_topic));
    }
    return inv;
  }

  if (!g.chdir.empty() && ::chdir(g.chdir.c_str()) != 0)
    return fail(ErrorKind::usage, fmt::format("cannot change to directory {}: {}", g.chdir, std::strerror(errno)));
  json = inv.json = g.json;
  std::string cwd = fs::current_dir();
  auto env = environment();
  Config config = SLAP_TRY(load_settings(g, cwd, env));

  TerminalSettings ts;
  ts.json = g.json;
  ts.color = config.get("core.color");
  ts.progress = config.get_bool("core.progress");
  ts.verbosity = g.quiet ? -1 : g.verbose;
  Terminal term(ts);
  Env cmd_env{g, term, config, Context{&config, &term, &term, &cancel}, cwd, std::move(env)};
  inv.command = app.get_subcommands().front()->get_name();
  auto outcome = action(cmd_env);
  inv.warnings = term.warnings();
  if (!outcome) return fail(std::move(outcome.error()));
  inv.outcome = std::move(*outcome);
  return inv;
}

}  // namespace slap::cli
