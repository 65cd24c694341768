// The Python bridge: the Python code profiles contain (slapos.recipe.build's inline
// `init`/`install`/`update`, slapos.recipe.cmmi's hook files) runs in one long-lived
// python3 helper per build and interpreter, started on first use. slap and the helper speak
// line-delimited JSON over two pipes; while Python code runs it calls back into C++ for
// `buildout[section][option]` (reads initialise sections as zc.buildout's lazy Options
// do, writes are seen by later `${section:option}` references), downloads (slap's
// verified, cached fetcher) and archive extraction. The helper's module is Python source
// that slap installs in LIBDIR/slap/python/ (python/slap/ in the source tree).
//
// Calls to one helper are serialised. A Python exception is an ErrorKind::recipe error
// whose message is "Type: text" followed by the traceback; its `where.line` is the line
// in the code that raised (where.file is the hook file for hooks, empty for inline code,
// which the caller locates in the profile). A helper that dies or is interrupted
// (Ctrl-C) fails the call at once and is not restarted.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slap/context.hpp"
#include "slap/error.hpp"
#include "slap/process.hpp"

namespace slap::fetch {
class Fetcher;
}
namespace slap::profile {
class Resolver;
}

namespace slap::python {

// What Python code reaches in C++ while a call runs. Errors travel back to Python as
// zc.buildout exceptions (MissingSection and MissingOption by their class); one that the
// code does not catch fails the call with the original Error.
class Host {
 public:
  virtual ~Host() = default;
  // buildout[name]: the section must exist; it initialises on first access.
  virtual Status section(const std::string& name) = 0;
  // Every section name (iterating over buildout).
  virtual std::vector<std::string> sections() = 0;
  // buildout[section][option]; nullopt when the section has no such option.
  virtual Result<std::optional<std::string>> get(const std::string& section, const std::string& option) = 0;
  virtual Status set(const std::string& section, const std::string& option, const std::string& value) = 0;
  // false when there was no such option.
  virtual Result<bool> erase(const std::string& section, const std::string& option) = 0;
  virtual Result<std::vector<std::string>> keys(const std::string& section) = 0;
  // buildout.parse(text): new sections.
  virtual Status parse(const std::string& text) = 0;
  // A verified local copy of `url`; `md5sum` empty means unchecked.
  virtual Result<std::string> download(const std::string& url, const std::string& md5sum) = 0;
  // Extracts an archive into `dest`, keeping its layout.
  virtual Status extract(const std::string& archive, const std::string& dest) = 0;
};

// A Host over the profile being resolved: `section` is the one the code runs for
// (buildout[x] made from its code makes x a dependency of it). Callbacks lock `mutex`
// when given: at install time, parts run on worker threads and the resolver is not
// thread-safe.
class ProfileHost final : public Host {
 public:
  ProfileHost(profile::Resolver& resolver, std::string section, fetch::Fetcher* fetcher, std::string base_dir,
              std::mutex* mutex)
      : resolver_(resolver), section_(std::move(section)), fetcher_(fetcher), base_dir_(std::move(base_dir)),
        mutex_(mutex) {}
  Status section(const std::string& name) override;
  std::vector<std::string> sections() override;
  Result<std::optional<std::string>> get(const std::string& section, const std::string& option) override;
  Status set(const std::string& section, const std::string& option, const std::string& value) override;
  Result<bool> erase(const std::string& section, const std::string& option) override;
  Result<std::vector<std::string>> keys(const std::string& section) override;
  Status parse(const std::string& text) override;
  Result<std::string> download(const std::string& url, const std::string& md5sum) override;
  Status extract(const std::string& archive, const std::string& dest) override;

