#!/usr/bin/env python3
"""Runs every test suite (doctest unit tests, pytest CLI and conformance tests) and ends
with one summary line: "N passed, N failed"."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def junit_counts(path):
    """(passed, failed, skipped) from a JUnit XML report."""
    tree = ET.parse(path)
    passed = failed = skipped = 0
    for case in tree.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("pytest_args", nargs="*")
    a = ap.parse_args()
    build = os.path.abspath(os.path.join(ROOT, a.build))
    slap = os.path.join(build, "cmd", "slap", "slap")
    out = tempfile.mkdtemp(prefix="slap-tests-")
    totals = [0, 0, 0]

    unit_xml = os.path.join(out, "unit.xml")
    unit = os.path.join(build, "test", "unit", "unit-tests")
    rc = subprocess.call([unit])
    subprocess.call([unit, "--reporters=junit", "--out=" + unit_xml, "--no-version"],
                    stdout=subprocess.DEVNULL)
    try:
        counts = junit_counts(unit_xml)
    except (OSError, ET.ParseError):
        counts = (0, 1, 0)
    if rc != 0 and counts[1] == 0:
        counts = (counts[0], 1, counts[2])
    totals = [t + c for t, c in zip(totals, counts)]

    py_xml = os.path.join(out, "pytest.xml")
    env = dict(os.environ, SLAP=slap, SLAP_SOURCE_ROOT=ROOT)
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    rc = subprocess.call([python, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "--junitxml=" + py_xml,
                          os.path.join(HERE, "cli"), os.path.join(HERE, "conformance")] + a.pytest_args,
                         env=env)
    try:
        counts = junit_counts(py_xml)
    except (OSError, ET.ParseError):
        counts = (0, 1, 0)
    if rc not in (0, 5) and counts[1] == 0:
        counts = (counts[0], 1, counts[2])
    totals = [t + c for t, c in zip(totals, counts)]

    shutil.rmtree(out, ignore_errors=True)  # the JUnit reports, read above
    passed, failed, skipped = totals
    extra = f", {skipped} skipped" if skipped else ""
    print(f"{passed} passed, {failed} failed{extra}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
