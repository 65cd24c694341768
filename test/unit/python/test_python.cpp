// The Python bridge: protocol round trips, callbacks, exceptions, a helper that dies,
// cmmi hooks.
#include <doctest/doctest.h>

#include <map>

#include "python_test_dir.h"
#include "slap/checksum.hpp"
#include "slap/fetch.hpp"
#include "slap/fs.hpp"
#include "slap/profile.hpp"
#include "slap/python.hpp"
#include "slap/resolver.hpp"
#include "test_support.hpp"

using namespace slap;

namespace {

process::Environment test_environment() {
  const char* path = std::getenv("PATH");
  return {{"PATH", path ? path : "/usr/bin:/bin"}, {"LANG", "C.UTF-8"}};
}

python::Settings settings(const std::string& dir) {
  return {.interpreter = "python3", .module_dir = SLAP_BUILD_PYTHON_DIR, .environment = test_environment(),
          .cwd = dir, .log_file = dir + "/python.log"};
}

// Sections in a map: what the callbacks did can be checked directly.
class FakeHost final : public python::Host {
 public:
  std::map<std::string, std::map<std::string, std::string>> data;
  std::vector<std::string> initialised;

  Status section(const std::string& name) override {
    if (!data.contains(name))
      return fail(Error(ErrorKind::input, "The referenced section, '" + name + "', was not defined.").with_class("MissingSection"));
    initialised.push_back(name);
    return {};
  }
  std::vector<std::string> sections() override {
    std::vector<std::string> out;
    for (const auto& [k, v] : data) out.push_back(k);
    return out;
  }
  Result<std::optional<std::string>> get(const std::string& s, const std::string& o) override {
    SLAP_CHECK(section(s));
    auto it = data[s].find(o);
    if (it == data[s].end()) return std::optional<std::string>{};
    return std::optional<std::string>{it->second};
  }
  Status set(const std::string& s, const std::string& o, const std::string& v) override {
    data[s][o] = v;
    return {};
  }
  Result<bool> erase(const std::string& s, const std::string& o) override { return data[s].erase(o) > 0; }
  Result<std::vector<std::string>> keys(const std::string& s) override {
    std::vector<std::string> out;
    for (const auto& [k, v] : data[s]) out.push_back(k);
    return out;
  }
  Status parse(const std::string&) override { return fail(ErrorKind::internal, "not in this test"); }
  Result<std::string> download(const std::string& url, const std::string&) override { return url; }
  Status extract(const std::string&, const std::string&) override { return {}; }
};

python::SharedPart parts_location(const std::string& dir, const std::string& name) {
  return {.requested = false, .shared = false, .location = dir + "/parts/" + name};
}

}  // namespace

TEST_CASE("python bridge: init code reads other sections and writes options, typed values included") {
  std::string dir = test::temp_dir("python-roundtrip");
  auto bridge = python::Bridge::start(settings(dir));
  REQUIRE_MESSAGE(bridge, bridge.error().describe());
  CHECK((*bridge)->description().starts_with("Python 3."));
  FakeHost host;
  host.data["b"] = {{"x", "from b"}};
  host.data["a"] = {{"init", "v = self.buildout['b']['x']\n"
                             "options['y'] = v.upper() + ' ' + self.name\n"
                             "options['z'] = {'k': [1, 2], 'cost': '$5'}\n"
                             "options['has'] = str('x' in self.buildout['b']) + str('nope' in options)\n"
                             "del options['gone']\n"
                             "print('hello from init')\n"},
                    {"gone", "1"}};
  auto init = (*bridge)->build_init("a", parts_location(dir, "a"), host);
  REQUIRE_MESSAGE(init, init.error().describe());
  CHECK(host.data["a"]["y"] == "FROM B a");
  CHECK(host.data["a"]["z"] == "\x1ajson:{\"cost\": \"$$5\", \"k\": [1, 2]}");
  CHECK(host.data["a"]["has"] == "TrueFalse");
  CHECK_FALSE(host.data["a"].contains("gone"));
  CHECK(std::find(host.initialised.begin(), host.initialised.end(), "b") != host.initialised.end());
}

