"""slapos.recipe.build (the default entry point): inline Python in `init`, `install` and
`update`, with the API slapos.recipe.build 0.65 hands that code (`self`, `options`,
`location`, `call`, `guessworkdir`, `is_true`...).

slap computes the part's location (shared parts included) and marks a shared part
complete; everything the Python code can observe happens here, in the order upstream
does it."""
import errno
import linecache
import logging
import os
import platform
import shlex
import shutil
import stat
import subprocess
import tempfile

from . import bridge

ARCH_MAP = {"i386": "x86", "i586": "x86", "i686": "x86", "x86_64": "x86-64"}


def is_true(value, default=False):
    """'true' -> 1, 'false' -> 0, None -> default; anything else is an error."""
    if value is None:
        return default
    return ("false", "true").index(value)


def rmtree(path):
    """Removes a file or a tree; nothing there is not an error."""
    try:
        from zc.buildout.rmtree import rmtree as remove_tree
        remove_tree(path)
    except OSError as e:
        if e.errno == errno.ENOENT:
            return
        if e.errno != errno.ENOTDIR:
            raise
        os.remove(path)


def call(*args, **kw):
    """subprocess with stdin closed; a non-zero exit raises CalledProcessError."""
    kw.update(stdin=subprocess.PIPE, close_fds=True)
    process = subprocess.Popen(*args, **kw)
    process.stdin.close()
    process.stdin = None
    process.communicate()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, " ".join(args[0]))


def guessworkdir(path):
    """The only entry of `path` when it has exactly one, else `path` itself."""
    entries = os.listdir(path)
    return os.path.join(path, *entries) if len(entries) == 1 else path


def guessPlatform():
    return ARCH_MAP[platform.uname()[-2]]


GLOBALS = {f.__name__: f for f in (call, guessworkdir, guessPlatform, is_true)}


def read_elf(path):
    """NEEDED libraries and RUNPATH (or RPATH) of an ELF file, from readelf -d."""
    text = subprocess.check_output(("readelf", "-d", path), stderr=subprocess.STDOUT,
                                   universal_newlines=True)
    libraries, rpath, runpath = [], [], []
    for line in text.splitlines():
        if "(NEEDED)" in line:
            libraries.append(line.split(":")[1].strip(" []"))
        elif "(RPATH)" in line:
            rpath = [p.rstrip("/") for p in line.split(":", 1)[1].strip(" []").split(":")]
        elif "(RUNPATH)" in line:
            runpath = [p.rstrip("/") for p in line.split(":", 1)[1].strip(" []").split(":")]
    if not runpath:
        runpath = rpath
    elif rpath and runpath != rpath:
        raise ValueError("RPATH and RUNPATH are different.")
    return sorted(libraries), sorted(runpath)


class EnvironMixin:
    """The `environment` option: KEY=VALUE lines, or the name of a section; values are
    %-interpolated with os.environ when self.environ is first read."""

    def __init__(self, allow_none=True):
        from zc.buildout import UserError
        environment = self.options.get("environment")
        if not environment:
            self._environ = None if allow_none else {}
        elif "=" in environment:
            self._environ = env = {}
            for line in environment.splitlines():
                line = line.strip()
                if not line:
                    continue
                if "=" not in line:
                    raise UserError("Line %r in environment is incorrect" % line)
                key, value = line.split("=", 1)
                key = key.rstrip()
                if key in env:
                    raise UserError("Key %r is repeated" % key)
                env[key] = value.lstrip()
        else:
            self._environ = self.buildout[environment]

    def __getattr__(self, attr):
        if attr == "logger":
            value = logging.getLogger(self.name)
        elif attr == "environ":
            env = self.__dict__.pop("_environ")
            if env is None:
                value = None
            else:
                value = os.environ.copy()
                for key in sorted(env):
                    value[key] = v = env[key] % os.environ
                    self.logger.info("[ENV] %s = %s", key, v)
        else:
            raise AttributeError(attr)
        setattr(self, attr, value)
        return value


