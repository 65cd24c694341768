"""zc.buildout.easy_install for profile code that looks up eggs slap has already
installed (in eggs-directory / develop-eggs-directory). Nothing is downloaded here: eggs
are installed by slap's zc.recipe.egg recipes."""
import sys

_versions = {}


def default_versions(versions=None):
    """Returns the versions in force; with an argument, sets them (for profile code that
    updates [versions] as buildout's constructor does)."""
    old = dict(_versions)
    if versions is not None:
        _versions.clear()
        _versions.update(versions)
    return old


def working_set(specs, path=None, *args, **kw):
    """The distributions `specs` need, found in `path` (a list of directories)."""
    import pkg_resources
    if isinstance(path, str):  # zc.buildout 2 took (specs, executable, path)
        path = args[0] if args else kw.get("path")
    environment = pkg_resources.Environment(path or [])
    ws = pkg_resources.WorkingSet([])
    for dist in ws.resolve(pkg_resources.parse_requirements(specs), environment):
        ws.add(dist)
    return ws


def install(specs, dest=None, links=(), index=None, executable=sys.executable, always_unzip=None,
            path=None, working_set=None, **kw):
    """Adds what `specs` need, found in `path`, to `working_set` (and sys.path)."""
    if dest is not None:
        raise NotImplementedError("slap installs eggs with zc.recipe.egg, not from profile code (dest=%r)" % dest)
    import pkg_resources
    found = globals()["working_set"](specs, path)
    target = working_set if working_set is not None else pkg_resources.working_set
    for dist in found:
        target.add(dist)
        if dist.location not in sys.path:
            sys.path.append(dist.location)
    return target
