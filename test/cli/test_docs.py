"""The documentation names everything the program has: every command has its man page
and a line in slap(1); the generated lists of recipes and settings are complete."""
import os
from pathlib import Path

import pytest

from conftest import SLAP, SOURCE_ROOT, listed_commands

MAN = Path(SOURCE_ROOT) / "man"
BUILT_MAN = Path(os.path.abspath(SLAP)).parent.parent.parent / "man"


def test_every_command_has_a_man_page_and_a_line_in_slap_1(slap):
    names = listed_commands(slap)
    assert "build" in names and "completion" in names, names
    overview = (MAN / "slap.1.scd").read_text()
    for name in names:
        assert (MAN / f"slap-{name}.1.scd").exists(), name
        assert f"*{name}*" in overview, name


def built_page(name):
    page = BUILT_MAN / name
    if not page.exists():
        pytest.skip(f"{page} not built (scdoc missing or -Dman=disabled)")
    # roff escapes: "\-" for a dash, "\&" after a dot
    return page.read_text().replace("\\&", "").replace("\\-", "-")


def test_slap_build_1_lists_every_recipe(slap):
    page = built_page("slap-build.1")
    recipes = slap("build", "--list-recipes").out.split()
    assert len(recipes) > 20
    for recipe in recipes:
        assert recipe in page, recipe


def test_slap_config_1_describes_every_setting(slap):
    page = built_page("slap-config.1")
    settings = slap("--json", "config").json["result"]
    for key, entry in settings.items():
        assert entry["help"], key
        assert key in page, key
