"""Stand-ins for the modules profile code imports from zc.buildout and
slapos.recipe.downloadunpacked, used only when the real ones are not importable: the
finder is appended to sys.meta_path, so it is asked last."""
import importlib.abc
import importlib.machinery
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# module name -> file of this package that stands in for it ("" = an empty package).
MODULES = {
    "zc": "",
    "zc.buildout": "zc_buildout.py",
    "zc.buildout.buildout": "zc_buildout_buildout.py",
    "zc.buildout.easy_install": "zc_buildout_easy_install.py",
    "zc.buildout.rmtree": "zc_buildout_rmtree.py",
    "slapos": "",
    "slapos.recipe": "",
    "slapos.recipe.downloadunpacked": "slapos_recipe_downloadunpacked.py",
}
PACKAGES = {"zc", "zc.buildout", "slapos", "slapos.recipe"}


class Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        file = MODULES.get(name)
        if file is None:
            return None
        if not file:
            spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
            spec.submodule_search_locations = []
            return spec
        location = os.path.join(HERE, file)
        return importlib.util.spec_from_file_location(
            name, location, submodule_search_locations=[] if name in PACKAGES else None)


def install():
    import sys
    sys.meta_path.append(Finder())
