// Resolution of the zc.recipe.egg family (zc.buildout's Installer) with a provider that
// "installs" a distribution by writing its egg directory and metadata.
#include <doctest/doctest.h>

#include <map>

#include "recipes/egg/installer.hpp"
#include "test_support.hpp"

using namespace slap;
using namespace slap::recipes::egg;

namespace {

struct Release {
  std::string project, version;
  std::vector<std::string> requires_dist;
  PackageKind kind = PackageKind::sdist;
};

class FakeProvider final : public Provider {
 public:
  std::vector<Release> index;
  std::vector<std::string> installed;  // "name version" in install order

  std::vector<Release> links;  // what the find-links have; `index` is the index
  int index_lookups = 0;

  std::vector<Candidate> available(const Requirement& req, bool with_index) override {
    std::vector<Candidate> out;
    if (with_index) ++index_lookups;
    std::vector<Release> all = links;
    if (with_index) all.insert(all.end(), index.begin(), index.end());
    for (const auto& r : all) {
      if (canonical_name(r.project) != req.key) continue;
      Candidate c;
      c.project = r.project;
      c.key = req.key;
      c.version = Version::parse(r.version);
      c.kind = r.kind;
      c.tags = {"py3-none-any"};
      c.filename = r.project + "-" + r.version + (r.kind == PackageKind::wheel ? "-py3-none-any.whl" : ".tar.gz");
      c.url = "/index/" + c.filename;
      out.push_back(std::move(c));
    }
    return out;
  }
  Result<Distribution> install(const Candidate& c, const std::string& dest) override {
    installed.push_back(c.project + " " + c.version.text() + (c.kind == PackageKind::wheel ? " (wheel)" : ""));
    return write_egg(dest, c);
  }
  Result<Distribution> build(const Candidate& c, const std::string& dest) override {
    installed.push_back("built " + c.project + " " + c.version.text());
    return write_egg(dest, c);
  }
  Result<Metadata> metadata(const Distribution& d) override { return read_metadata(d); }

 private:
  Result<Distribution> write_egg(const std::string& dest, const Candidate& c) {
    std::string dir = dest + "/" + egg_project_name(c.project) + "-" + egg_version_name(c.version.text()) + "-py3.11.egg";
    std::string meta = "Metadata-Version: 2.1\nName: " + c.project + "\nVersion: " + c.version.text() + "\n";
    std::vector<Release> all = links;
    all.insert(all.end(), index.begin(), index.end());
    for (const auto& r : all)
      if (r.project == c.project && r.version == c.version.text())
        for (const auto& d : r.requires_dist) {
          meta += "Requires-Dist: " + d + "\n";
          if (auto at = d.find("extra == '"); at != std::string::npos)
            meta += "Provides-Extra: " + d.substr(at + 10, d.find('\'', at + 10) - at - 10) + "\n";
        }
    test::write(dir + "/" + c.project + "-" + c.version.text() + ".dist-info/METADATA", meta);
    return read_distribution(dir);
  }
};

struct Fixture {
  std::string root;
  FakeProvider provider;
  InstallerOptions options;

  explicit Fixture(const std::string& name) : root(test::temp_dir(name)) {
    options.dest = root + "/eggs";
    options.path = {root + "/develop-eggs"};
    options.python_version = "3.11";
  }
  Installer installer() {
    return Installer(options, provider, {{"python_version", "3.11"}, {"sys_platform", "linux"}}, nullptr);
  }
  std::vector<std::string> resolve(const std::vector<std::string>& specs) {
    auto ws = installer().install(specs);
    REQUIRE_MESSAGE(ws, (ws ? "" : ws.error().message));
    std::vector<std::string> out;
    for (const auto& d : *ws) out.push_back(d.str());
    return out;
  }
  std::string error(const std::vector<std::string>& specs) {
    auto ws = installer().install(specs);
    REQUIRE_FALSE(ws);
    return ws.error().message;
  }
};

}  // namespace

TEST_CASE("egg installer: pins choose the version, dependencies come breadth-first as in buildout") {
  Fixture f("egg-installer-order");
  f.provider.index = {{"A", "1.0", {"A1", "A2>=2"}}, {"A", "2.0"}, {"B", "1.0", {"B1"}}, {"A1", "1.0"},
                      {"A2", "2.0"}, {"A2", "3.0"}, {"B1", "1.0"}};
  f.options.versions = {{"a", "1.0"}, {"a2", "2.0"}};
  CHECK(f.resolve({"A", "B"}) == std::vector<std::string>{"A 1.0", "B 1.0", "B1 1.0", "A2 2.0", "A1 1.0"});
  // What is there is used again: nothing more is installed.
  auto before = f.provider.installed.size();
  CHECK(f.resolve({"A", "B"}).size() == 5);
  CHECK(f.provider.installed.size() == before);
}

TEST_CASE("egg installer: an unpinned egg with allow-picked-versions = false is buildout's error") {
  Fixture f("egg-installer-picked");
  f.provider.index = {{"tool", "1.0", {"helper"}}, {"helper", "0.5"}};
  f.options.versions = {{"tool", "1.0"}};
  f.options.allow_picked_versions = false;
  auto e = f.installer().install({"tool"});
  REQUIRE_FALSE(e);
  CHECK(e.error().kind == ErrorKind::input);
  CHECK(e.error().message ==
        "Picked: helper = 0.5\n\nThe `helper` egg does not have a version pin and `allow-picked-versions = false`.\n\n"
        "To resolve this, add\n\n    helper = 0.5\n\nto the [versions] section,\n\n"
        "OR set `allow-picked-versions = true`.");
}

