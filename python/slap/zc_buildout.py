"""zc.buildout as far as profile code uses it, for a python3 without zc.buildout."""


class UserError(Exception):
    """Errors made by a user."""

    def __str__(self):
        return " ".join(map(str, self.args))


class MissingOption(UserError, KeyError):
    """A required option is missing."""


class MissingSection(UserError, KeyError):
    """A required section is missing."""
