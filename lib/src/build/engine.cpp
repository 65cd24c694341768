// The build: resolve with native recipes, plan against the installed state, uninstall what
// changed or went away, then install/update parts on worker threads.
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "build/binary_cache.hpp"
#include "build/installed.hpp"
#include "build/scheduler.hpp"
#include "slap/build.hpp"
#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/lock.hpp"
#include "slap/paths.hpp"
#include "slap/python.hpp"
#include "slap/recipe.hpp"
#include "slap/resolver.hpp"
#include "slap/strings.hpp"

namespace slap::build {

std::string_view action_name(Action a) {
  switch (a) {
    case Action::install: return "install";
    case Action::reinstall: return "reinstall";
    case Action::update: return "update";
    case Action::uninstall: return "uninstall";
  }
  return "?";
}

namespace {

constexpr std::string_view signature_key = "__buildout_signature__";

// Creates each part's recipe while its section initialises (see slap/recipe.hpp).
class RecipeFactoryHook final : public profile::RecipeHook {
 public:
  explicit RecipeFactoryHook(const recipes::Env& env) : env_(env) {}
  Status init(profile::Resolver& resolver, profile::Options& section) override {
    std::string name = SLAP_TRY(section.at("recipe"));
    recipes::Factory factory = recipes::find(str::strip(name));
    if (!factory)
      return fail(section.located(
          Error(ErrorKind::input, fmt::format("part '{}' uses recipe '{}', which slap does not implement "
                                              "(run 'slap build --list-recipes' for those it does)",
                                              section.name(), name))
              .about(section.name() + ":recipe"),
          "recipe"));
    auto recipe = factory(resolver, section, env_);
    if (!recipe) return fail(std::move(recipe.error()).add_context(fmt::format("initialising part '{}'", section.name())));
    recipes_[section.name()] = {std::string(str::strip(name)), std::move(*recipe)};
    return {};
  }
  std::map<std::string, std::pair<std::string, std::unique_ptr<recipes::Recipe>>> recipes_;

 private:
  const recipes::Env& env_;
};

std::string safe_name(std::string name) {
  for (char& c : name)
    if (c == '/' || c == ' ') c = '_';
  return name;
}

bool paths_exist(const std::vector<std::string>& paths) {
  for (const auto& p : paths)
    if (!fs::exists(p)) return false;
  return true;
}

class Builder {
 public:
  // A nested build runs inside a part of its parent, which holds the directory's lock.
  Builder(const Options& o, const Context& ctx, bool nested = false)
      : opts_(o), ctx_(ctx), nested_(nested), fetcher_(o.fetch, ctx), hook_(env_) {}

  Result<Report> run(Report* partial) {
    auto profile = SLAP_TRY(load());
    profile::Resolver resolver(profile, &hook_);
    SLAP_CHECK(resolver.init_buildout());
    auto* buildout = SLAP_TRY(resolver.section("buildout"));
    // [buildout] offline = true: no network at all, as with --offline.
    if (SLAP_TRY(buildout->get("offline")).value_or("false") == "true") fetcher_.go_offline();
    SLAP_CHECK(setup_env(resolver, *buildout));
    std::optional<FileLock> lock;
    if (!opts_.dry_run && !nested_) lock = SLAP_TRY(lock_build_dir());
    SLAP_CHECK(initialise_parts(resolver, *buildout));
    SLAP_CHECK(compute_options(resolver));
    installed_file_ = SLAP_TRY(buildout->at("installed"));
    state_ = SLAP_TRY(read_state());
    plan();
    if (opts_.dry_run) return report_;
    SLAP_CHECK(make_standard_dirs(*buildout));
    auto done = execute();
    // The record is replaced atomically after every part, and fsynced once here: the
    // parts' own files are not fsynced either (as make install), so syncing the record
    // after each part would promise more than a power cut keeps.
    if (changed_state_) {
      // Usually the file already holds the final state: syncing it creates no new inode.
      std::string text = render_installed(state_);
      auto synced = text == on_disk_ ? fs::sync_file(installed_file_)
                                     : fs::write_atomic(installed_file_, text, 0644, true);
      if (done && !synced) done = std::move(synced);
    }
    if (!done) {
      if (partial) *partial = report_;
      return fail(std::move(done.error()));
    }
    return report_;
  }

 private:
  Result<profile::Profile> load() {
    profile::LoadOptions lo;
    lo.profile = opts_.profile;
    lo.cwd = opts_.cwd;
    lo.overrides = opts_.overrides;
    lo.home = opts_.home;
    lo.executable = opts_.executable;
    lo.read_url = fetch::url_reader(opts_.fetch, ctx_);
    lo.python_conditions = [this](std::string_view e, const Location& where) {
      return python::eval_section_condition(opts_.executable, opts_.environment, e, where);
    };
    return profile::load(lo);
  }

