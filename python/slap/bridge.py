"""The Python end of slap's bridge (lib/src/python/): a long-lived helper that runs the
Python a profile contains on behalf of the C++ build.

Protocol: one JSON document per line, both ways over the socket whose descriptor is
argv[1]. slap writes requests {"op": NAME, ...}; the helper answers {"done": VALUE} or
{"raised": {...}} (plus "output" when the request named no log file). While it works on a
request the helper may ask slap for something with {"cb": NAME, ...}; slap answers
{"value": VALUE} or {"error": {"class": ..., "message": ...}} before anything else.
"""
import contextlib
import json
import logging
import os
import sys
import tempfile
import traceback

# The typed option values of slap/typed.hpp: a marker, then JSON with `$` doubled.
TYPED_MARKER = "\x1ajson:"


class Channel:
    def __init__(self, fd):
        os.set_inheritable(fd, False)  # not for the commands profile code runs
        self._in = os.fdopen(fd, "rb")
        self._reader = self._in.readline
        self._out = os.fdopen(os.dup(fd), "wb")

    def send(self, message):
        self._out.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
        self._out.flush()

    def receive(self):
        line = self._reader()
        if not line:
            return None
        return json.loads(line)

    def call(self, name, **args):
        """Asks slap for something during a request; raises what slap answers with. A
        request slap makes meanwhile (a section initialised by the callback runs Python
        code too) is served first."""
        args["cb"] = name
        self.send(args)
        while True:
            reply = self.receive()
            if reply is None:
                raise SystemExit(0)
            if "op" in reply:
                serve_one(reply)
                continue
            if "error" in reply:
                raise callback_error(reply["error"])
            return reply.get("value")


channel = None  # the Channel of this helper, for the modules that call back into slap


def callback_error(error):
    import zc.buildout
    cls = {"MissingOption": zc.buildout.MissingOption,
           "MissingSection": zc.buildout.MissingSection}.get(error.get("class"), zc.buildout.UserError)
    e = cls(error.get("message", ""))
    e.slap_callback = True  # slap keeps the original error, with its location
    return e


def decode(value):
    if isinstance(value, str) and value.startswith(TYPED_MARKER):
        return json.loads(value[len(TYPED_MARKER):].replace("$$", "$"))
    return value


def typed(value):
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except TypeError as e:
        raise TypeError("an option value must be a string or a JSON-like value: %s" % e) from None
    return TYPED_MARKER + text.replace("$", "$$")


def encode(value):
    """What an option holds for `value`: strings as they are, other values typed."""
    return value if isinstance(value, str) else typed(value)


class Options:
    """A section as zc.buildout's Options show it: a mapping of option values, read and
    written through slap (so a write is seen by later ${section:option} references)."""

    def __init__(self, name):
        self.name = name
        self.depends = set()
        self._typed = {}  # option -> (encoded, decoded): a typed value keeps its identity

    def _get(self, key):
        value = channel.call("get", section=self.name, option=key)
        if value is None or not value.startswith(TYPED_MARKER):
            return value
        cached = self._typed.get(key)
        if cached is None or cached[0] != value:
            cached = self._typed[key] = value, decode(value)
        return cached[1]

    def __getitem__(self, key):
        value = self._get(key)
        if value is None:
            import zc.buildout
            raise zc.buildout.MissingOption("Missing option: %s:%s" % (self.name, key))
        return value

    def get(self, key, default=None):
        value = self._get(key)
        return default if value is None else value

    def __setitem__(self, key, value):
        encoded = encode(value)
        channel.call("set", section=self.name, option=key, value=encoded)
        if encoded is not value:
            self._typed[key] = encoded, value

    def __delitem__(self, key):
        if not channel.call("erase", section=self.name, option=key):
            raise KeyError(key)
        self._typed.pop(key, None)

    def __contains__(self, key):
        return self._get(key) is not None

    def keys(self):
        return channel.call("keys", section=self.name)

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self.keys())

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def values(self):
        return [self[k] for k in self.keys()]

    def copy(self):
        return dict(self.items())

    def pop(self, key, *default):
        value = self._get(key)
        if value is None:
            if default:
                return default[0]
            raise KeyError(key)
        del self[key]
        return value

    def setdefault(self, key, default=None):
        value = self._get(key)
        if value is None:
            self[key] = value = default
        return value

    def update(self, *args, **kw):
        for key, value in dict(*args, **kw).items():
            self[key] = value

    def query_bool(self, name, default=None):
        value = self.get(name, default)
        if value is None:
            return None
        value = value.lower()
        if value not in ("true", "false"):
            import zc.buildout
            raise zc.buildout.UserError("Invalid value for %s option: %s" % (name, value))
        return value == "true"

    def barrier(self):
        """slapos's zc.buildout: nothing to do in slap, whose part dependencies come from
        the references sections make."""

    def __repr__(self):
        return "<Options [%s]>" % self.name