class Shared:
    """Where the part goes. slap computes the location (SHARED/NAME/DIGEST for a shared
    part, parts/NAME otherwise) and marks a shared part complete once installed."""

    keep_on_error = False
    mkdir_location = True

    def __init__(self, info):
        self.maybe_shared = info["maybe"]
        self.shared = info["shared"]
        self.location = info["location"]

    def assertNotShared(self, reason):
        if self.maybe_shared:
            from zc.buildout import UserError
            raise UserError("When shared=true, " + reason)

    def install(self, install):
        from zc.buildout import UserError
        location = self.location
        rmtree(location)
        try:
            if self.mkdir_location:
                os.makedirs(location)
            else:
                parent = os.path.dirname(location)
                if parent and not os.path.isdir(parent):
                    os.makedirs(parent)
            install()
            try:
                mode = os.stat(location).st_mode
            except FileNotFoundError:
                raise UserError("%r was not created" % location) from None
            if self.maybe_shared and not stat.S_ISDIR(mode):
                raise UserError("%r is not a directory" % location)
            return [] if self.shared else [location]
        except BaseException:
            if not self.keep_on_error:
                rmtree(location)
            raise


class Script(EnvironMixin):
    """What `self` is in the code."""

    def __init__(self, buildout, name, options, shared, code_files):
        from zc.buildout import UserError
        self.options = options
        self.buildout = buildout
        self.name = name
        self._code_files = code_files
        keys = "init", "install", "update"
        missing = True
        for option in keys:
            code = options.get(option)
            setattr(self, "_" + option, code)
            if code:
                missing = False
        if missing:
            raise UserError("at least one of the following option is required: " + ", ".join(keys))
        self.keep_on_error = bool(is_true(options.get("keep-on-error")))
        if self.keep_on_error:
            self.logger.debug("Keeping directories in case of errors")
        EnvironMixin.__init__(self, False)
        shared = Shared(shared)
        if self._update:
            shared.assertNotShared("option 'update' can't be set")
        if self._install:
            if not options.get("location"):
                options["location"] = shared.location
            if self._init:
                self._exec("init", self._init)
            if shared.location != options["location"]:
                shared.assertNotShared("option 'location' can't be set")
                shared.location = options["location"]
            shared.keep_on_error = True
            shared.mkdir_location = False
            self._shared = shared
        else:
            shared.assertNotShared("option 'install' must be set")
            if self._init:
                self._exec("init", self._init)

    def _exec(self, option, code):
        options = self.options
        namespace = dict(GLOBALS, self=self, options=options)
        location = options.get("location")
        if location is not None:
            namespace["location"] = location
        filename = "[%s] %s" % (self.name, option)
        linecache.cache[filename] = len(code), None, code.splitlines(True), filename
        self._code_files.add(filename)
        exec(compile(code, filename, "exec"), namespace)

    def install(self):
        if self._install:
            return self._shared.install(self._install_in_location)
        self.update()
        return []

    def _install_in_location(self):
        location = self.options["location"]
        self.cleanup_list = []
        try:
            self._exec("install", self._install)
            self._checkPromise("slapos_promise", location)
        except BaseException:
            self.cleanup_list.append(location)
            raise
        finally:
            for path in self.cleanup_list:
                if os.path.lexists(path):
                    if self.keep_on_error:
                        self.logger.info("Left %r as requested", path)
                    else:
                        self.logger.debug("Removing %r", path)
                        rmtree(path)

    def update(self):
        if self._update:
            self._exec("update", self._update)

    cleanup_dir_list = cleanup_file_list = property(lambda self: self.cleanup_list)

    def _checkPromise(self, promise_key, location):
        from zc.buildout import UserError
        text = self.options.get(promise_key)
        if text is None:
            return True
        problems = []
        for promise in text.split("\n"):
            promise = promise.strip()
            if not promise:
                continue
            if promise.startswith("file:") or promise.startswith("statlib"):
                path = promise.split(":")[1]
                if not os.path.exists(os.path.join(location, path)):
                    problems.append("File promise not met for %r" % path)
            elif promise.startswith("directory"):
                path = promise.split(":")[1]
                if not os.path.isdir(os.path.join(location, path)):
                    problems.append("Directory promise not met for %r" % path)
            elif promise.startswith("dynlib:"):
                problems += self._check_dynlib(promise, location)
            else:
                raise UserError("Unknown promise %r" % promise)
        if problems:
            raise UserError("Promise not met, found issues:\n  %s\n" % "\n  ".join(problems))

    @staticmethod
    def _check_dynlib(promise, location):
        from zc.buildout import UserError
        if "linked:" not in promise:
            raise UserError("dynlib promise requires 'linked:' parameter.")
        path, links, rpaths = None, [], []
        for word in promise.split():
            key, _, value = word.partition(":")
            if key == "dynlib":
                path = value
            elif key == "linked":
                links = value.split(",")
            elif key == "rpath" and value:
                rpaths = [q.replace("!", location) if q.startswith("!") else q for q in value.split(",")]
        if not os.path.exists(os.path.join(location, path)):
            return ["Dynlib promise file not met %r" % promise]
        libraries, runpath = read_elf(os.path.join(location, path))
        problems = []
        if sorted(links) != libraries:
            problems.append("Promise library list not met (wanted: %r, found: %r)" % (links, libraries))
        if sorted(rpaths) != runpath:
            problems.append("Promise rpath list not met (wanted: %r, found: %r)" % (rpaths, runpath))
        return problems

    def download(self, *args, **kw):
        """A verified copy of a URL (slap's downloader and cache): url and md5sum default
        to the part's `url` and `md5sum` options."""
        if not (args or "url" in kw):
            args = self.options["url"], self.options.get("md5sum") or None
        kw.pop("offline", None)
        url = args[0] if args else kw["url"]
        md5sum = args[1] if len(args) > 1 else kw.get("md5sum")
        return bridge.channel.call("download", url=url, md5sum=md5sum or None)

    def extract(self, path):
        """Extracts an archive into a new temporary directory (removed after install)."""
        extract_dir = tempfile.mkdtemp(self.name)
        self.cleanup_list.append(extract_dir)
        self.logger.debug("Created working directory: %s", extract_dir)
        from slapos.recipe.downloadunpacked import unpack_archive
        unpack_archive(self, path, extract_dir)
        return extract_dir

    def pipeCommand(self, command_list_list, *args, **kw):
        """Runs commands connected by pipes, like a shell's `a | b`."""
        from zc.buildout import UserError
        kw["stdout"] = subprocess.PIPE
        processes, shown, previous = [], [], None
        for command in command_list_list:
            if previous is not None:
                kw["stdin"] = previous.stdout
            process = subprocess.Popen(command, *args, **kw)
            if previous is not None:
                previous.stdout.close()
            processes.append((process, " ".join(command)))
            shown.append(" ".join(command))
            previous = process
        self.logger.info("Running: %s", " | ".join(shown))
        failed = [command for process, command in reversed(processes) if process.wait()]
        if failed:
            raise UserError("Failed while running:\n  " + "\n  ".join(failed))

    def copyTree(self, origin, destination, ignore_dir_list=()):
        """Copies a tree (symlinks kept) to a destination that must not exist yet."""
        if os.path.exists(destination):
            raise shutil.Error("Destination already exists: %s" % destination)
        self.logger.info("Copying %r to %r", origin, destination)
        try:
            shutil.copytree(origin, destination, symlinks=True,
                            ignore=lambda src, names: ignore_dir_list)
        except BaseException:
            self.cleanup_list.append(destination)
            raise

    def applyPatchList(self, patch_string, patch_options=None, patch_binary=None, cwd=None):
        """Applies patches given one per line as `URL [MD5 [OPTIONS]]`."""
        if patch_string is None:
            return
        patch_options = [] if patch_options is None else shlex.split(patch_options)
        patch_binary = "patch" if patch_binary is None else patch_binary.strip()
        kw = {} if cwd is None else {"cwd": cwd}
        for patch in patch_string.splitlines():
            patch = patch.strip()
            if not patch:
                continue
            md5sum = None
            if " " in patch:
                patch, md5sum = patch.split(" ", 1)
                md5sum = md5sum.strip()
                if md5sum.lower() == "unknown":
                    md5sum = None
            if md5sum is not None and " " in md5sum:
                md5sum, options = md5sum.split(" ", 1)
                patch_options = options.split(" ")
            self.logger.info("Applying patch %r", patch)
            with open(self.download(patch, md5sum)) as stdin:
                subprocess.check_call([patch_binary] + patch_options, stdin=stdin, **kw)


buildout = bridge.Buildout()
scripts = {}


def init(request, code_files):
    name = request["section"]
    options = buildout._sections[name] = bridge.Options(name)
    scripts[name] = Script(buildout, name, options, request["shared"], code_files)


def install(request, code_files):
    script = scripts[request["section"]]
    script._code_files = code_files
    return script.install()


def update(request, code_files):
    script = scripts[request["section"]]
    script._code_files = code_files
    script.update()


OPS = {"build.init": init, "build.install": install, "build.update": update}
