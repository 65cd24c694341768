#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "archive/archive_builder.hpp"
#include "slap/archive.hpp"
#include "slap/fs.hpp"
#include "test_support.hpp"

using namespace slap;
using test::ArchiveKind;
using test::Member;
using Type = test::Member::Type;

namespace {

std::vector<Member> package() {
  return {{"pkg-1.0/", Type::dir, "", 0755},
          {"pkg-1.0/a.txt", Type::file, "A", 0644},
          {"pkg-1.0/bin/run", Type::file, "#!/bin/sh\n", 0755},
          {"pkg-1.0/link", Type::symlink, "a.txt"}};
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  ::lstat(path.c_str(), &st);
  return st.st_mode & 07777;
}

std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("archive::extract strips a single top-level directory automatically") {
  std::string dir = test::temp_dir("extract-auto");
  test::make_archive(dir + "/pkg.tar.gz", package());
  REQUIRE(archive::extract(dir + "/pkg.tar.gz", dir + "/out"));
  CHECK(fs::read_file(dir + "/out/a.txt").value() == "A");
  CHECK(mode_of(dir + "/out/bin/run") == 0755);
  CHECK(mode_of(dir + "/out/a.txt") == 0644);
  CHECK(std::filesystem::read_symlink(dir + "/out/link") == "a.txt");
  CHECK(listing(dir) == std::vector<std::string>{"out", "pkg.tar.gz"});  // no staging left behind

  test::make_archive(dir + "/two.tar", {{"pkg/a", Type::file, "a"}, {"README", Type::file, "r"}}, ArchiveKind::tar);
  REQUIRE(archive::extract(dir + "/two.tar", dir + "/two"));
  CHECK(listing(dir + "/two") == std::vector<std::string>{"README", "pkg"});

  test::make_archive(dir + "/one.tar", {{"only.txt", Type::file, "o"}}, ArchiveKind::tar);
  REQUIRE(archive::extract(dir + "/one.tar", dir + "/one"));
  CHECK(listing(dir + "/one") == std::vector<std::string>{"only.txt"});
}

TEST_CASE("archive::extract strip never / always, subdirectory") {
  std::string dir = test::temp_dir("extract-strip");
  test::make_archive(dir + "/pkg.tar.gz", package());
  REQUIRE(archive::extract(dir + "/pkg.tar.gz", dir + "/never", {archive::Strip::never, ""}));
  CHECK(fs::read_file(dir + "/never/pkg-1.0/a.txt").value() == "A");
  REQUIRE(archive::extract(dir + "/pkg.tar.gz", dir + "/always", {archive::Strip::always, ""}));
  CHECK(fs::read_file(dir + "/always/a.txt").value() == "A");
  REQUIRE(archive::extract(dir + "/pkg.tar.gz", dir + "/sub", {archive::Strip::automatic, "bin"}));
  CHECK(listing(dir + "/sub") == std::vector<std::string>{"run"});

  test::make_archive(dir + "/two.tar", {{"pkg/a", Type::file, "a"}, {"README", Type::file, "r"}}, ArchiveKind::tar);
  auto refused = archive::extract(dir + "/two.tar", dir + "/two", {archive::Strip::always, ""});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::input);
  CHECK(refused.error().message == dir + "/two.tar: cannot strip the top-level directory: the archive holds 2 "
                                         "top-level entries, expected exactly one directory");
  CHECK_FALSE(fs::exists(dir + "/two"));
  auto missing = archive::extract(dir + "/pkg.tar.gz", dir + "/nosub", {archive::Strip::automatic, "doc"});
  CHECK(missing.error().message == dir + "/pkg.tar.gz: no directory 'doc' in the archive");
  CHECK(archive::extract(dir + "/pkg.tar.gz", dir + "/up", {archive::Strip::automatic, "../x"}).error().kind ==
        ErrorKind::input);
}

