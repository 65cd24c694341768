"""slap show --json against zc.buildout's own results in ../shared/conformance (see its
README for the contract). Skips when ../shared is absent."""
import glob
import json
import os
import shutil
import subprocess
import tempfile

import pytest

ROOT = os.environ.get("SLAP_SOURCE_ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))
SLAP = os.environ.get("SLAP") or os.path.join(ROOT, "build", "cmd", "slap", "slap")
CASES = os.path.join(SHARED, "conformance", "cases")
PROFILES = os.path.join(SHARED, "conformance", "slapos")
CORPUS = os.path.join(SHARED, "corpus", "slapos")


def case_items():
    if not os.path.isdir(CASES):
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"{SHARED} is absent: no conformance data"))]
    return [pytest.param(os.path.join(d, "expected.json"), d, id=os.path.basename(d))
            for d in sorted(glob.glob(os.path.join(CASES, "*")))
            if os.path.isfile(os.path.join(d, "expected.json"))]


def profile_items():
    if not os.path.isdir(PROFILES):
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"{SHARED} is absent: no conformance data"))]
    return [pytest.param(f, CORPUS, id=os.path.basename(f)[:-5])
            for f in sorted(glob.glob(os.path.join(PROFILES, "*.json")))]


def tokenise(x, work, corpus):
    if isinstance(x, str):
        return x.replace(work, "@WORK@").replace(corpus, "@CORPUS@")
    if isinstance(x, list):
        return [tokenise(v, work, corpus) for v in x]
    if isinstance(x, dict):
        return {k: tokenise(v, work, corpus) for k, v in x.items()}
    return x


def error_class(msg):
    return str(msg).split(":", 1)[0].strip()


def comparable(view):
    """Drops buildout:executable and reduces error messages to their class."""
    view = json.loads(json.dumps(view))
    if isinstance(view, dict):
        for name, sec in list(view.items()):
            if isinstance(sec, dict):
                sec.pop("executable", None)
                if "__error__" in sec:
                    view[name] = {"__error__": error_class(sec["__error__"])}
            elif isinstance(sec, str):
                view[name] = error_class(sec)
    return view


def check(expected_file, corpus):
    with open(expected_file) as f:
        exp = json.load(f)
    if "__timeout__" in exp:
        pytest.skip("the oracle timed out on this profile")
    corpus = os.path.abspath(corpus)
    prof = exp["profile"].replace("@CORPUS@", corpus)
    work = tempfile.mkdtemp(prefix="slapconf-")
    try:
        p = subprocess.run([SLAP, "show", "--json", "-c", prof, "buildout:directory=" + work,
                            "buildout:offline=true", "buildout:eggs-directory=" + work + "/eggs"],
                           cwd=work, capture_output=True, text=True, timeout=60,
                           env={"HOME": work, "PATH": "/usr/bin:/bin"})
        if "__load_error__" in exp:
            assert p.returncode == 3, f"expected failure {error_class(exp['__load_error__'])}, got exit {p.returncode}"
            assert "slap: error: " in p.stderr
            return
        got = json.loads(p.stdout)["result"]
        got = tokenise(got, work, corpus)
        for view in ("raw", "resolved", "order", "part_errors"):
            assert comparable(got[view]) == comparable(exp[view]), f"view {view} differs"
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.mark.parametrize("expected_file,corpus", case_items())
def test_case(expected_file, corpus):
    check(expected_file, corpus)


@pytest.mark.parametrize("expected_file,corpus", profile_items())
def test_slapos_component(expected_file, corpus):
    check(expected_file, corpus)
