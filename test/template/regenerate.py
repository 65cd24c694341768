#!/usr/bin/python3
"""Regenerates the expected output of every template conformance case with Python Jinja2
3.1 (Debian's python3-jinja2). This is the only place Python Jinja2 is used: the tests
(test/conformance/test_templates.py) compare `slap render` with the committed files.

A case is a directory test/template/cases/NNN-name/ holding:
  template.in     the template
  context.json    its variables (a JSON object; optional)
  options.json    optional: keep_trailing_newline, trim_blocks, lstrip_blocks, autoescape (booleans;
                  autoescape may also be the text of a select_autoescape(...) call),
                  undefined ("default" or "strict"), line_statement_prefix,
                  line_comment_prefix, newline_sequence, block_start_string (and the
                  other delimiters: block_end, variable_start/end, comment_start/end),
                  the policies urlize.rel, urlize.target, urlize.extra_schemes (a list),
                  i18n: "on" (jinja2.ext.i18n loaded, no translations), "null"
                  (install_null_translations()), "newstyle" (the same, newstyle=True),
                  the policy ext.i18n.trimmed, debug (true: jinja2.ext.debug loaded),
                  mask (regexes; the test compares both outputs with their matches
                  replaced: an object's address, where Python found a module),
                  imports ({"NAME": "python.module"}, what the
                  slapos.recipe.template:jinja2 `import` context lines do), source
                  (the corpus file a real template was copied from; informative)
  other files     templates reachable by {% import %} / {% include %} by file name
and gets expected.out (the rendered text), or expected.error ("ExceptionClass: message")
when Jinja2 refuses the template.

The environment is the one slapos.recipe.template:jinja2 builds: extensions jinja2.ext.do
and jinja2.ext.loopcontrols, and the Python builtins it exposes to templates (plus six).

  test/template/regenerate.py [CASE_DIR...]
"""
import builtins
import importlib
import json
import os
import sys

import jinja2
import six

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")

# What slapos.recipe.template puts in every template's globals.
BUILTINS = ["abs", "all", "any", "bin", "bool", "callable", "chr", "dict", "divmod", "enumerate", "filter",
            "float", "format", "frozenset", "hex", "int", "isinstance", "iter", "len", "list", "map", "max", "min",
            "next", "oct", "ord", "pow", "repr", "reversed", "round", "set", "sorted", "str", "sum", "tuple",
            "zip", "getattr", "hasattr"]


DELIMITERS = ["block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
              "comment_start_string", "comment_end_string"]

POLICIES = ["urlize.rel", "urlize.target", "urlize.extra_schemes", "ext.i18n.trimmed"]


def autoescape(option):
    """True, False, or the text of a jinja2.select_autoescape(...) call."""
    if isinstance(option, str):
        return eval(option, {"select_autoescape": jinja2.select_autoescape})
    return option


def environment(case_dir, options):
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(case_dir),
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"] + (["jinja2.ext.i18n"] if options.get("i18n", "off") != "off" else [])
        + (["jinja2.ext.debug"] if options.get("debug") else []),
        undefined=jinja2.StrictUndefined if options.get("undefined") == "strict" else jinja2.Undefined,
        keep_trailing_newline=options.get("keep_trailing_newline", False),
        trim_blocks=options.get("trim_blocks", False),
        lstrip_blocks=options.get("lstrip_blocks", False),
        line_statement_prefix=options.get("line_statement_prefix"),
        line_comment_prefix=options.get("line_comment_prefix"),
        autoescape=autoescape(options.get("autoescape", False)),
        **{name: options[name] for name in DELIMITERS + ["newline_sequence"] if name in options})
    env.policies.update({name: value for name, value in options.items() if name in POLICIES})
    if options.get("i18n") in ("null", "newstyle"):
        env.install_null_translations(newstyle=options["i18n"] == "newstyle")
    for name in BUILTINS:
        env.globals[name] = getattr(builtins, name)
    env.globals["six"] = six
    return env


def read_json(path, default):
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def regenerate(case_dir):
    options = read_json(os.path.join(case_dir, "options.json"), {})
    context = read_json(os.path.join(case_dir, "context.json"), {})
    for name, module in options.get("imports", {}).items():
        context[name] = importlib.import_module(module)
    with open(os.path.join(case_dir, "template.in"), encoding="utf-8", newline="") as f:
        source = f.read()
    out_file = os.path.join(case_dir, "expected.out")
    err_file = os.path.join(case_dir, "expected.error")
    for stale in (out_file, err_file):
        if os.path.exists(stale):
            os.remove(stale)
    try:
        text = environment(case_dir, options).from_string(source).render(**context)
    except Exception as e:  # the expected outcome of an error case
        with open(err_file, "w", encoding="utf-8") as f:
            f.write(f"{type(e).__name__}: {e}\n")
        return "error"
    with open(out_file, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return "ok"


def main():
    dirs = sys.argv[1:] or sorted(os.path.join(CASES, d) for d in os.listdir(CASES))
    for d in dirs:
        print(f"{os.path.basename(d)}: {regenerate(d)}")
    print(f"jinja2 {jinja2.__version__}, {len(dirs)} cases")


if __name__ == "__main__":
    main()