TEST_CASE("python bridge: an exception comes back with its traceback and the line in the code") {
  std::string dir = test::temp_dir("python-exception");
  auto bridge = python::Bridge::start(settings(dir));
  REQUIRE(bridge);
  FakeHost host;
  host.data["bad"] = {{"init", "x = 1\ny = x / 0\n"}};
  auto init = (*bridge)->build_init("bad", parts_location(dir, "bad"), host);
  REQUIRE_FALSE(init);
  CHECK(init.error().kind == ErrorKind::recipe);
  CHECK(init.error().message.starts_with("[bad] init: ZeroDivisionError: division by zero\nTraceback"));
  CHECK(init.error().where.file == "[bad] init");
  CHECK(init.error().where.line == 2);
  // The helper goes on serving requests after an exception.
  host.data["good"] = {{"init", "options['ok'] = 'yes'\n"}};
  REQUIRE((*bridge)->build_init("good", parts_location(dir, "good"), host));
  CHECK(host.data["good"]["ok"] == "yes");
}

TEST_CASE("python bridge: a failed callback the code does not catch reports the original error") {
  std::string dir = test::temp_dir("python-callback-error");
  auto bridge = python::Bridge::start(settings(dir));
  REQUIRE(bridge);
  FakeHost host;
  host.data["a"] = {{"init", "try:\n  self.buildout['nope']\nexcept KeyError:\n  options['caught'] = 'yes'\n"
                             "self.buildout['missing']\n"}};
  auto init = (*bridge)->build_init("a", parts_location(dir, "a"), host);
  REQUIRE_FALSE(init);
  CHECK(host.data["a"]["caught"] == "yes");
  CHECK(init.error().cls == "MissingSection");
  CHECK(init.error().message == "The referenced section, 'missing', was not defined.");
  REQUIRE_FALSE(init.error().context.empty());
  CHECK(init.error().context[0] == "running [a] init (line 5 of the code)");
}

TEST_CASE("python bridge: install runs in the location, update when unchanged") {
  std::string dir = test::temp_dir("python-install");
  auto bridge = python::Bridge::start(settings(dir));
  REQUIRE(bridge);
  FakeHost host;
  host.data["p"] = {{"install", "import os\nos.makedirs(location)\nopen(os.path.join(location, 'f'), 'w').write('x')\n"},
                    {"location", ""}};
  REQUIRE((*bridge)->build_init("p", parts_location(dir, "p"), host));
  CHECK(host.data["p"]["location"] == dir + "/parts/p");
  auto paths = (*bridge)->build_install("p", dir + "/p.log", host);
  REQUIRE_MESSAGE(paths, paths.error().describe());
  CHECK(*paths == std::vector<std::string>{dir + "/parts/p"});
  CHECK(fs::read_file(dir + "/parts/p/f").value() == "x");
}