  Status setup_env(profile::Resolver& resolver, profile::Options& buildout) {
    env_.ctx = &ctx_;
    env_.fetcher = &fetcher_;
    env_.buildout_dir = SLAP_TRY(buildout.at("directory"));
    env_.environment = opts_.environment;
    env_.jobs = opts_.jobs;
    env_.shared_dirs = SLAP_TRY(recipes::shared_dirs(resolver, opts_.shared_dirs));
    env_.installed_options = [](const std::string& file, const std::string& part) {
      std::optional<std::map<std::string, std::string>> options;
      if (auto state = read_installed(file))
        if (auto it = state->parts.find(part); it != state->parts.end()) options = it->second.options;
      return options;
    };
    report_.directory = env_.buildout_dir;
    log_dir_ = path::join(env_.buildout_dir, ".slap/log");
    python_ = std::make_unique<python::Pool>(python::Settings{
        .interpreter = opts_.executable.empty() ? "python3" : opts_.executable,
        .module_dir = opts_.python_dir,
        .environment = opts_.environment,
        .cwd = env_.buildout_dir,
        .log_file = path::join(log_dir_, "python.log"),
        .ctx = &ctx_});
    env_.python = python_.get();
    env_.nested_build = [this](const recipes::NestedBuild& nb, const recipes::InstallContext&) -> Status {
      Options o = opts_;
      o.profile = nb.profile;
      o.cwd = env_.buildout_dir;
      o.overrides = nb.overrides;
      o.only_parts.clear();
      SLAP_TRY(Builder(o, ctx_, true).run(nullptr));
      return {};
    };
    return {};
  }

  // One build per directory at a time: a second one waits (Ctrl-C ends the wait).
  Result<FileLock> lock_build_dir() {
    std::string dir = path::join(env_.buildout_dir, ".slap");
    SLAP_CHECK(fs::make_dirs(dir));
    std::string file = path::join(dir, "build.lock");
    auto tell = [&] {
      ctx_.warn(fmt::format("another slap build{} is running in {}: waiting for it to finish",
                            FileLock::holder_note(file), env_.buildout_dir));
    };
    return FileLock::acquire(file, tell, ctx_.cancel);
  }

  // Every part of [buildout] parts initialises (recipes are created) before anything is
  // built: an unknown recipe or a bad option stops the build before it starts.
  Status initialise_parts(profile::Resolver& resolver, profile::Options& buildout) {
    std::vector<std::string> wanted = opts_.only_parts;
    if (wanted.empty()) {
      auto parts = SLAP_TRY(buildout.get("parts"));
      if (!parts)
        return fail(Error(ErrorKind::input, "[buildout] has no 'parts' option: nothing to build").with_class("MissingOption"));
      wanted = str::split_ws(*parts);
    }
    for (const auto& part : wanted) {
      auto section = resolver.section(part);
      if (!section) {
        // The recipe hook already says which part it was initialising, unless the error
        // came from resolving the section itself.
        std::string doing = fmt::format("initialising part '{}'", part);
        Error e = std::move(section.error());
        if (e.context.empty() || e.context.back() != doing) e.add_context(doing);
        return fail(std::move(e));
      }
      SLAP_TRY((*section)->at("recipe"));
    }
    order_ = resolver.parts();
    for (const auto& p : order_) deps_[p] = resolver.part_dependencies(p);
    return {};
  }

  // A part's recorded options: all its options, and a signature naming its recipe, the
  // recipe's own state and the options of the parts it depends on (so that a change in a
  // dependency rebuilds its dependents).
  // Parts that reference each other (gowork and gowork.goinstall in Go releases) each see
  // the other's options without its signature, which is not known yet.
  Status compute_options(profile::Resolver& resolver) {
    for (const auto& part : order_)
      SLAP_CHECK(hook_.recipes_.at(part).second->initialised(resolver, *SLAP_TRY(resolver.section(part))));
    std::map<std::string, std::map<std::string, std::string>> plain;
    for (const auto& part : order_) plain[part] = SLAP_TRY(SLAP_TRY(resolver.section(part))->values());
    for (const auto& part : order_) {
      auto values = plain.at(part);
      const auto& [recipe_name, recipe] = hook_.recipes_.at(part);
      std::string sig = fmt::format("slap:{}", recipe_name);
      if (std::string own = recipe->signature(); !own.empty()) sig += " state:" + own;
      for (const auto& dep : deps_[part]) {
        auto done = options_.find(dep);
        sig += fmt::format(" {}:{}", dep, options_hash(done != options_.end() ? done->second : plain.at(dep)));
      }
      values[std::string(signature_key)] = sig;
      options_[part] = std::move(values);
    }
    return {};
  }