class Buildout:
    """zc.buildout's Buildout as recipe code sees it: buildout[section] initialises the
    section in slap (as the real one does) and returns its options."""

    def __init__(self):
        self._sections = {}

    def __getitem__(self, name):
        options = self._sections.get(name)
        if options is None:
            channel.call("section", section=name)
            options = self._sections[name] = Options(name)
        return options

    def get(self, name, default=None):
        if name not in self:
            return default
        return self[name]

    def __contains__(self, name):
        return name in channel.call("sections")

    def __iter__(self):
        return iter(channel.call("sections"))

    def keys(self):
        return channel.call("sections")

    def parse(self, text):
        channel.call("parse", text=text)


@contextlib.contextmanager
def output_to(log):
    """Sends descriptors 1 and 2 (and so what subprocesses print) to `log`, or to a
    temporary file whose text is yielded back through the returned list."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    capture = None
    if log:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    else:
        capture = tempfile.TemporaryFile()
        fd = os.dup(capture.fileno())
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    text = []
    try:
        yield text
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])
        if capture is not None:
            capture.seek(0)
            text.append(capture.read().decode(errors="replace"))
            capture.close()


def describe(exc, code_files):
    """An exception as slap reports it: type, message, traceback, and the line of the
    innermost frame that runs one of `code_files` (profile code or a hook file)."""
    code, line = "", 0
    if isinstance(exc, SyntaxError) and exc.filename in code_files:
        code, line = exc.filename, exc.lineno or 0
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in code_files:
            code, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    # The helper's own frames are left out: the traceback starts in the profile's code.
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename not in code_files:
        tb = tb.tb_next
    text = "".join(traceback.format_exception(type(exc), exc, tb or exc.__traceback__))
    import zc.buildout
    return {"type": type(exc).__name__, "message": str(exc), "traceback": text, "code": code, "line": line,
            "callback": bool(getattr(exc, "slap_callback", False)),
            "user": isinstance(exc, zc.buildout.UserError)}


OPS = {}


def serve_one(request):
    op = OPS[request.pop("op")]
    code_files = set()
    with output_to(request.get("log")) as output:
        try:
            reply = {"done": op(request, code_files)}
        except BaseException as e:  # SystemExit in profile code ends the call, not the helper
            reply = {"raised": describe(e, code_files)}
    if output:
        reply["output"] = output[0]
    channel.send(reply)


def main():
    global channel
    sys.path[:] = [p for p in sys.path if p]  # not the current directory
    channel = Channel(int(sys.argv[1]))
    from . import shim
    shim.install()
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(name)s: %(message)s")
    from . import build, hook
    OPS["hello"] = lambda request, code_files: {"python": sys.executable, "version": sys.version.split()[0]}
    OPS.update(build.OPS)
    OPS.update(hook.OPS)
    while True:
        request = channel.receive()
        if request is None:
            return
        serve_one(request)