TEST_CASE("python bridge: a helper that dies mid-call is an error, not a hang") {
  std::string dir = test::temp_dir("python-dies");
  auto bridge = python::Bridge::start(settings(dir));
  REQUIRE(bridge);
  FakeHost host;
  host.data["a"] = {{"init", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"}};
  auto init = (*bridge)->build_init("a", parts_location(dir, "a"), host);
  REQUIRE_FALSE(init);
  CHECK(init.error().kind == ErrorKind::recipe);
  CHECK(init.error().message.starts_with("the Python helper (python3) killed by signal 9 while running [a] init"));
  host.data["b"] = {{"init", "pass\n"}};
  auto again = (*bridge)->build_init("b", parts_location(dir, "b"), host);
  REQUIRE_FALSE(again);
  CHECK(again.error().message == init.error().message);
}

TEST_CASE("python bridge: a missing interpreter or module fails to start with a clear error") {
  std::string dir = test::temp_dir("python-missing");
  auto s = settings(dir);
  s.interpreter = "no-such-python-xyz";
  auto bridge = python::Bridge::start(s);
  REQUIRE_FALSE(bridge);
  CHECK(bridge.error().message == "cannot run 'no-such-python-xyz': not found or not executable");
  s = settings(dir);
  s.module_dir = dir;
  bridge = python::Bridge::start(s);
  REQUIRE_FALSE(bridge);
  CHECK(bridge.error().message.starts_with("slap's Python helper module is missing"));
}

TEST_CASE("parse_hook splits FILE#MD5:FUNCTION as slapos.recipe.cmmi does") {
  auto h = python::parse_hook(" /p/bzip2-hooks.py#a02da93bc8ff337a1d590f265e220528:post_make_hook ");
  REQUIRE(h);
  CHECK(h->file == "/p/bzip2-hooks.py");
  CHECK(h->md5sum == "a02da93bc8ff337a1d590f265e220528");
  CHECK(h->function == "post_make_hook");
  auto url = python::parse_hook("https://x.org/h.py:f");
  REQUIRE(url);
  CHECK(url->file == "https://x.org/h.py");
  CHECK(url->md5sum.empty());
  CHECK_FALSE(python::parse_hook("/p/hooks.py"));
  CHECK_FALSE(python::parse_hook("/p/hooks.py:"));
}

TEST_CASE("call_hook runs FUNCTION(options, buildout[, environment]) and refuses a wrong md5") {
  std::string dir = test::temp_dir("python-hook");
  std::string hook_text =
      "import os\n"
      "def three(options, buildout, environment):\n"
      "  open('out', 'w').write(options['location'] + ' ' + buildout['buildout']['directory'] + ' ' + environment['X'])\n"
      "def two(options, buildout):\n"
      "  options['seen'] = os.getcwd()\n"
      "def boom(options, buildout):\n"
      "  raise ValueError('no')\n";
  test::write(dir + "/hooks.py", hook_text);
  test::write(dir + "/buildout.cfg", "[buildout]\nparts = p\n[p]\nlocation = /opt/p\n");
  fs::make_dirs(dir + "/src").value();
  profile::LoadOptions lo{.profile = "buildout.cfg", .cwd = dir};
  auto profile = profile::load(lo);
  REQUIRE(profile);
  profile::Resolver resolver(*profile, nullptr);
  REQUIRE(resolver.init_buildout());
  NullLog log;
  Context ctx{.log = &log};
  fetch::Fetcher fetcher({.cache_dir = dir + "/cache", .offline = true}, ctx);
  std::mutex m;
  python::ProfileHost host(resolver, "p", &fetcher, dir, &m);
  auto bridge = python::Bridge::start(settings(dir));
  REQUIRE(bridge);
  std::string md5 = checksum::hex_digest(checksum::Algorithm::md5, hook_text);
  python::HookCall call{.section = "p", .option = "post-make-hook", .cwd = dir + "/src",
                        .environment = {{"X", "env"}}, .log_file = dir + "/hook.log"};

  auto wrong = (*bridge)->call_hook({dir + "/hooks.py", std::string(32, '0'), "three"}, call, host);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().kind == ErrorKind::checksum);
  CHECK_FALSE(fs::exists(dir + "/src/out"));

  auto three = (*bridge)->call_hook({dir + "/hooks.py", md5, "three"}, call, host);
  REQUIRE_MESSAGE(three, three.error().describe());
  CHECK(fs::read_file(dir + "/src/out").value() == "/opt/p " + dir + " env");

  REQUIRE((*bridge)->call_hook({dir + "/hooks.py", md5, "two"}, call, host));
  CHECK(resolver.section("p").value()->at("seen").value() == dir + "/src");

  auto boom = (*bridge)->call_hook({dir + "/hooks.py", md5, "boom"}, call, host);
  REQUIRE_FALSE(boom);
  CHECK(boom.error().kind == ErrorKind::recipe);
  CHECK(boom.error().where.file == dir + "/hooks.py");
  CHECK(boom.error().where.line == 7);
  CHECK(boom.error().message.starts_with("[p] post-make-hook " + dir + "/hooks.py:boom: ValueError: no"));
}

TEST_CASE("Resolver::add_sections adds sections as buildout.parse() does; Options::erase removes") {
  std::string dir = test::temp_dir("python-parse");
  test::write(dir + "/buildout.cfg", "[buildout]\nparts =\n[base]\nx = 1\n");
  profile::LoadOptions lo{.profile = "buildout.cfg", .cwd = dir};
  auto profile = profile::load(lo);
  REQUIRE(profile);
  profile::Resolver resolver(*profile, nullptr);
  REQUIRE(resolver.init_buildout());
  REQUIRE(resolver.add_sections("\n    [new]\n    <= base\n    y = ${base:x}2\n"));
  auto* added = resolver.section("new").value();
  CHECK(added->at("x").value() == "1");
  CHECK(added->at("y").value() == "12");
  auto again = resolver.add_sections("[base]\nz = 1\n");
  REQUIRE_FALSE(again);
  CHECK(again.error().message == "Section already exists: base");
  auto names = resolver.section_names();
  CHECK(std::find(names.begin(), names.end(), "new") != names.end());
  CHECK(added->erase("x"));
  CHECK_FALSE(added->get("x").value());
  CHECK_FALSE(added->erase("x"));
  added->set("x", "2");
  CHECK(added->at("x").value() == "2");
}
