// slapos.cookbook:wrapper: an executable shell script that sets the environment and
// execs a command line (services in etc/service are such wrappers).
#include <fmt/format.h>

#include "recipes/common.hpp"
#include "recipes/exec_script.hpp"
#include "recipes/factories.hpp"
#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {

class Wrapper final : public Recipe {
 public:
  std::vector<std::string> argv, hash_files, wait_for_files;
  std::vector<std::pair<std::string, std::string>> environment;
  std::string path, pidfile, sig_ign;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    std::string target = SLAP_TRY(final_path());
    log_line(ic, "write wrapper " + target);
    SLAP_CHECK(fs::make_dirs(path::dirname(target)));
    SLAP_CHECK(fs::write_atomic(target, script(), 0700, false));
    return std::vector<std::string>{target};
  }

  Result<std::vector<std::string>> update(const InstallContext&) override {
    std::string target = SLAP_TRY(final_path());
    if (!fs::exists(target)) return fail(ErrorKind::recipe, fmt::format("unstable wrapper path: {} is missing", target));
    return std::vector<std::string>{};
  }

 private:
  // With hash-files, the content of those files is part of the name, so a service whose
  // configuration changed gets a new name (and is restarted).
  Result<std::string> final_path() const {
    if (hash_files.empty()) return path;
    checksum::Hasher h(checksum::Algorithm::md5);
    for (const auto& f : hash_files) h.update(SLAP_TRY(fs::read_file(f)));
    return path + "-" + h.hex().substr(0, 8);
  }

  std::string script() const {
    std::string s = "#!/bin/sh -e\n";
    if (!sig_ign.empty())
      for (const auto& sig : str::split_ws(sig_ign)) s += fmt::format("trap '' {}\n", sig);
    auto sorted = environment;
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [k, v] : sorted) s += fmt::format("export {}={}\n", k, process::shell_quote(v));
    for (const auto& f : wait_for_files)
      s += fmt::format("while ! [ -e {0} ]; do echo 'waiting for {0}' >&2; sleep 1; done\n", process::shell_quote(f));
    if (!pidfile.empty()) {
      std::string q = process::shell_quote(pidfile);
      s += fmt::format("if [ -e {0} ] && kill -0 \"$(cat {0})\" 2>/dev/null; then\n"
                       "  echo \"already running (pid $(cat {0}))\" >&2; exit 1\nfi\necho $$ > {0}\n", q);
    }
    return s + exec_line(argv);
  }
};

}  // namespace

Result<std::unique_ptr<Recipe>> make_wrapper(profile::Resolver&, profile::Options& options, const Env&) {
  auto r = std::make_unique<Wrapper>();
  for (const char* unsupported : {"private-tmpfs", "reserve-cpu", "redirect-signal", "redirect-stdout", "redirect-stderr"})
    if (SLAP_TRY(options.get(unsupported)))
      return fail(option_error(options, unsupported, "this wrapper option is not supported by slap yet"));
  std::string command = SLAP_TRY(options.at("command-line"));
  auto words = shell_split(command);
  if (!words || words->empty())
    return fail(option_error(options, "command-line", words ? "empty command line" : words.error().message));
  r->argv = *words;
  r->path = SLAP_TRY(options.at("wrapper-path"));
  r->pidfile = SLAP_TRY(optional(options, "pidfile"));
  r->sig_ign = SLAP_TRY(optional(options, "sig-ign"));
  r->hash_files = str::split_ws(SLAP_TRY(optional(options, "hash-files")));
  r->wait_for_files = str::split_ws(SLAP_TRY(optional(options, "wait-for-files")));
  for (const auto& line : str::split(SLAP_TRY(optional(options, "environment")), "\n")) {
    std::string_view l = str::strip(line);
    if (l.empty()) continue;
    auto eq = l.find('=');
    if (eq == std::string_view::npos)
      return fail(option_error(options, "environment", fmt::format("'{}' is not KEY=VALUE", l)));
    r->environment.emplace_back(std::string(str::strip(l.substr(0, eq))), std::string(str::strip(l.substr(eq + 1))));
  }
  auto existing = str::split_ws(SLAP_TRY(optional(options, "hash-existing-files")));
  if (!existing.empty()) {
    checksum::Hasher h(checksum::Algorithm::md5);
    for (const auto& f : existing)
      if (auto data = fs::read_file(f)) h.update(*data);
    options.set("__hash_files__", h.hex());
  }
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