  // Lengths keep the pairs apart: no two different maps hash the same text.
  static std::string options_hash(const std::map<std::string, std::string>& options) {
    checksum::Hasher h(checksum::Algorithm::md5);
    for (const auto& [k, v] : options) h.update(fmt::format("{}:{}={}:{}\n", k.size(), k, v.size(), v));
    return h.hex().substr(0, 12);
  }

  Result<InstalledState> read_state() {
    auto state = read_installed(installed_file_);
    if (state) return state;
    ctx_.warn(fmt::format("{}: unreadable installed state, every part will be reinstalled: {}", installed_file_,
                          state.error().describe()));
    return InstalledState{};
  }

  // A shared part lives outside the build directory: it may have been removed since.
  bool shared_part_present(const std::string& part) const {
    auto it = hook_.recipes_.find(part);
    if (it == hook_.recipes_.end()) return true;
    auto location = it->second.second->shared_location();
    return !location || recipes::shared_part_complete(*location);
  }

  void plan() {
    std::set<std::string> wanted(order_.begin(), order_.end());
    for (auto it = state_.order.rbegin(); it != state_.order.rend(); ++it) {
      const auto& old = state_.parts.at(*it);
      bool same = wanted.contains(*it) && old.options == options_.at(*it) && paths_exist(old.paths) &&
                  shared_part_present(*it);
      if (same) kept_.insert(*it);
      else if (!wanted.contains(*it) && !opts_.only_parts.empty()) continue;  // not asked about: left as it is
      else if (!wanted.contains(*it)) report_.parts.push_back({*it, old.options.count("recipe") ? old.options.at("recipe") : "", Action::uninstall});
      else reinstall_.insert(*it);
    }
    for (const auto& part : order_) {
      Action a = kept_.contains(part) ? Action::update : reinstall_.contains(part) ? Action::reinstall : Action::install;
      PartReport pr{part, hook_.recipes_.at(part).first, a, 0, path::join(log_dir_, safe_name(part) + ".log")};
      pr.shared_location = hook_.recipes_.at(part).second->shared_location().value_or("");
      report_.parts.push_back(std::move(pr));
    }
  }

  Status make_standard_dirs(profile::Options& buildout) {
    for (const char* d : {"bin-directory", "parts-directory", "develop-eggs-directory"})
      SLAP_CHECK(fs::make_dirs(SLAP_TRY(buildout.at(d))));
    return fs::make_dirs(log_dir_);
  }

  Status uninstall(const std::string& part) {
    ctx_.info(fmt::format("Uninstalling {}.", part));
    for (auto it = state_.parts[part].paths.rbegin(); it != state_.parts[part].paths.rend(); ++it)
      SLAP_CHECK(fs::remove_all(*it));
    state_.parts.erase(part);
    std::erase(state_.order, part);
    return save();
  }

  Status save() {
    changed_state_ = true;
    std::string text = render_installed(state_);
    SLAP_CHECK(fs::write_atomic(installed_file_, text, 0644, false));
    on_disk_ = std::move(text);
    return {};
  }

  Status execute() {
    for (auto& pr : report_.parts) {
      if (pr.action == Action::uninstall || pr.action == Action::reinstall) {
        SLAP_CHECK(uninstall(pr.name));
        report_.changed = true;
        if (pr.action == Action::uninstall) pr.done = true;
      }
    }
    std::vector<Task> tasks;
    std::map<std::string, std::size_t> index;
    std::vector<PartReport*> installs;
    for (auto& pr : report_.parts) {
      if (pr.action == Action::uninstall) continue;
      Task t;
      for (const auto& dep : deps_[pr.name])
        if (auto it = index.find(dep); it != index.end()) t.depends_on.push_back(it->second);
      t.run = [this, &pr] { return run_part(pr); };
      index[pr.name] = tasks.size();
      tasks.push_back(std::move(t));
      installs.push_back(&pr);
    }
    total_ = tasks.size();
    Progress progress(ctx_, "building", total_);
    progress_ = &progress;
    auto result = run_tasks(tasks, opts_.jobs, ctx_.cancel);
    progress_ = nullptr;
    return result;
  }

  // A shared part not built here yet may come from the binary cache.
  Result<bool> restore_from_cache(PartReport& pr, const std::string& location) {
    if (!opts_.binary_cache || !opts_.binary_cache->can_download() || recipes::shared_part_complete(location))
      return false;
    auto restored = restore_shared_part(*opts_.binary_cache, ctx_, pr.name, location);
    if (!restored) {
      ctx_.warn(fmt::format("binary cache unavailable for part '{}': {}", pr.name, restored.error().describe()));
      return false;
    }
    if (*restored) ctx_.info(fmt::format("Installed {} from the binary cache.", pr.name));
    pr.from_cache = *restored;
    return *restored;
  }

