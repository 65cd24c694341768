"""zc.buildout.rmtree: removes a tree, read-only files included."""
import os
import shutil
import stat


def rmtree(path):
    def writable_then_retry(function, name, _):
        os.chmod(name, stat.S_IWUSR | stat.S_IRUSR | stat.S_IXUSR)
        function(name)
    shutil.rmtree(path, onerror=writable_then_retry)
