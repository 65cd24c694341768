// Where the zc.recipe.egg family finds distribution files, and the setup.cfg it writes
// for :custom and :develop builds.
#include <doctest/doctest.h>

#include "recipes/egg/finder.hpp"
#include "recipes/egg/pip.hpp"
#include "test_support.hpp"

using namespace slap;
using namespace slap::recipes::egg;

TEST_CASE("egg finder: distribution file names") {
  auto sdist = parse_package_file("zope.interface-5.5.2.tar.gz", "zope-interface");
  REQUIRE(sdist);
  CHECK(sdist->kind == PackageKind::sdist);
  CHECK(sdist->project == "zope.interface");
  CHECK(sdist->version.text() == "5.5.2");
  CHECK(parse_package_file("foo-bar-1.0.zip", "foo-bar")->version.text() == "1.0");
  auto wheel = parse_package_file("zc.buildout-3.0.1-py2.py3-none-any.whl", "zc-buildout");
  REQUIRE(wheel);
  CHECK(wheel->kind == PackageKind::wheel);
  CHECK(wheel->tags == std::vector<std::string>{"py2-none-any", "py3-none-any"});
  auto built = parse_package_file("pkg-1.0-1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "pkg");
  REQUIRE(built);
  CHECK(built->tags.size() == 2);
  auto egg = parse_package_file("pkg-1.0-py3.11.egg", "pkg");
  REQUIRE(egg);
  CHECK(egg->py_version == "3.11");
  CHECK_FALSE(parse_package_file("README.txt", "readme"));
  CHECK_FALSE(parse_package_file("other-1.0.tar.gz", "pkg"));
}

TEST_CASE("egg finder: links of index pages, allow-hosts") {
  auto links = html_links("<a href=\"../../files/x-1.0.tar.gz#sha256=ab\">x</a>\n"
                          "<A HREF='https://cdn.example/x-2.0.zip'>y</A> <a href=/top/x-3.0.tgz?a=1&amp;b=2>z</a>",
                          "http://h:8080/simple/x/");
  CHECK(links == std::vector<std::string>{"http://h:8080/files/x-1.0.tar.gz#sha256=ab", "https://cdn.example/x-2.0.zip",
                                          "http://h:8080/top/x-3.0.tgz?a=1&b=2"});
  CHECK(host_allowed("https://files.python.org/x", {"*.python.org"}));
  CHECK_FALSE(host_allowed("https://evil.example/x", {"*.python.org", "pypi.org"}));
  CHECK(host_allowed("/local/dir/x.tar.gz", {"pypi.org"}));
}

TEST_CASE("egg finder: find-links directories and index pages on disk") {
  std::string root = test::temp_dir("egg-finder");
  test::write(root + "/links/pkg-1.0.tar.gz", "");
  test::write(root + "/links/pkg-2.0-py3-none-any.whl", "");
  test::write(root + "/links/other-1.0.tar.gz", "");
  test::write(root + "/simple/pkg/index.html", "<a href=\"pkg-3.0.tar.gz#md5=0123456789abcdef0123456789abcdef\">");
  Finder finder({{"links"}, root + "/simple", {}, root}, nullptr, nullptr);
  auto found = finder.find("pkg", false);
  REQUIRE(found.size() == 2);
  CHECK(found[0].url == root + "/links/pkg-1.0.tar.gz");
  CHECK(found[1].kind == PackageKind::wheel);
  auto with_index = finder.find("pkg", true);
  REQUIRE(with_index.size() == 3);
  CHECK(with_index[2].url == root + "/simple/pkg/pkg-3.0.tar.gz");
  REQUIRE(with_index[2].checksum);
  CHECK(with_index[2].checksum->hex == "0123456789abcdef0123456789abcdef");
}

TEST_CASE("egg builds: [build_ext] settings go into setup.cfg, the rest is kept") {
  BuildExt ext{{"include-dirs", "/a/include:/b/include"}, {"rpath", "/a/lib"}, {"define", "X,Y"}};
  CHECK(edit_config("[metadata]\nname = x\n\n[build_ext]\ninclude_dirs = /old\n  /older\ninplace = 1\n", "build_ext", ext) ==
        "[metadata]\nname = x\n\n[build_ext]\ninclude-dirs = /a/include:/b/include\ninplace = 1\nrpath = /a/lib\n"
        "define = X,Y\n");
  CHECK(edit_config("", "build_ext", {{"rpath", "/r"}}) == "[build_ext]\nrpath = /r\n");
  CHECK(edit_config("[metadata]\nname = x\n", "build_ext", {{"rpath", "/r"}}) ==
        "[metadata]\nname = x\n\n[build_ext]\nrpath = /r\n");
}
