"""Recipes behave as their upstream Python versions do, on what real profiles write: each
case here was a wrong build with exit 0, or a hard error where buildout succeeds."""
import hashlib
import io
import os
import subprocess
import tarfile
import textwrap

import pytest

from cache_server import CacheServer
from conftest import share_parts

MAKEFILE = "install:\n\tmkdir -p $(prefix)/bin\n\tprintf '#!/bin/sh\\necho installed\\n' > $(prefix)/bin/tool\n" \
           "\tchmod +x $(prefix)/bin/tool\n"


def tarball(path, files):
    """A .tar.gz of `files` ({name: text}) under one top directory; returns its md5."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as t:
        for name, text in files.items():
            info = tarfile.TarInfo("src-1.0/" + name)
            info.size = len(text.encode())
            info.mode = 0o755
            t.addfile(info, io.BytesIO(text.encode()))
    path.write_bytes(data.getvalue())
    return hashlib.md5(data.getvalue()).hexdigest()


def write(path, text):
    path.write_text(textwrap.dedent(text))


def test_location_placeholder_is_the_shared_location_everywhere(slap, tmp_path):
    shared = share_parts(slap)
    md5 = tarball(tmp_path / "src.tgz", {"Makefile": MAKEFILE})
    write(slap.cwd / "buildout.cfg", f"""\
        [buildout]
        parts = foo show

        [foo]
        recipe = slapos.recipe.cmmi
        shared = true
        url = file://{tmp_path}/src.tgz
        md5sum = {md5}
        location = @@LOCATION@@
        configure-command = true
        environment =
          WHERE=${{:location}}

        [show]
        recipe = plone.recipe.command
        command = echo ${{foo:location}} > {tmp_path}/seen
        """)
    r = slap("build")
    assert r.code == 0, r
    seen = (tmp_path / "seen").read_text().strip()
    assert "@@LOCATION@@" not in seen
    assert seen.startswith(str(shared / "foo"))
    assert subprocess.run([os.path.join(seen, "bin", "tool")], capture_output=True, text=True).stdout == "installed\n"


def test_a_location_that_is_not_the_computed_one_is_refused(slap, tmp_path):
    md5 = tarball(tmp_path / "src.tgz", {"Makefile": MAKEFILE})
    write(slap.cwd / "buildout.cfg", f"""\
        [buildout]
        parts = foo

        [foo]
        recipe = slapos.recipe.cmmi
        url = file://{tmp_path}/src.tgz
        md5sum = {md5}
        location = {tmp_path}/elsewhere
        """)
    r = slap("build")
    assert r.code != 0, r
    assert "invalid 'location' value" in r.err


def test_make_install_gets_the_prefix_when_configure_is_skipped(slap, tmp_path):
    """component/lz4's case: no configure, the Makefile's own prefix would be /usr/local."""
    md5 = tarball(tmp_path / "src.tgz", {"Makefile": "prefix = /usr/local\n" + MAKEFILE})
    write(slap.cwd / "buildout.cfg", f"""\
        [buildout]
        parts = foo

        [foo]
        recipe = slapos.recipe.cmmi
        url = file://{tmp_path}/src.tgz
        md5sum = {md5}
        configure-command = :
        """)
    r = slap("build")
    assert r.code == 0, r
    assert (slap.cwd / "parts" / "foo" / "bin" / "tool").exists()
    assert "prefix=\"" + str(slap.cwd / "parts" / "foo") + "\"" in (slap.cwd / ".slap" / "log" / "foo.log").read_text()


def test_commands_are_interpolated_with_the_options_python_style(slap, tmp_path):
    md5 = tarball(tmp_path / "src.tgz", {"Makefile": MAKEFILE})
    write(slap.cwd / "buildout.cfg", f"""\
        [buildout]
        parts = foo

        [foo]
        recipe = slapos.recipe.cmmi
        url = file://{tmp_path}/src.tgz
        md5sum = {md5}
        configure-command = true
        greeting = hello world
        post-install =
          echo %(prefix)s > %(location)s/prefix.txt
          python3 -c "print(%(greeting)r)" > %(location)s/repr.txt
          echo 100%% > %(location)s/percent.txt
        """)
    r = slap("build")
    assert r.code == 0, r
    loc = slap.cwd / "parts" / "foo"
    assert (loc / "prefix.txt").read_text() == f"{loc}\n"
    assert (loc / "repr.txt").read_text() == "hello world\n"  # %(greeting)r is 'hello world', quoted for Python
    assert (loc / "percent.txt").read_text() == "100%\n"


def test_a_failing_line_of_a_multi_line_command_fails_the_part(slap, tmp_path):
    """Commands run as `sh -c 'set -e;...'`: the first failing line stops them."""
    md5 = tarball(tmp_path / "src.tgz", {"Makefile": MAKEFILE})
    write(slap.cwd / "buildout.cfg", f"""\
        [buildout]
        parts = foo

        [foo]
        recipe = slapos.recipe.cmmi
        url = file://{tmp_path}/src.tgz
        md5sum = {md5}
        configure-command = true
        post-install =
          false
          touch %(location)s/after-false
        """)
    r = slap("build")
    assert r.code == 1, r
    assert not (slap.cwd / "parts" / "foo" / "after-false").exists()


def test_python_hook_runs_and_a_bad_or_missing_hook_fails(slap, tmp_path):
    md5 = tarball(tmp_path / "src.tgz", {"Makefile": MAKEFILE})
    hook = tmp_path / "hooks.py"
    hook.write_text("import os\ndef post_make_hook(options, buildout, environment):\n"
                    "    open(os.path.join(options['location'], 'hooked'), 'w').write(environment['HOOKED'])\n")
    good = hashlib.md5(hook.read_bytes()).hexdigest()

    def profile(hook_line):
        write(slap.cwd / "buildout.cfg", f"""\
            [buildout]
            parts = foo

            [foo]
            recipe = slapos.recipe.cmmi
            url = file://{tmp_path}/src.tgz
            md5sum = {md5}
            configure-command = true
            environment =
              HOOKED=yes
            post-make-hook = {hook_line}
            """)
    profile(f"{hook}#{good}:post_make_hook")
    r = slap("build")
    assert r.code == 0, r
    assert (slap.cwd / "parts" / "foo" / "hooked").read_text() == "yes"
    profile(f"{hook}#{'0' * 32}:post_make_hook")
    r = slap("build")
    assert r.code == 1, r
    assert "checksum mismatch" in r.err or "md5" in r.err
    profile(f"{tmp_path}/absent.py#{good}:post_make_hook")
    r = slap("build")
    assert r.code == 1, r
    assert "absent.py" in r.err


def test_download_with_filename_and_destination(slap, tmp_path):
    """kvm's [download-json-base]: `filename` builds the url, `destination` wins."""
    (tmp_path / "data.json").write_text("{}\n")
    write(slap.cwd / "buildout.cfg", f"""\
        [buildout]
        parts = d

        [d]
        recipe = slapos.recipe.build:download
        filename = data.json
        url = file://{tmp_path}/${{:filename}}
        destination = {slap.cwd}/json/${{:filename}}
        """)
    r = slap("build")
    assert r.code == 0, r
    assert (slap.cwd / "json" / "data.json").read_text() == "{}\n"


