// The script writer against zc.buildout 3.0.1's easy_install.scripts(): the expected texts
// below are what that function wrote for the same working set and options.
#include <doctest/doctest.h>

#include <string_view>

#include "recipes/egg/scripts.hpp"

using namespace slap::recipes::egg;

namespace {

constexpr std::string_view plain_a_cmd = R"py(#!/opt/py/bin/python3

import sys
sys.path[0:0] = [
  '/srv/b/eggs/a-1.0-py3.11.egg',
  '/srv/b/develop/b-src',
  ]

import a.cli

if __name__ == '__main__':
    sys.exit(a.cli.main())
)py";

constexpr std::string_view plain_tool_py = R"py(#!/opt/py/bin/python3
# comment
from __future__ import print_function


import sys
sys.path[0:0] = [
  '/srv/b/eggs/a-1.0-py3.11.egg',
  '/srv/b/develop/b-src',
  ]


import sys
print(sys.argv)
)py";

constexpr std::string_view full_acmd = R"py(#!/opt/py/bin/python3

import sys
sys.path[0:0] = [
  '/srv/b/eggs/a-1.0-py3.11.egg',
  '/srv/b/develop/b-src',
  '/srv/b/extra',
  ]

import os
os.environ['X'] = '1'

import a.cli

if __name__ == '__main__':
    sys.exit(a.cli.main(sys.argv[1:]))
)py";

constexpr std::string_view full_tool = R"py(#!/opt/py/bin/python3
# comment
from __future__ import print_function


import sys
sys.path[0:0] = [
  '/srv/b/eggs/a-1.0-py3.11.egg',
  '/srv/b/develop/b-src',
  '/srv/b/extra',
  ]

import os
os.environ['X'] = '1'


import sys
print(sys.argv)
)py";

constexpr std::string_view full_py = R"py(#!/opt/py/bin/python3

import sys

sys.path[0:0] = [
  '/srv/b/eggs/a-1.0-py3.11.egg',
  '/srv/b/develop/b-src',
  '/srv/b/extra',
  ]

import os
os.environ['X'] = '1'


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
)py";

constexpr std::string_view relative_a_cmd = R"py(#!/opt/py/bin/python3

import os

join = os.path.join
base = os.path.dirname(os.path.abspath(os.path.realpath(__file__)))
base = os.path.dirname(base)

import sys
sys.path[0:0] = [
  join(base, 'eggs/a-1.0-py3.11.egg'),
  join(base, 'develop/b-src'),
  '/elsewhere/lib',
  ]

import a.cli

if __name__ == '__main__':
    sys.exit(a.cli.main())
)py";

constexpr std::string_view relative_py = R"py(#!/opt/py/bin/python3

import os

join = os.path.join
base = os.path.dirname(os.path.abspath(os.path.realpath(__file__)))
base = os.path.dirname(base)

import sys

sys.path[0:0] = [
  join(base, 'eggs/a-1.0-py3.11.egg'),
  join(base, 'develop/b-src'),
  '/elsewhere/lib',
  ]


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
)py";

const std::vector<std::string> path{"/srv/b/eggs/a-1.0-py3.11.egg", "/srv/b/develop/b-src"};

ScriptSources sources() {
  ScriptSources s;
  s.entry_points = {{"a-cmd", "a.cli", "main"}, {"a2", "a.x", "y.z"}};
  s.distutils_scripts = {{"tool.py", "#!/usr/bin/python\n# comment\nfrom __future__ import print_function\n"
                                     "import sys\nprint(sys.argv)\n"}};
  return s;
}

std::string_view content_of(const std::vector<Script>& scripts, const std::string& file) {
  for (const auto& s : scripts)
    if (s.path == file) return s.content;
  FAIL("no script " << file);
  return {};
}

}  // namespace

TEST_CASE("egg scripts: one per entry point and distutils script, sys.path as buildout writes it") {
  ScriptOptions o{.python = "/opt/py/bin/python3", .dest = "/srv/b/bin"};
  std::vector<std::string> warnings;
  auto scripts = render_scripts(path, sources(), o, warnings);
  REQUIRE(scripts.size() == 3);
  CHECK(scripts[0].path == "/srv/b/bin/a-cmd");
  CHECK(scripts[1].path == "/srv/b/bin/a2");
  CHECK(scripts[2].path == "/srv/b/bin/tool.py");
  CHECK(content_of(scripts, "/srv/b/bin/a-cmd") == plain_a_cmd);
  CHECK(content_of(scripts, "/srv/b/bin/tool.py") == plain_tool_py);
  CHECK(warnings.empty());
}

TEST_CASE("egg scripts: `scripts` renames and filters, initialization, arguments, extra paths, interpreter") {
  ScriptOptions o{.python = "/opt/py/bin/python3", .dest = "/srv/b/bin"};
  o.scripts = std::vector<std::pair<std::string, std::string>>{{"a-cmd", "acmd"}, {"missing", "missing"}, {"tool.py", "tool"}};
  o.initialization = "import os\nos.environ['X'] = '1'";
  o.arguments = "sys.argv[1:]";
  o.interpreter = "py";
  auto p = path;
  p.push_back("/srv/b/extra");
  std::vector<std::string> warnings;
  auto scripts = render_scripts(p, sources(), o, warnings);
  REQUIRE(scripts.size() == 3);
  CHECK(content_of(scripts, "/srv/b/bin/acmd") == full_acmd);
  CHECK(content_of(scripts, "/srv/b/bin/tool") == full_tool);
  CHECK(content_of(scripts, "/srv/b/bin/py") == full_py);
  CHECK(warnings == std::vector<std::string>{
                        "Could not generate script 'missing' as it is not defined in the egg entry points.",
                        "Could not generate script 'tool.py' as script 'tool' is not defined in the egg entry points."});
}

TEST_CASE("egg scripts: relative-paths makes paths under the buildout directory relative to the script") {
  ScriptOptions o{.python = "/opt/py/bin/python3", .dest = "/srv/b/bin"};
  o.interpreter = "py";
  o.relative_paths = "/srv/b";
  auto p = path;
  p.push_back("/elsewhere/lib");
  std::vector<std::string> warnings;
  auto scripts = render_scripts(p, sources(), o, warnings);
  CHECK(content_of(scripts, "/srv/b/bin/a-cmd") == relative_a_cmd);
  CHECK(content_of(scripts, "/srv/b/bin/py") == relative_py);
}

TEST_CASE("egg scripts: an empty `scripts` list writes only the interpreter") {
  ScriptOptions o{.python = "/usr/bin/python3", .dest = "/b/bin", .interpreter = "python"};
  o.scripts = std::vector<std::pair<std::string, std::string>>{};
  std::vector<std::string> warnings;
  auto scripts = render_scripts(path, sources(), o, warnings);
  REQUIRE(scripts.size() == 1);
  CHECK(scripts[0].path == "/b/bin/python");
}

TEST_CASE("egg scripts: script_path keeps the first of duplicates and resolves symlinks") {
  CHECK(script_path({"/a/b", "/a/c", "/a/b"}, {"/a/c", "/a/d/"}) == std::vector<std::string>{"/a/b", "/a/c", "/a/d"});
}
