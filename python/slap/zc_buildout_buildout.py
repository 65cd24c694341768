"""zc.buildout.buildout: dumps() writes a value into an option so that it reads back as
the same value (slap's typed option values, as the jinja2 recipe's dumps())."""
from zc.buildout import MissingOption, MissingSection, UserError  # noqa: F401
from slap.bridge import typed


def dumps(value):
    if isinstance(value, str) and "$" not in value and "\n" not in value:
        return value
    return typed(value)
