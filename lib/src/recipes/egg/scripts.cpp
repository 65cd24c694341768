#include "recipes/egg/scripts.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes::egg {

namespace {

// The text after "#!PYTHON" of each kind of script, as zc.buildout's templates give it.
constexpr std::string_view relative_setup =
    "\nimport os\n\njoin = os.path.join\nbase = os.path.dirname(os.path.abspath(os.path.realpath(__file__)))\n";

// zc.buildout 3.0.1's (the base of SlapOS' fork) interpreter wrapper.
constexpr std::string_view interpreter_main = R"(
_interactive = True
if len(sys.argv) > 1:
    _options, _args = __import__("getopt").getopt(sys.argv[1:], 'ic:m:')
    _interactive = False
    for (_opt, _val) in _options:
        if _opt == '-i':
            _interactive = True
        elif _opt == '-c':
            exec(_val)
        elif _opt == '-m':
            sys.argv[1:] = _args
            _args = []
            __import__("runpy").run_module(
                 _val, {}, "__main__", alter_sys=True)

    if _args:
        sys.argv[:] = _args
        __file__ = _args[0]
        del _options, _args
        with open(__file__) as __file__f:
            exec(compile(__file__f.read(), __file__, "exec"))

if _interactive:
    del _interactive
    __import__("code").interact(banner="", local=globals())
)";

// os.path.commonprefix of two strings (character-wise).
std::string common_prefix(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return std::string(a.substr(0, n));
}

std::string relative_path(const std::string& common, std::string p) {
  std::vector<std::string> parts;
  while (true) {
    std::string dir = path::dirname(p);
    parts.push_back(path::basename(p));
    if (dir == common || dir == p) break;
    p = dir;
  }
  std::reverse(parts.begin(), parts.end());
  return str::join(parts, "/");
}

std::string relativitize(const std::string& p, const std::string& script, const std::string& base) {
  if (p == base) return "base";
  std::string common = path::dirname(common_prefix(p, script));
  if (common == base || common.starts_with(path::join(base, "")))
    return "join(base, " + str::string_repr(relative_path(common, p)) + ")";
  return str::string_repr(p);
}

// How many directories lie between the script and the base directory.
int relative_depth(const std::string& base, std::string p) {
  int n = 0;
  while (true) {
    std::string dir = path::dirname(p);
    if (dir == base || dir == p) break;
    ++n;
    p = dir;
  }
  return n;
}

// (the sys.path list body, the relative-paths setup code) for the script at `script`.
std::pair<std::string, std::string> path_and_setup(const std::string& script, const std::vector<std::string>& path,
                                                   const std::string& relative_paths) {
  if (relative_paths.empty()) {
    std::vector<std::string> items;
    for (const auto& p : path) items.push_back(str::string_repr(p));
    return {str::replace_all(str::join(items, ", "), ", ", ",\n  "), ""};
  }
  std::string abs = path::normpath(script);
  std::vector<std::string> items;
  for (const auto& p : path) items.push_back(relativitize(p, abs, relative_paths));
  std::string setup(relative_setup);
  for (int i = relative_depth(relative_paths, abs); i > 0; --i) setup += "base = os.path.dirname(base)\n";
  return {str::join(items, ",\n  "), setup};
}

std::string entry_point_script(const ScriptOptions& o, const std::string& spath, const std::string& setup,
                               const std::string& init, const EntryPoint& ep) {
  return fmt::format(
      "#!{}\n{}\nimport sys\nsys.path[0:0] = [\n  {},\n  ]\n{}\nimport {}\n\n"
      "if __name__ == '__main__':\n    sys.exit({}.{}({}))\n",
      o.python, setup, spath, init, ep.module, ep.module, ep.attrs, o.arguments);
}

// A distutils script keeps its own code, with the path setup inserted before its first
// import (after __future__ imports); nullopt when it is not a Python script.
std::optional<std::string> distutils_script(const ScriptOptions& o, const std::string& spath, const std::string& setup,
                                            const std::string& init, const std::string& content) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < content.size();) {
    std::size_t end = content.find('\n', start);
    end = end == std::string::npos ? content.size() : end + 1;
    lines.push_back(content.substr(start, end - start));
    start = end;
  }
  if (lines.empty()) return std::nullopt;
  if (lines[0].find("#!") == std::string::npos && lines[0].find("python") != std::string::npos) return std::nullopt;
  lines.erase(lines.begin());
  std::size_t first_import = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    if (l.find("import") == std::string::npos) continue;
    if (!l.starts_with("import") && !l.starts_with("from")) continue;
    if (l.find("__future__") != std::string::npos) continue;
    first_import = i;
    break;
  }
  std::string before, after;
  for (std::size_t i = 0; i < lines.size(); ++i) (i < first_import ? before : after) += lines[i];
  return fmt::format("#!{}\n{}\n{}\nimport sys\nsys.path[0:0] = [\n  {},\n  ]\n{}\n\n{}", o.python, before, setup,
                     spath, init, after);
}

