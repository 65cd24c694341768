"""rubygemsrecipe: the plan (section initialisation, offline, no Ruby needed) and real
installs with Debian's ruby: rubygems' setup.rb into the part, gems built on the fly and
served by a file:// gem source, deployment mode's pin checks, wrappers in bin/."""
import os
import shutil
import stat
import subprocess
import textwrap
import zipfile

import pytest

RUBYGEMS_VERSION = "3.3.15"

# What rubygems' setup.rb does that rubygemsrecipe relies on (a `gem` command in
# PREFIX/bin, running this ruby's rubygems library), refusing arguments and an
# environment other than those rubygemsrecipe gives it.
SETUP_RB = """\
require 'fileutils'
prefix = ARGV.grep(/\\A--prefix=/).first.to_s.split('=', 2)[1]
abort "unexpected arguments: #{ARGV.inspect}" unless ARGV == ['all', "--prefix=#{prefix}", '--no-rdoc', '--no-ri']
abort "PREFIX is #{ENV['PREFIX'].inspect}" unless ENV['PREFIX'] == prefix
abort "GEM_HOME is #{ENV['GEM_HOME'].inspect}" unless ENV['GEM_HOME'] == "#{prefix}/lib/ruby/gems"
bin = File.join(prefix, 'bin')
FileUtils.mkdir_p(bin)
gem = File.join(bin, 'gem')
File.write(gem, "#!#{RbConfig.ruby}\\nrequire 'rubygems'\\nrequire 'rubygems/gem_runner'\\nGem::GemRunner.new.run(ARGV.clone)\\n")
File.chmod(0755, gem)
"""

GEMSPEC = """\
Gem::Specification.new do |s|
  s.name = {name!r}
  s.version = {version!r}
  s.summary = "slap test gem"
  s.authors = ["slap"]
  s.files = {files!r}
  s.executables = {executables!r}
{dependencies}end
"""


def write_profile(slap, text):
    (slap.cwd / "buildout.cfg").write_text(textwrap.dedent(text))


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)


@pytest.fixture
def ruby():
    for tool in ("ruby", "gem"):
        if not shutil.which(tool):
            pytest.skip(f"needs Debian's ruby ({tool} not on PATH: apt-get install ruby)")
    if run(["ruby", "-e", "require 'rubygems/gem_runner'"]).returncode != 0:
        pytest.skip("this ruby has no rubygems library")
    return shutil.which("ruby")


def build_gem(work, repo, name, version, executable=None, dependencies=()):
    src = work / f"{name}-{version}-src"
    src.mkdir()
    files = []
    if executable:
        (src / "bin").mkdir()
        (src / "bin" / executable).write_text(f"#!/usr/bin/env ruby\nputs '{name} ' + ARGV.join(' ')\n")
        files.append(f"bin/{executable}")
    deps = "".join(f"  s.add_runtime_dependency {d!r}, {c!r}\n" for d, c in dependencies)
    (src / "spec.gemspec").write_text(GEMSPEC.format(name=name, version=version, files=files,
                                                     executables=[executable] if executable else [],
                                                     dependencies=deps))
    r = run(["gem", "build", "spec.gemspec"], cwd=src)
    assert r.returncode == 0, r.stderr
    (repo / "gems").mkdir(parents=True, exist_ok=True)
    shutil.move(src / f"{name}-{version}.gem", repo / "gems")


@pytest.fixture
def gem_source(ruby, tmp_path):
    """A gem source at a file:// URL (gem generate_index) with `greeter` 1.2.0 (an executable,
    needing `words ~> 0.3`) and `words` 0.3.1 and 1.0; a gemrc naming it."""
    repo = tmp_path / "repo"
    build_gem(tmp_path, repo, "greeter", "1.2.0", executable="greet", dependencies=[("words", "~> 0.3")])
    build_gem(tmp_path, repo, "words", "0.3.1")
    build_gem(tmp_path, repo, "words", "1.0")
    r = run(["gem", "generate_index", "-d", repo])
    assert r.returncode == 0, r.stderr
    gemrc = tmp_path / "gemrc"
    gemrc.write_text(f"---\n:sources:\n- file://{repo}/\n")
    return gemrc


@pytest.fixture
def rubygems_zip(slap):
    """rubygems-VERSION.zip in the buildout directory: one top directory with setup.rb."""
    path = slap.cwd / f"rubygems-{RUBYGEMS_VERSION}.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"rubygems-{RUBYGEMS_VERSION}/setup.rb", SETUP_RB)
    return path


def test_plan_completes_offline_without_ruby_and_sets_location(slap):
    write_profile(slap, """
        [buildout]
        parts = bundler report

        [bundler]
        recipe = rubygemsrecipe
        url = https://rubygems.org/rubygems/rubygems-3.4.21.zip
        ruby-executable = /nonexistent/bin/ruby
        gems =
          bundler==1.17.3
        environment =
          PATH = /nonexistent/bin:%(PATH)s
        location = ${buildout:directory}/elsewhere

        [report]
        recipe = slapos.recipe.build
        init =
          with open('${buildout:directory}/report', 'w') as f:
            f.write('${bundler:location}')
        """)
    r = slap("build", "-n", "-o")
    assert r.code == 0, r
    assert "install    bundler (rubygemsrecipe)\n" in r.out
    # Upstream's constructor sets location to the part's directory, whatever was written.
    assert (slap.cwd / "report").read_text() == str(slap.cwd / "parts" / "bundler")
    assert not (slap.cwd / "parts").exists()