  Status run_part(PartReport& pr) {
    auto start = std::chrono::steady_clock::now();
    Progress task(ctx_, pr.name);
    recipes::Recipe& recipe = *hook_.recipes_.at(pr.name).second;
    recipes::InstallContext ic{pr.log_file, ctx_.cancel};
    bool installing = pr.action != Action::update;
    if (installing) {
      ctx_.info(fmt::format("Installing {}.", pr.name));
      (void)fs::write_atomic(pr.log_file, fmt::format("slap: installing part {} ({})\n", pr.name, pr.recipe), 0644, false);
    }
    Result<std::vector<std::string>> paths = std::vector<std::string>{};
    auto shared = recipe.shared_location();
    bool cached = installing && shared && SLAP_TRY(restore_from_cache(pr, *shared));
    if (!cached) paths = installing ? recipe.install(ic) : recipe.update(ic);
    if (paths && installing && shared && !cached && opts_.upload && opts_.binary_cache) {
      ctx_.info(fmt::format("Uploading {} to the binary cache.", pr.name));
      if (auto up = upload_shared_part(*opts_.binary_cache, ctx_, pr.name, *shared); !up)
        return fail(std::move(up.error()).add_context(fmt::format("uploading part '{}'", pr.name)));
    }
    pr.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::lock_guard lock(state_mutex_);
    if (!paths) {
      if (!installing) {
        for (const auto& p : state_.parts[pr.name].paths) (void)fs::remove_all(p);
        state_.parts.erase(pr.name);
        std::erase(state_.order, pr.name);
        (void)save();
      }
      Error e = std::move(paths.error());
      e.add_context(fmt::format("{} part '{}' (log: {})", installing ? "installing" : "updating", pr.name, pr.log_file));
      return fail(std::move(e));
    }
    pr.done = true;
    if (progress_) progress_->advance(++finished_);
    bool known = state_.parts.contains(pr.name);
    InstalledPart& rec = state_.parts[pr.name];
    auto before = rec.paths;
    rec.options = options_.at(pr.name);
    for (const auto& p : *paths)
      if (std::find(rec.paths.begin(), rec.paths.end(), p) == rec.paths.end()) rec.paths.push_back(p);
    if (!known) {
      // Keep the recorded order the install order: place it after the last installed part
      // that precedes it in the profile.
      auto pos = state_.order.begin();
      for (const auto& p : order_) {
        if (p == pr.name) break;
        if (auto it = std::find(state_.order.begin(), state_.order.end(), p); it != state_.order.end()) pos = it + 1;
      }
      state_.order.insert(pos, pr.name);
    }
    if (installing) report_.changed = true;
    if (!known || rec.paths != before || installing) return save();
    return {};
  }

  const Options& opts_;
  const Context& ctx_;
  bool nested_;
  fetch::Fetcher fetcher_;
  std::unique_ptr<python::Pool> python_;  // helpers start on first use, stop with the build
  recipes::Env env_;
  RecipeFactoryHook hook_;
  std::vector<std::string> order_;
  std::map<std::string, std::vector<std::string>> deps_;
  std::map<std::string, std::map<std::string, std::string>> options_;
  std::string installed_file_, log_dir_;
  InstalledState state_;
  std::set<std::string> kept_, reinstall_;
  Report report_;
  std::mutex state_mutex_;
  std::size_t total_ = 0, finished_ = 0;
  const Progress* progress_ = nullptr;  // the "building" task while parts run
  bool changed_state_ = false;
  std::string on_disk_;  // what save() last wrote to installed_file_
};

}  // namespace

Result<Report> build(const Options& options, const Context& ctx, Report* partial) {
  return Builder(options, ctx).run(partial);
}

Result<std::vector<std::string>> push_shared_parts(const Options& options, const Context& ctx) {
  if (!options.binary_cache || !options.binary_cache->can_upload())
    return fail(ErrorKind::usage, "no binary cache to upload to: set cache.shacache-url and cache.shadir-url");
  Options plan = options;
  plan.dry_run = true;
  auto report = SLAP_TRY(build(plan, ctx));
  std::vector<std::string> pushed;
  for (const auto& p : report.parts) {
    if (p.shared_location.empty() || !recipes::shared_part_complete(p.shared_location)) continue;
    SLAP_CHECK(upload_shared_part(*options.binary_cache, ctx, p.name, p.shared_location));
    pushed.push_back(p.name);
  }
  return pushed;
}

}  // namespace slap::build