std::string interpreter_script(const ScriptOptions& o, std::string spath, const std::string& setup,
                               const std::string& init) {
  if (!spath.empty()) spath += ",";
  return fmt::format("#!{}\n{}\nimport sys\n\nsys.path[0:0] = [\n  {}\n  ]\n{}\n{}", o.python, setup, spath, init,
                     interpreter_main);
}

std::optional<std::string> script_name(const ScriptOptions& o, const std::string& name) {
  if (!o.scripts) return name;
  for (const auto& [from, to] : *o.scripts)
    if (from == name) return to;
  return std::nullopt;
}

unsigned executable_mode() {
  static const unsigned mode = [] {
    mode_t current = ::umask(022);
    ::umask(current);
    return 0777u & ~static_cast<unsigned>(current);
  }();
  return mode;
}

}  // namespace

std::vector<std::string> script_path(const std::vector<std::string>& locations, const std::vector<std::string>& extra) {
  std::vector<std::string> unique;
  auto add = [&](const std::string& p) {
    if (std::find(unique.begin(), unique.end(), p) == unique.end()) unique.push_back(p);
  };
  for (const auto& p : locations) add(p);
  for (const auto& p : extra) add(p);
  std::vector<std::string> out;
  for (const auto& p : unique) {
    std::error_code ec;
    std::string real = std::filesystem::weakly_canonical(std::filesystem::path(p), ec).string();
    if (ec) real = path::normpath(p);
    while (real.size() > 1 && real.ends_with('/')) real.pop_back();
    out.push_back(real);
  }
  return out;
}

std::vector<Script> render_scripts(const std::vector<std::string>& path, const ScriptSources& sources,
                                   const ScriptOptions& o, std::vector<std::string>& warnings) {
  std::vector<Script> out;
  std::string init = o.initialization.empty() ? "" : "\n" + o.initialization + "\n";
  std::vector<std::string> entry_names;
  for (const auto& ep : sources.entry_points) {
    entry_names.push_back(ep.name);
    auto name = script_name(o, ep.name);
    if (!name) continue;
    std::string file = path::join(o.dest, *name);
    auto [spath, setup] = path_and_setup(file, path, o.relative_paths);
    out.push_back({file, entry_point_script(o, spath, setup, init, ep)});
  }
  if (o.scripts)
    for (const auto& [name, target] : *o.scripts) {
      if (std::find(entry_names.begin(), entry_names.end(), name) != entry_names.end()) continue;
      if (name == target)
        warnings.push_back(fmt::format("Could not generate script '{}' as it is not defined in the egg entry points.", name));
      else
        warnings.push_back(fmt::format("Could not generate script '{}' as script '{}' is not defined in the egg entry "
                                       "points.", name, target));
    }
  for (const auto& [script, content] : sources.distutils_scripts) {
    auto name = script_name(o, script);
    if (!name) continue;
    std::string file = path::join(o.dest, *name);
    auto [spath, setup] = path_and_setup(file, path, o.relative_paths);
    if (auto text = distutils_script(o, spath, setup, init, content)) out.push_back({file, *text});
  }
  if (!o.interpreter.empty()) {
    std::string file = path::join(o.dest, o.interpreter);
    auto [spath, setup] = path_and_setup(file, path, o.relative_paths);
    out.push_back({file, interpreter_script(o, spath, setup, init)});
  }
  return out;
}

Result<std::vector<std::string>> write_scripts(const std::vector<Script>& scripts, std::vector<std::string>& changed) {
  std::vector<std::string> paths;
  for (const auto& s : scripts) {
    auto old = fs::read_file(s.path);
    if (!old || *old != s.content) {
      SLAP_CHECK(fs::make_dirs(path::dirname(s.path)));
      SLAP_CHECK(fs::write_atomic(s.path, s.content, executable_mode(), false));
      changed.push_back(s.path);
    }
    paths.push_back(s.path);
  }
  return paths;
}

}  // namespace slap::recipes::egg