@pytest.mark.parametrize("options, line, message", [
    ("url = https://x/rubygems-3.0.zip\nversion = 3.0\ngems = a", 6,
     "[gems] url: Configuration error, 'url' and 'version' options are mutually exclusive"),
    ("gems =", 6, "[gems] gems: Configuration error, 'gems' option is missing"),
    ("gems = a\ndeployment = yes", 7, "[gems] deployment: 'yes' is not true or false"),
    ("gems = a\nenvironment =\n  LANG", 7,
     "[gems] environment: Configuration error, every environment line should contain a \"=\" sign"),
])
def test_configuration_errors_stop_the_plan_at_their_option(slap, options, line, message):
    (slap.cwd / "buildout.cfg").write_text("[buildout]\nparts = gems\n\n[gems]\nrecipe = rubygemsrecipe\n"
                                           + options + "\n")
    r = slap("build", "-n", "-o")
    assert r.code == 3, r
    assert f"{slap.cwd / 'buildout.cfg'}:{line}:1: {message}" in r.err, r.err


PROFILE = textwrap.dedent("""\
    [buildout]
    parts = gems
    {buildout}

    [gems]
    recipe = rubygemsrecipe
    url = rubygems-{version}.zip
    gems =
      {gems}
    environment =
      GEMRC = {gemrc}
      GREETING = from %(GEM_HOME)s
    gem-options =
      --with-nothing=here
    {extra}
    """)


def gems_profile(slap, gemrc, gems, extra="", buildout=""):
    (slap.cwd / "buildout.cfg").write_text(PROFILE.format(buildout=buildout, version=RUBYGEMS_VERSION,
                                                          gems="\n  ".join(gems), gemrc=gemrc, extra=extra))


def test_deployment_installs_pinned_gems_and_wraps_their_executables(slap, gem_source, rubygems_zip):
    gems_profile(slap, gem_source, ["greeter==1.2.0", "words==0.3.1"], "deployment = true")
    r = slap("build")
    assert r.code == 0, r
    location = slap.cwd / "parts" / "gems"
    installed = sorted(os.listdir(location / "lib" / "ruby" / "gems" / "gems"))
    assert installed == ["greeter-1.2.0", "words-0.3.1"]
    assert sorted(os.listdir(slap.cwd / "bin")) == ["gem", "greet"]
    wrapper = slap.cwd / "bin" / "greet"
    assert stat.S_IMODE(wrapper.stat().st_mode) == 0o766
    path = os.environ.get("PATH", "/usr/bin:/bin")
    assert wrapper.read_text() == (
        "#!/bin/sh\n"
        f"export GEM_HOME='{location}/lib/ruby/gems'\n"
        f"export RUBYLIB='{location}/lib:{location}/lib/ruby:{location}/lib/site_ruby'\n"
        f"export PATH='{path}:{location}/bin'\n"
        f"export GEMRC='{gem_source}'\n"
        f"export GREETING='from {location}/lib/ruby/gems'\n"
        f"{location}/bin/greet \"$@\"\n\n")
    assert run([wrapper, "hello", "world"]).stdout == "greeter hello world\n"
    listed = run([slap.cwd / "bin" / "gem", "list", "--local"]).stdout
    assert "greeter (1.2.0)" in listed and "words (0.3.1)" in listed
    log = (slap.cwd / ".slap" / "log" / "gems.log").read_text()
    assert "dependency -rv 1.2.0 '^greeter$'" in log
    assert "--ignore-dependencies greeter --version=1.2.0 -- --with-nothing=here" in log
    assert not list(location.glob(".rubygems-*"))  # the unpacked rubygems is gone
    r = slap("build")
    assert r.code == 0 and "nothing to do" in r.err, r
    # Once the part is gone from the profile, so are its wrappers.
    write_profile(slap, "[buildout]\nparts =\n")
    r = slap("build")
    assert r.code == 0, r
    assert not location.exists() and not wrapper.exists()


def test_without_deployment_gems_come_with_their_dependencies(slap, gem_source, rubygems_zip):
    gems_profile(slap, gem_source, ["greeter"])
    r = slap("build")
    assert r.code == 0, r
    installed = sorted(os.listdir(slap.cwd / "parts" / "gems" / "lib" / "ruby" / "gems" / "gems"))
    assert installed == ["greeter-1.2.0", "words-0.3.1"]
    assert run([slap.cwd / "bin" / "greet"]).stdout == "greeter \n"
    log = (slap.cwd / ".slap" / "log" / "gems.log").read_text()
    assert "dependency" not in log and "--ignore-dependencies" not in log


@pytest.mark.parametrize("gems, extra, message", [
    (["greeter==1.2.0"], "deployment = true", "Configuration error, version for dependency words is missing"),
    (["greeter==1.2.0", "words==1.0"], "deployment = true",
     "Configuration error, version 1.0 for gem words does not satisfy dependency constraint < 1 of gem greeter"),
    # allow-picked-versions = false makes deployment the default.
    (["greeter", "words==0.3.1"], "", "Configuration error, version for gem greeter is missing"),
])
def test_deployment_refuses_what_is_not_pinned_within_constraints(slap, gem_source, rubygems_zip, gems, extra,
                                                                  message):
    gems_profile(slap, gem_source, gems, extra, buildout="" if extra else "allow-picked-versions = false")
    r = slap("build")
    assert r.code == 3, r
    assert message in r.err
    assert "while installing part 'gems'" in r.err
    assert not (slap.cwd / "parts" / "gems").exists()
    assert not (slap.cwd / "bin" / "greet").exists()


def test_rubygems_older_than_2_is_refused(slap):
    write_profile(slap, """
        [buildout]
        parts = gems

        [gems]
        recipe = rubygemsrecipe
        url = rubygems-1.8.24.zip
        gems = greeter
        """)
    r = slap("build")
    assert r.code == 3, r
    assert "Rubygems version must be >= 2.0.0" in r.err