TEST_CASE("egg installer: picked versions prefer final releases; pins may be pre-releases") {
  Fixture f("egg-installer-final");
  f.provider.index = {{"c", "1.0"}, {"c", "2.0b1"}, {"d", "3.0rc1"}};
  auto inst = f.installer();
  auto ws = inst.install({"c"});
  REQUIRE(ws);
  CHECK((*ws)[0].str() == "c 1.0");
  CHECK(inst.picked() == std::vector<std::pair<std::string, std::string>>{{"c", "1.0"}});
  f.options.versions = {{"d", "3.0rc1"}};
  CHECK(f.resolve({"d"}) == std::vector<std::string>{"d 3.0rc1"});
}

TEST_CASE("egg installer: [versions] conflicts, missing distributions, markers and extras") {
  Fixture f("egg-installer-errors");
  f.provider.index = {{"a", "1.0", {"b<2", "old; python_version < '3'", "e; extra == 'x'"}},
                      {"b", "2.0"}, {"e", "1.0"}, {"old", "1.0"}};
  f.options.versions = {{"b", "2.0"}};
  CHECK(f.error({"a"}) == "The requirement ('b<2') is not allowed by your [versions] constraint (2.0)");
  f.options.versions = {};
  CHECK(f.error({"zzz>1"}) == "Couldn't find a distribution for 'zzz>1'.");
  f.provider.index[1].version = "1.5";
  CHECK(f.resolve({"a"}) == std::vector<std::string>{"a 1.0", "b 1.5"});
  CHECK(f.resolve({"a[x]"}) == std::vector<std::string>{"a 1.0", "e 1.0", "b 1.5"});
  CHECK(f.error({"a[y]"}).starts_with("Couldn't find the required extra."));
  CHECK(f.resolve({"old; python_version < '3'"}).empty());
}

TEST_CASE("egg installer: SlapOS' `:whl` pins take the wheel, other pins the source") {
  Fixture f("egg-installer-whl");
  f.provider.index = {{"w", "1.0", {}, PackageKind::sdist}, {"w", "1.0", {}, PackageKind::wheel},
                      {"s", "1.0", {}, PackageKind::sdist}, {"s", "1.0", {}, PackageKind::wheel}};
  f.options.versions = {{"w", "1.0:whl"}, {"s", "1.0"}};
  f.resolve({"w", "s"});
  CHECK(f.provider.installed == std::vector<std::string>{"w 1.0 (wheel)", "s 1.0"});
}

TEST_CASE("egg installer: the index is asked only when the find-links have no usable file") {
  Fixture f("egg-installer-links");
  f.provider.links = {{"local", "1.0"}, {"w", "2.0", {}, PackageKind::sdist}};
  f.provider.index = {{"local", "1.1"}, {"w", "2.0", {}, PackageKind::wheel}};
  f.options.versions = {{"local", "1.0"}, {"w", "2.0:whl"}};
  f.resolve({"local"});
  CHECK(f.provider.index_lookups == 0);
  f.resolve({"w"});  // the find-links have the sdist only
  CHECK(f.provider.index_lookups == 1);
  CHECK(f.provider.installed == std::vector<std::string>{"local 1.0", "w 2.0 (wheel)"});
}

TEST_CASE("egg installer: develop eggs win, and come first on sys.path") {
  Fixture f("egg-installer-develop");
  test::write(f.root + "/src/dev/dev.egg-info/PKG-INFO", "Name: dev\nVersion: 0.1.dev0\n");
  test::write(f.root + "/src/dev/dev.egg-info/requires.txt", "lib\n");
  test::write(f.root + "/develop-eggs/dev.egg-link", f.root + "/src/dev\n.");
  f.provider.index = {{"dev", "5.0"}, {"lib", "1.0"}};
  f.options.versions = {{"lib", "1.0"}};
  auto ws = f.installer().install({"lib", "dev"});
  REQUIRE(ws);
  auto sorted = sort_working_set(*ws, f.root + "/eggs", f.root + "/develop-eggs");
  REQUIRE(sorted.size() == 2);
  CHECK(sorted[0].location == f.root + "/src/dev");
  CHECK(sorted[1].str() == "lib 1.0");
}

TEST_CASE("egg installer: build() reuses an egg that satisfies the pin, else builds the sdist") {
  Fixture f("egg-installer-build");
  f.provider.index = {{"ext", "1.0"}, {"ext", "1.0", {}, PackageKind::wheel}};
  f.options.dest = f.root + "/develop-eggs";
  f.options.path = {f.root + "/eggs"};
  f.options.versions = {{"ext", "1.0"}};
  auto built = f.installer().build("ext");
  REQUIRE(built);
  CHECK(*built == std::vector<std::string>{f.root + "/develop-eggs/ext-1.0-py3.11.egg"});
  CHECK(f.installer().build("ext").value() == *built);
  CHECK(f.provider.installed == std::vector<std::string>{"built ext 1.0"});
  f.options.versions = {{"ext", "1.0+SlapOSPatched001"}};
  f.options.patched = {{"ext", "+SlapOSPatched001"}};
  CHECK(f.installer().build("ext").has_value());
  CHECK(f.provider.installed.back() == "built ext 1.0");
}
