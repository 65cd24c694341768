"""The module boundaries docs/architecture.md describes hold in the code: modules reach each
other only through public headers (lib/include/slap/), cmd/ sees nothing else, the modules
form the graph the table declares (and no cycle), and the library never reads the
environment. The table is parsed from the document, so that the two cannot drift."""
import os
import re
from pathlib import Path

import pytest

from conftest import SOURCE_ROOT

ROOT = Path(SOURCE_ROOT)
LIB_SRC = ROOT / "lib" / "src"
LIB_INCLUDE = ROOT / "lib" / "include" / "slap"
CMD = ROOT / "cmd"
DOC = ROOT / "docs" / "architecture.md"
# Headers the build generates (meson configure_file) for cmd/.
GENERATED = {"slap_version.h", "slap_layout.h"}
SOURCE_SUFFIXES = {".cpp", ".hpp", ".h"}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]', re.M)
ENVIRONMENT = re.compile(r"\b(getenv|secure_getenv|setenv|unsetenv|putenv|clearenv|environ)\b")


def sources(top):
    return sorted(p for p in top.rglob("*") if p.suffix in SOURCE_SUFFIXES and p.is_file())


def includes(path):
    """(line, delimiter, name) of every #include of a file."""
    text = path.read_text()
    return [(text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2)) for m in INCLUDE.finditer(text)]