 private:
  std::unique_lock<std::mutex> lock();
  profile::Resolver& resolver_;
  std::string section_;
  fetch::Fetcher* fetcher_;
  std::string base_dir_;
  std::mutex* mutex_;
};

struct Settings {
  std::string interpreter = "python3";  // a path, or a name looked up in environment's PATH
  std::string module_dir;               // the directory holding slap/bridge.py
  process::Environment environment;     // the helper's, so os.environ of the code it runs
  std::string cwd;                      // where the code runs (the buildout directory)
  std::string log_file;                 // the helper's own output; empty: /dev/null
  const Context* ctx = nullptr;         // cancellation, and where init-time output is logged
};

// slapos.recipe.build's shared-part handling, computed by the recipe (see
// recipes::shared_location) for the helper's Shared object.
struct SharedPart {
  bool requested = false;  // `shared = true`
  bool shared = false;     // `location` is in a shared directory
  std::string location;    // SHARED/NAME/DIGEST, or parts/NAME
};

// A cmmi hook option: "FILE[#MD5]:FUNCTION" (FILE may be a URL).
struct Hook {
  std::string file;
  std::string md5sum;  // empty: not checked
  std::string function;
};
// Splits a hook option as slapos.recipe.cmmi does: FUNCTION after the last ':', MD5
// after the first '#'. ErrorKind::input when a part is missing.
Result<Hook> parse_hook(std::string_view text);

// Where and how a hook runs.
struct HookCall {
  std::string section;               // the part whose options the hook receives
  std::string option;                // the option naming the hook (post-make-hook...), for messages
  std::string cwd;                   // cmmi: the source directory
  process::Environment environment;  // the third argument, when the function takes one
  std::string log_file;              // the hook's output
};

class Bridge {
 public:
  // Starts the helper and checks that it answers.
  static Result<std::unique_ptr<Bridge>> start(const Settings& settings);
  ~Bridge();
  Bridge(const Bridge&) = delete;
  Bridge& operator=(const Bridge&) = delete;

  // "Python 3.11.7 (/usr/bin/python3)", as the helper reports itself.
  const std::string& description() const { return description_; }

  // slapos.recipe.build: creates the part's script object (upstream's constructor: option
  // checks, `environment`, shared/location rules) and runs its `init` code. What the code
  // prints is logged (info).
  Status build_init(const std::string& section, const SharedPart& shared, Host& host);
  // Runs `install` (or `update` when there is no `install`), output appended to
  // `log_file`; returns the paths to record ([location], or none for a shared part).
  Result<std::vector<std::string>> build_install(const std::string& section, const std::string& log_file, Host& host);
  // Runs `update` when the part is unchanged.
  Status build_update(const std::string& section, const std::string& log_file, Host& host);

  // slapos.recipe.cmmi hooks: fetches hook.file through `host` (so its md5 is verified
  // before anything runs: a mismatch is ErrorKind::checksum), then calls
  // FUNCTION(options, buildout, environment), or FUNCTION(options, buildout) when the
  // function takes two arguments, in call.cwd, with options = buildout[call.section].
  // An exception is an ErrorKind::recipe error located in the hook file.
  //
  // From a recipe's install() (a worker thread), with what its factory kept:
  //   python::Bridge* bridge = SLAP_TRY(env.python->get());
  //   python::ProfileHost host(*resolver, name, env.fetcher, env.buildout_dir,
  //                            &env.python->resolver_mutex());
  //   SLAP_CHECK(bridge->call_hook(SLAP_TRY(python::parse_hook(option_value)),
  //                                {name, "post-make-hook", source_dir, environment, ic.log_file}, host));
  Status call_hook(const Hook& hook, const HookCall& call, Host& host);

 private:
  struct Impl;
  explicit Bridge(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string description_;
};

// The helpers of one build: one Bridge per interpreter, started on first use (a build
// without Python code starts none), and the mutex that serialises their resolver
// callbacks.
class Pool {
 public:
  explicit Pool(Settings defaults) : defaults_(std::move(defaults)) {}
  // The bridge for `interpreter` (empty: the default one).
  Result<Bridge*> get(const std::string& interpreter = {});
  std::mutex& resolver_mutex() { return resolver_mutex_; }
  const Settings& defaults() const { return defaults_; }

 private:
  Settings defaults_;
  std::mutex mutex_, resolver_mutex_;
  std::vector<std::pair<std::string, std::unique_ptr<Bridge>>> bridges_;
  std::vector<std::pair<std::string, Error>> failed_;  // a helper that failed to start is not retried
};

// A section condition `[name:EXPR]` evaluated as zc.buildout does (eval() in its
// _default_globals namespace) by `interpreter`, with `env` as its environment. An exception
// is an ErrorKind::input error of that class, located at `where`.
Result<bool> eval_section_condition(const std::string& interpreter, const process::Environment& env,
                                    std::string_view expression, const Location& where);

}  // namespace slap::python