TEST_CASE("archive::extract reads every supported compression and zip") {
  std::string dir = test::temp_dir("extract-formats");
  const std::vector<std::pair<ArchiveKind, std::string>> kinds = {
      {ArchiveKind::tar, "tar"},         {ArchiveKind::tar_gz, "tar.gz"}, {ArchiveKind::tar_bz2, "tar.bz2"},
      {ArchiveKind::tar_xz, "tar.xz"},   {ArchiveKind::tar_zst, "tar.zst"}, {ArchiveKind::tar_lz, "tar.lz"},
      {ArchiveKind::zip, "zip"}};
  for (const auto& [kind, ext] : kinds) {
    CAPTURE(ext);
    // No directory members: zip files often have none.
    test::make_archive(dir + "/p." + ext, {{"p-2/x.c", Type::file, "int x;"}, {"p-2/configure", Type::file, "", 0755}},
                       kind);
    REQUIRE(archive::extract(dir + "/p." + ext, dir + "/out-" + ext));
    CHECK(fs::read_file(dir + "/out-" + ext + "/x.c").value() == "int x;");
    CHECK(mode_of(dir + "/out-" + ext + "/configure") == 0755);
  }
}

TEST_CASE("archive::extract refuses entries escaping the destination, leaving nothing") {
  std::string dir = test::temp_dir("extract-evil");
  struct Case {
    std::vector<Member> members;
    std::string message;  // after "ARCHIVE: "
  };
  const std::vector<Case> cases = {
      {{{"ok.txt", Type::file, "fine"}, {"../evil", Type::file, "x"}}, "refusing entry '../evil': '..' in its path"},
      {{{"/tmp/abs-evil", Type::file, "x"}}, "refusing entry '/tmp/abs-evil': absolute path"},
      {{{"link", Type::symlink, "../../etc"}, {"link/file", Type::file, "x"}},
       "refusing entry 'link': symlink to '../../etc' outside the destination"},
      {{{"abs", Type::symlink, "/etc"}}, "refusing entry 'abs': symlink to '/etc' outside the destination"},
      {{{"h", Type::hardlink, "../outside"}}, "refusing entry 'h': hard link to '../outside' outside the destination"},
      {{{"null", Type::device, ""}}, "refusing entry 'null': device or special file"},
      {{{"d/s", Type::symlink, ".."}, {"t", Type::symlink, "d/s/.."}, {"t/evil", Type::file, "x"}},
       "refusing entry 't/evil': its path goes through the symlink 't'"},
      {{{"top/", Type::dir}, {"top/a", Type::file, "a"}, {"top/up", Type::symlink, "../a"}},
       "refusing entry 'top/up': symlink to '../a' outside the destination"},  // after stripping "top"
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(i);
    std::string archive_file = dir + "/evil" + std::to_string(i) + ".tar";
    test::make_archive(archive_file, cases[i].members, ArchiveKind::tar);
    auto refused = archive::extract(archive_file, dir + "/out/dest");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::input);
    CHECK(refused.error().message == archive_file + ": " + cases[i].message);
    CHECK(listing(dir + "/out").empty());
  }
  CHECK_FALSE(fs::exists(dir + "/evil"));
  CHECK_FALSE(fs::exists("/tmp/abs-evil"));
}

TEST_CASE("archive::extract into an existing directory; unreadable archives") {
  std::string dir = test::temp_dir("extract-existing");
  REQUIRE(fs::make_dirs(dir + "/out/bin"));
  test::write(dir + "/out/keep", "kept");
  test::write(dir + "/out/bin/old", "replaced");
  test::make_archive(dir + "/pkg.tar.gz", package());
  REQUIRE(archive::extract(dir + "/pkg.tar.gz", dir + "/out"));
  CHECK(listing(dir + "/out") == std::vector<std::string>{"a.txt", "bin", "keep", "link"});
  CHECK(listing(dir + "/out/bin") == std::vector<std::string>{"run"});

  auto missing = archive::extract(dir + "/none.tar.gz", dir + "/x");
  CHECK(missing.error().kind == ErrorKind::io);
  CHECK(missing.error().message == "cannot open archive " + dir + "/none.tar.gz: No such file or directory");
  test::write(dir + "/junk.tar.gz", "this is not an archive at all, not even a little bit");
  auto junk = archive::extract(dir + "/junk.tar.gz", dir + "/x");
  CHECK(junk.error().kind == ErrorKind::input);
  CHECK(junk.error().message == "cannot read archive " + dir + "/junk.tar.gz: Unrecognized archive format");
  CHECK_FALSE(fs::exists(dir + "/x"));
}
