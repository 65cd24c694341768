"""Python hook files of slapos.recipe.cmmi (`post-make-hook = FILE#MD5:FUNCTION`...): the
function is called with the part's options, buildout and, when it takes a third
argument, the part's environment. slap has verified FILE's md5 before asking."""
import importlib.util
import inspect
import os

from . import build


def takes_environment(function):
    """Whether the hook accepts (options, buildout, environment) rather than (options,
    buildout). Upstream tries three arguments and retries with two on TypeError, which
    runs a hook twice when its body raises TypeError: slap asks the signature instead."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return True
    try:
        signature.bind(None, None, None)
        return True
    except TypeError:
        return False


def call(request, code_files):
    path = request["file"]
    code_files.add(path)
    spec = importlib.util.spec_from_file_location("script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    function = getattr(module, request["function"].strip())
    options = build.buildout._sections.get(request["section"]) or build.buildout[request["section"]]
    cwd = os.getcwd()
    os.chdir(request["cwd"])
    try:
        if takes_environment(function):
            function(options, build.buildout, dict(request["environment"]))
        else:
            function(options, build.buildout)
    finally:
        os.chdir(cwd)


OPS = {"hook.call": call}
