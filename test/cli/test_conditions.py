"""Section conditions `[name:EXPR]` against CPython: each expression becomes a conditional
section, and the sections `slap show` keeps must be those for which Python's eval() of
"[EXPR]" (element 0), over zc.buildout's default globals, is true. slap evaluates them
itself: its Python fallback is pointed at a missing interpreter."""
import platform
import re
import struct
import sys
import os

import pytest

# What zc.buildout's own doctests and the SlapOS profiles put in section headers, and the
# Python the issue names: arithmetic, builtins, lambda, comprehensions, sys/platform/os.
EXPRESSIONS = [
    "python3", "python2", "python27", "python36", "cpython", "pypy", "linux", "windows", "posix",
    "bits64", "bits32", "little_endian", "big_endian",
    "2 + 2 == 4", "2 * 3 - 1 == 5", "7 // 2 == 3 and -7 // 2 == -4", "2 ** 10 > 1000", "-2 ** 2 == -4",
    "1 < 2 < 3", "3 > 2 > 2", "1 | 2 == 3", "6 & 3 == 2", "~0 == -1", "1 << 3 == 8",
    "(2 ** 70 | 1) == 2 ** 70 + 1", "(-2 ** 70 & 0xff) == 0", "(-2 ** 70 - 1) & 0xffff == 0xffff",
    "~(2 ** 70) == -2 ** 70 - 1", "(2 ** 64 ^ -1) < 0", "(2 ** 65 ^ 2 ** 64) == 3 * 2 ** 64", "(-2 ** 80 | -2 ** 70) == -2 ** 70",
    "(True & 2 ** 70) == 0", "(2 ** 70 & -1) == 2 ** 70",
    "sys.version_info >= (3, 8)", "sys.version_info < (3, 10)", "sys.version_info[:2] == (3, 11)",
    "sys.version_info.major == 3", "sys.version[0] == '3'", "sys.platform.startswith('linux')",
    "sys.byteorder == 'little'", "sys.maxsize > 2 ** 32",
    "platform.system() == 'Linux'", "platform.machine() == 'x86_64'",
    "platform.machine() in ('x86_64', 'aarch64')", "platform.python_version_tuple()[0] == '3'",
    "platform.python_implementation() == 'CPython'",
    "[int(q) for q in platform.release().split('.')[:2]] >= [3, 10]",
    "platform.freedesktop_os_release()['ID'] in ('debian', 'ubuntu')",
    "os.name == 'posix'", "os.path.isdir('/etc')", "os.path.exists('/no/such/path')",
    "os.access('/etc/passwd', os.R_OK)", "'root' in open('/etc/passwd').read()",
    "len('abc') == 3", "str(42) == '42'", "int('7') + 1 == 8", "bool([]) is False",
    "any(map(lambda x: x > 2, [1, 2, 3]))", "all(x % 2 for x in [1, 3, 5])",
    "sorted({'b': 1, 'a': 2})[0] == 'a'", "max([3, 1, 2]) == 3", "sum(range(5)) == 10",
    "list(filter(None, [0, 1, '', 'x'])) == [1, 'x']", "(lambda a, b=2: a * b)(3) == 6",
    "{k: v for k, v in zip('ab', (1, 2))}['b'] == 2", "{x for x in 'aab'} == {'a', 'b'}",
    "[x * y for x in (1, 2) for y in (10, 100) if x * y > 10] == [100, 20, 200]",
    "'a,b'.split(',') == ['a', 'b']", "'%s-%d' % ('x', 3) == 'x-3'", "'{}{}'.format(1, 2) == '12'",
    "'abc'.upper() == 'ABC' and 'ABC'.lower() == 'abc'", "'x' if 0 else 'y'", "'' or None",
    "None is None", "[] is not None", "not (1 and 0)", "0, 1", "1, 0", "(0,)", "()",
    "x for x in [0]", "x for x in [1]", "re.match('a+', 'aaa') is not None",
    "'\\x23' == chr(35)", "isinstance(1, int) and not isinstance('', int)",
]


def buildout_globals():
    """zc.buildout's _default_globals(), computed the way buildout computes it."""
    g = {"sys": sys, "os": os, "platform": platform, "re": re}
    major = tuple(map(str, platform.python_version_tuple()))
    g.update({"python2": major[0] == "2", "python3": major[0] == "3"})
    for v in ("24", "25", "26", "27", "30", "31", "32", "33", "34", "35", "36"):
        g["python" + v] = "".join(major[:2]) == v
    version = sys.version.lower()
    pypy, jython, iron = "pypy" in version, "java" in version, "iron" in version
    g.update({"cpython": not any((pypy, jython, iron)), "pypy": pypy, "jython": jython, "ironpython": iron})
    plat = str(sys.platform).lower()
    g.update({"linux": "linux" in plat, "windows": "win32" in plat, "cygwin": "cygwin" in plat,
              "solaris": "sunos" in plat, "macosx": "darwin" in plat, "posix": "posix" in os.name.lower()})
    bits = struct.calcsize("P") * 8
    g.update({"bits32": bits == 32, "bits64": bits == 64, "little_endian": sys.byteorder == "little",
              "big_endian": sys.byteorder == "big"})
    return g


def python_verdict(expression):
    # buildout's own unescaping, then "[EXPR]"[0].
    text = "[" + expression.replace(r"\x23", "#").replace("x3b", ";") + "]"
    return bool(eval(text, buildout_globals())[0])


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="slap answers as CPython 3.11 does; this Python is "
                    f"{platform.python_version()}")
def test_conditions_agree_with_cpython(slap):
    lines = ["[buildout]", "parts ="]
    for i, expression in enumerate(EXPRESSIONS):
        lines += [f"[s{i}:{expression}]", "x = 1"]
    (slap.cwd / "buildout.cfg").write_text("\n".join(lines) + "\n")
    r = slap("show", "--json", env={"SLAP_BUILD_PYTHON": "/nonexistent/python3"})
    assert r.code == 0, r
    kept = set(r.json["result"]["raw"])
    disagreements = []
    for i, expression in enumerate(EXPRESSIONS):
        expected = python_verdict(expression)
        if (f"s{i}" in kept) != expected:
            disagreements.append(f"{expression!r}: Python says {expected}, slap {not expected}")
    assert not disagreements, "\n".join(disagreements)
    assert 10 < len(kept) < len(EXPRESSIONS)  # both verdicts occur


@pytest.mark.parametrize("expression, error", [
    ("undefined_flag", "NameError: name 'undefined_flag' is not defined"),
    ("1 +", "SyntaxError"),
    ("1 / 0", "ZeroDivisionError: division by zero"),
    ("x for x in []", "IndexError: list index out of range"),
])
def test_condition_errors_name_python_class_and_line(slap, expression, error):
    (slap.cwd / "buildout.cfg").write_text(f"[buildout]\nparts =\n\n[s:{expression}]\nx = 1\n")
    r = slap("show", env={"SLAP_BUILD_PYTHON": "/nonexistent/python3"})
    assert r.code == 3, r
    assert "buildout.cfg:4:" in r.err and error in r.err, r