def code_only(text):
    """The text with comments and string and character literals blanked (line numbers kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif m := re.match(r'R"([^(\s]*)\(', text[i:i + 20]):
            end = text.find(")" + m.group(1) + '"', i)
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(" ")
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def module_table():
    """{module: (public headers, declared uses)} from the table in docs/architecture.md."""
    rows = {}
    lines = DOC.read_text().splitlines()
    start = next(i for i, l in enumerate(lines) if re.match(r"\|\s*module\s*\|.*\|\s*public headers\s*\|\s*uses\s*\|", l))
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        module, headers, uses = cells[0], cells[-2], cells[-1]
        rows[module] = (set(re.findall(r"`slap/([a-z_]+\.hpp)`", headers)),
                        set() if uses == "-" else {u.strip() for u in uses.split(",")})
    return rows


TABLE = module_table()
MODULES = sorted(p.name for p in LIB_SRC.iterdir() if p.is_dir())
OWNER = {h: m for m, (headers, _) in TABLE.items() for h in headers}


def owner_of_include(path, delimiter, name):
    """What an #include of `path` names: ("public", owning module) for a public header,
    ("private", module) for a header under lib/src/MODULE/, ("cmd", None) for cmd/'s own,
    None for anything else (system, third-party, generated)."""
    first, _, rest = name.partition("/")
    candidates = [path.parent / name] if delimiter == '"' else []
    if first == "slap" and rest:
        candidates.append(LIB_INCLUDE / rest)
    elif first in MODULES and rest:
        candidates.append(LIB_SRC / name)
    for found in candidates:
        found = Path(os.path.normpath(found))
        if not found.is_file():
            continue
        if found.is_relative_to(LIB_INCLUDE):
            return "public", OWNER.get(found.name)
        if found.is_relative_to(LIB_SRC):
            return "private", found.relative_to(LIB_SRC).parts[0]
        if found.is_relative_to(CMD):
            return "cmd", None
        return "elsewhere", str(found.relative_to(ROOT))
    if first == "slap" and rest:
        return "public", None  # a public header that does not exist
    return None


def module_graph():
    """{module: {module it includes a public header of}}, with the file and line of one
    include that makes each edge; public headers count for the module that owns them."""
    graph = {m: {} for m in TABLE}
    places = [(p, p.relative_to(LIB_SRC).parts[0]) for p in sources(LIB_SRC)]
    places += [(p, OWNER.get(p.name)) for p in sources(LIB_INCLUDE)]
    for path, module in places:
        if module not in graph:
            continue
        for line, delimiter, name in includes(path):
            found = owner_of_include(path, delimiter, name)
            if found and found[0] == "public" and found[1] and found[1] != module:
                graph[module].setdefault(found[1], f"{path.relative_to(ROOT)}:{line}")
    return graph


def test_the_table_names_every_module_and_every_public_header():
    assert sorted(TABLE) == MODULES, "docs/architecture.md's module table and lib/src/ differ"
    owners = {}
    for module, (headers, _) in TABLE.items():
        for h in headers:
            owners.setdefault(h, []).append(module)
    shared = {h: ms for h, ms in owners.items() if len(ms) > 1}
    assert not shared, f"public headers claimed by more than one module: {shared}"
    on_disk = {p.name for p in LIB_INCLUDE.glob("*.hpp")}
    assert set(owners) - on_disk == set(), "the table names headers that do not exist"
    assert on_disk - set(owners) == set(), "public headers no module of the table owns"
    for module, (_, uses) in TABLE.items():
        assert uses <= set(TABLE), f"{module} uses unknown modules: {uses - set(TABLE)}"


def test_modules_include_only_their_own_private_headers():
    leaks = []
    for path in sources(LIB_SRC):
        module = path.relative_to(LIB_SRC).parts[0]
        for line, delimiter, name in includes(path):
            found = owner_of_include(path, delimiter, name)
            if found and found[0] != "public" and found[1] != module:
                leaks.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert not leaks, "modules reaching into other modules' private headers:\n" + "\n".join(leaks)


def test_public_headers_include_only_public_headers():
    leaks = []
    for path in sources(LIB_INCLUDE):
        for line, delimiter, name in includes(path):
            found = owner_of_include(path, delimiter, name)
            if found and found[0] != "public":
                leaks.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert not leaks, "public headers including private ones:\n" + "\n".join(leaks)


def test_cmd_sees_only_public_headers():
    leaks = []
    for path in sources(CMD):
        for line, delimiter, name in includes(path):
            found = owner_of_include(path, delimiter, name)
            if found and found[0] in ("private", "elsewhere"):
                leaks.append(f"{path.relative_to(ROOT)}:{line}: {name}")
            elif found and found[0] == "public" and not found[1]:
                leaks.append(f"{path.relative_to(ROOT)}:{line}: {name} (no such public header)")
            elif not found and delimiter == '"' and name not in GENERATED:
                leaks.append(f"{path.relative_to(ROOT)}:{line}: {name} (neither public nor cmd's own)")
    assert not leaks, "cmd/ including what is not a public header:\n" + "\n".join(leaks)


def test_module_dependencies_are_the_declared_ones():
    graph = module_graph()
    problems = []
    for module, edges in sorted(graph.items()):
        declared = TABLE[module][1]
        for used, where in sorted(edges.items()):
            if used not in declared:
                problems.append(f"{where}: {module} uses {used}, which the table does not declare")
        for unused in sorted(declared - set(edges)):
            problems.append(f"{module}: the table declares that it uses {unused}, which it does not")
    assert not problems, "docs/architecture.md's module table and the code differ:\n" + "\n".join(problems)


def find_cycle(graph):
    """A list of modules forming a cycle, or None."""
    state = {}

    def visit(m, path):
        state[m] = "open"
        for n in sorted(graph.get(m, ())):
            if state.get(n) == "open":
                return path[path.index(n):] + [n]
            if n not in state:
                if cycle := visit(n, path + [n]):
                    return cycle
        state[m] = "done"
        return None

    for m in sorted(graph):
        if m not in state:
            if cycle := visit(m, [m]):
                return cycle
    return None


@pytest.mark.parametrize("which", ["code", "table"])
def test_modules_form_no_cycle(which):
    graph = module_graph() if which == "code" else {m: uses for m, (_, uses) in TABLE.items()}
    cycle = find_cycle(graph)
    assert cycle is None, f"module cycle in the {which}: {' -> '.join(cycle)}"


def test_find_cycle_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_library_never_reads_the_environment():
    readers = []
    for path in sources(LIB_SRC) + sources(LIB_INCLUDE):
        for number, line in enumerate(code_only(path.read_text()).splitlines(), 1):
            if m := ENVIRONMENT.search(line):
                readers.append(f"{path.relative_to(ROOT)}:{number}: {m.group(1)}")
    assert not readers, "the library reads the environment (cmd/ passes it in):\n" + "\n".join(readers)


def test_code_only_keeps_code_and_drops_comments_and_strings():
    text = 'a = getenv("X"); // environ\n/* setenv */ b = "environ";\nc = R"x(getenv)x"; environ'
    kept = code_only(text)
    assert kept.count("\n") == 2
    assert ENVIRONMENT.findall(kept) == ["getenv", "environ"]