def test_jinja2_template_importing_a_file_another_part_downloads(slap, tmp_path):
    (tmp_path / "macros.j2").write_text("{% macro hello() %}hello from a macro{% endmacro %}")
    write(slap.cwd / "buildout.cfg", f"""\
        [buildout]
        parts = t

        [macros]
        recipe = slapos.recipe.build:download
        url = file://{tmp_path}/macros.j2

        [t]
        recipe = slapos.recipe.template:jinja2
        output = {slap.cwd}/out.txt
        inline = {{% import "macros" as m %}}{{{{ m.hello() }}}}
        import-list =
          file macros macros:target
        """)
    r = slap("build")
    assert r.code == 0, r
    assert (slap.cwd / "out.txt").read_text() == "hello from a macro"


def test_parts_that_reference_each_other(slap, tmp_path):
    """Every Go release: gowork and gowork.goinstall reference each other."""
    write(slap.cwd / "buildout.cfg", f"""\
        [buildout]
        parts = a b

        [a]
        recipe = plone.recipe.command
        command = echo a > {tmp_path}/a
        peer = ${{b:name}}
        name = a

        [b]
        recipe = plone.recipe.command
        command = echo b > {tmp_path}/b
        peer = ${{a:name}}
        name = b
        """)
    r = slap("build")
    assert r.code == 0, r
    assert "internal error" not in r.err
    assert (tmp_path / "a").exists() and (tmp_path / "b").exists()
    r = slap("build", "a:name=A")
    assert r.code == 0, r


