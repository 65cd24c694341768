#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <utime.h>

#include <filesystem>
#include <memory>

#include "slap/archive.hpp"
#include "slap/fs.hpp"
#include "test_support.hpp"

using namespace slap;

namespace {

struct Listed {
  std::string name;
  unsigned mode;
  std::int64_t uid, gid, mtime;
  std::string uname, gname, symlink;
  bool operator==(const Listed&) const = default;
};

std::vector<Listed> list_archive(const std::string& file) {
  std::unique_ptr<struct archive, decltype(&archive_read_free)> a(archive_read_new(), &archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_all(a.get());
  std::vector<Listed> out;
  if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK) return out;
  archive_entry* e = nullptr;
  while (archive_read_next_header(a.get(), &e) == ARCHIVE_OK) {
    const char* link = archive_entry_symlink(e);
    out.push_back({archive_entry_pathname(e), static_cast<unsigned>(archive_entry_mode(e)), archive_entry_uid(e),
                   archive_entry_gid(e), archive_entry_mtime(e), archive_entry_uname(e), archive_entry_gname(e),
                   link ? link : ""});
  }
  return out;
}

// A tree whose owner-specific details (group bits, mtimes) must not reach the archive.
std::string make_tree(const std::string& dir) {
  std::string root = dir + "/tree";
  fs::make_dirs(root + "/sub");
  test::write(root + "/b.txt", "b");
  test::write(root + "/a.sh", "#!/bin/sh\n");
  test::write(root + "/sub/c", "c");
  ::chmod((root + "/a.sh").c_str(), 0700);
  ::chmod((root + "/b.txt").c_str(), 0600);
  ::chmod((root + "/sub").c_str(), 0700);
  std::filesystem::create_symlink("b.txt", root + "/link");
  return root;
}

}  // namespace

TEST_CASE("archive::create writes the same bytes for the same content") {
  std::string dir = test::temp_dir("create-repro");
  std::string root = make_tree(dir);
  archive::CreateOptions options;
  options.mtime = 1234567890;
  REQUIRE(archive::create(dir + "/one.tar.gz", root, {}, options));
  ::chmod((root + "/b.txt").c_str(), 0664);
  struct utimbuf times {1000, 1000};
  ::utime((root + "/sub/c").c_str(), &times);
  REQUIRE(archive::create(dir + "/two.tar.gz", root, {}, options));
  std::string one = fs::read_file(dir + "/one.tar.gz").value();
  CHECK(one == fs::read_file(dir + "/two.tar.gz").value());
  REQUIRE(one.size() > 10);
  CHECK(one.substr(4, 4) == std::string(4, '\0'));  // gzip MTIME
  CHECK((static_cast<unsigned char>(one[3]) & 0x08) == 0);  // no FNAME

  using L = Listed;
  std::vector<Listed> expected = {
      L{"a.sh", 0100755, 0, 0, 1234567890, "root", "root", ""},
      L{"b.txt", 0100644, 0, 0, 1234567890, "root", "root", ""},
      L{"link", 0120777, 0, 0, 1234567890, "root", "root", "b.txt"},
      L{"sub/", 040755, 0, 0, 1234567890, "root", "root", ""},
      L{"sub/c", 0100644, 0, 0, 1234567890, "root", "root", ""},
  };
  CHECK(list_archive(dir + "/one.tar.gz") == expected);
  auto listed = std::filesystem::directory_iterator(dir);
  CHECK(std::distance(listed, std::filesystem::directory_iterator()) == 3);  // no temporary file left
}

TEST_CASE("archive::create with a prefix and selected paths, read back by extract") {
  std::string dir = test::temp_dir("create-prefix");
  std::string root = make_tree(dir);
  archive::CreateOptions options;
  options.prefix = "tree-1.0/";
  options.format = archive::CreateOptions::Format::tar;
  REQUIRE(archive::create(dir + "/part.tar", root, {"sub", "a.sh"}, options));
  std::vector<std::string> names;
  for (const auto& e : list_archive(dir + "/part.tar")) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"tree-1.0/", "tree-1.0/a.sh", "tree-1.0/sub/", "tree-1.0/sub/c"});
  REQUIRE(archive::extract(dir + "/part.tar", dir + "/out"));
  CHECK(fs::read_file(dir + "/out/sub/c").value() == "c");
  CHECK(fs::exists(dir + "/out/a.sh"));
  CHECK_FALSE(fs::exists(dir + "/out/b.txt"));

  auto outside = archive::create(dir + "/bad.tar", root, {"../x"}, options);
  CHECK(outside.error().message == "cannot archive ../x: not inside " + root);
  CHECK_FALSE(fs::exists(dir + "/bad.tar"));
}