def test_downloads_come_from_the_networkcache_first_and_only_trusted_entries(slap, tmp_path):
    server = CacheServer(slap, tmp_path / "store")
    try:
        keys = {}
        for who in ("trusted", "other"):
            key, cert = tmp_path / f"{who}.key", tmp_path / f"{who}.pem"
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                            "-days", "30", "-subj", f"/CN={who}"], check=True, capture_output=True)
            keys[who] = (key, cert)
        url = "http://upstream.invalid/src-1.0.tar.gz"  # never reachable
        md5 = tarball(tmp_path / "src.tgz", {"Makefile": MAKEFILE})
        (tmp_path / "wrong.tgz").write_bytes(b"not the tarball")

        def config(signer=None):
            """A publisher signing with `signer`, or (None) a builder trusting only "trusted"."""
            lines = [f'shacache-url = "{server.url}/shacache"', f'shadir-url = "{server.url}/shadir"',
                     f'trusted-certificates = "{keys["trusted"][1]}"']
            if signer:
                lines = [f'shacache-url = "{server.url}/shacache"', f'shadir-url = "{server.url}/shadir"',
                         f'upload-token-file = "{server.token_file}"', f'signature-private-key-file = "{keys[signer][0]}"',
                         f'trusted-certificates = "{keys[signer][1]}"']
            (slap.cwd / "slap.toml").write_text("[cache]\n" + "\n".join(lines) + "\n")

        def push(file, signer):
            config(signer)
            assert slap("cache-push", file, "--url", url).code == 0
            config()
        write(slap.cwd / "buildout.cfg", f"""\
            [buildout]
            parts = foo

            [foo]
            recipe = slapos.recipe.cmmi
            url = {url}
            md5sum = {md5}
            configure-command = true
            """)
        push(tmp_path / "src.tgz", "other")  # an untrusted signer publishes the real file: not used
        r = slap("build")
        assert r.code == 1, r
        assert "upstream.invalid" in r.err and "networkcache" in r.err
        push(tmp_path / "wrong.tgz", "trusted")  # a trusted entry whose blob does not match the md5sum: skipped
        assert slap("build").code == 1
        push(tmp_path / "src.tgz", "trusted")
        r = slap("build")
        assert r.code == 0, r
        assert "from the networkcache" in r.err
        assert (slap.cwd / "parts" / "foo" / "bin" / "tool").exists()
    finally:
        server.stop()


def test_build_named_parts_only(slap, tmp_path):
    write(slap.cwd / "buildout.cfg", f"""\
        [buildout]
        parts = one two

        [one]
        recipe = plone.recipe.command
        command = echo one >> {tmp_path}/log

        [two]
        recipe = plone.recipe.command
        command = echo two >> {tmp_path}/log
        needs = ${{dep:x}}

        [dep]
        recipe = plone.recipe.command
        command = echo dep >> {tmp_path}/log
        x = 1
        """)
    r = slap("build", "two")
    assert r.code == 0, r
    assert (tmp_path / "log").read_text().split() == ["dep", "two"]
    r = slap("build")
    assert r.code == 0, r
    assert "one" in (tmp_path / "log").read_text()
    r = slap("build", "two", "dep:x=2")
    assert r.code == 0, r
    assert "[one]" in (slap.cwd / ".installed.cfg").read_text(), "parts not named are left installed"
