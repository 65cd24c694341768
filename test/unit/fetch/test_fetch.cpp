#include <doctest/doctest.h>

#include <algorithm>
#include <thread>

#include "http/test_server.hpp"
#include "slap/checksum.hpp"
#include "slap/fetch.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "test_support.hpp"

using namespace slap;

namespace {

const std::string content = "int main() { return 0; }\n";
const std::string content_md5 = checksum::hex_digest(checksum::Algorithm::md5, content);

fetch::Checksum md5(const std::string& hex) { return {checksum::Algorithm::md5, hex}; }

fetch::Options options_in(const std::string& dir, bool offline = false) {
  fetch::Options options;
  options.cache_dir = dir + "/cache";
  options.offline = offline;
  options.retry_delay_ms = 0;
  return options;
}

struct Captured final : LogSink {
  std::vector<std::string> lines;
  void log(LogLevel, std::string_view m) override { lines.emplace_back(m); }
};

struct Counted final : ProgressSink {
  std::uint64_t total = 0, done = 0;
  int finished = 0;
  Task start(std::string_view, std::uint64_t t, ProgressUnit) override {
    total = t;
    return 7;
  }
  void advance(Task task, std::uint64_t d, std::uint64_t t) override {
    CHECK(task == 7);
    done = d;
    if (t) total = t;
  }
  void finish(Task task) override {
    CHECK(task == 7);
    ++finished;
  }
};

std::string url_key(const std::string& url) { return checksum::hex_digest(checksum::Algorithm::md5, url); }

// The .part file a run interrupted in the middle of downloading `url` leaves behind.
void leave_part(const std::string& dir, const std::string& url, const std::string& text) {
  REQUIRE(fs::make_dirs(dir + "/cache/partial"));
  test::write(dir + "/cache/partial/" + url_key(url) + ".part", text);
}

// A server offering /hello.c, a fresh cache directory, and a context that records logs and
// progress.
struct Site {
  explicit Site(const std::string& name) : dir(test::temp_dir(name)), url(server.url("/hello.c")) {
    server.serve("/hello.c", content);
    ctx.log = &log;
    ctx.progress = &progress;
  }
  fetch::Fetcher fetcher(bool offline = false) { return fetch::Fetcher(options_in(dir, offline), ctx); }

  test::TestServer server;
  std::string dir;
  std::string url;
  Captured log;
  Counted progress;
  Context ctx;
};

}  // namespace

TEST_CASE("fetch::parse_checksum") {
  auto sum = fetch::parse_checksum(" 0123456789ABCDEF0123456789abcdef ").value();
  CHECK(sum.algorithm == checksum::Algorithm::md5);
  CHECK(sum.hex == "0123456789abcdef0123456789abcdef");
  CHECK(fetch::parse_checksum("sha256:" + std::string(64, 'a')).value().algorithm == checksum::Algorithm::sha256);
  CHECK(fetch::parse_checksum("sha512:" + std::string(128, 'b')).value().algorithm == checksum::Algorithm::sha512);
  CHECK(fetch::parse_checksum(std::string(128, 'c')).value().algorithm == checksum::Algorithm::sha512);
  CHECK(fetch::parse_checksum("abc").error().message == "invalid checksum 'abc': expected 32 hex digits for md5");
  CHECK(fetch::parse_checksum("sha256:" + std::string(32, 'a')).error().message ==
        "invalid checksum 'sha256:" + std::string(32, 'a') + "': expected 64 hex digits for sha256");
  CHECK(fetch::parse_checksum("crc:12").error().message ==
        "unknown checksum algorithm 'crc' in 'crc:12' (md5, sha256 or sha512)");
  CHECK(fetch::parse_checksum(std::string(31, 'a') + "g").error().kind == ErrorKind::input);
}

TEST_CASE("fetch: a verified download enters the cache by checksum and is reused") {
  Site site("fetch-md5");
  auto fetcher = site.fetcher();
  auto got = fetcher.fetch(site.url, md5(content_md5));
  REQUIRE(got);
  CHECK(*got == site.dir + "/cache/by-md5/" + content_md5);
  CHECK(fs::read_file(*got).value() == content);
  CHECK(site.progress.done == content.size());
  CHECK(site.progress.total == content.size());
  CHECK(site.progress.finished == 1);
  CHECK(fetcher.fetch(site.url, md5(content_md5)).value() == *got);
  CHECK(site.server.requests().size() == 1);
  CHECK_FALSE(fs::exists(site.dir + "/cache/partial/" + url_key(site.url) + ".part"));
  CHECK(site.fetcher(true).fetch(site.url, md5(content_md5)).value() == *got);
}

TEST_CASE("fetch: a wrong checksum is refused and nothing is cached") {
  Site site("fetch-wrong");
  site.server.serve("/hello.c", "int main() { evil(); }\n");
  const std::string& url = site.url;
  const std::string& dir = site.dir;
  auto got = site.fetcher().fetch(url, md5(content_md5));
  REQUIRE_FALSE(got);
  CHECK(got.error().kind == ErrorKind::checksum);
  CHECK(got.error().message == "checksum mismatch for " + url + ": expected md5 " + content_md5 + ", got " +
                                   checksum::hex_digest(checksum::Algorithm::md5, "int main() { evil(); }\n"));
  CHECK_FALSE(fs::exists(dir + "/cache/by-md5/" + content_md5));
  CHECK_FALSE(fs::exists(dir + "/cache/partial/" + url_key(url) + ".part"));
  CHECK_FALSE(fs::exists(dir + "/cache/by-url/" + url_key(url)));
}

TEST_CASE("fetch: offline uses only the cache") {
  Site site("fetch-offline");
  const std::string& url = site.url;
  const std::string& dir = site.dir;
  auto offline = site.fetcher(true);
  auto miss = offline.fetch(url, md5(content_md5));
  REQUIRE_FALSE(miss);
  CHECK(miss.error().kind == ErrorKind::network);
  CHECK(miss.error().message == "offline: " + url + " is not in the download cache (" + dir + "/cache)");
  CHECK(site.server.requests().empty());

  // Fetched once without a checksum, the file still serves a profile that pins it later.
  CHECK(site.fetcher().fetch(url, std::nullopt).value() == dir + "/cache/by-url/" + url_key(url));
  CHECK(offline.fetch(url, std::nullopt).value() == dir + "/cache/by-url/" + url_key(url));
  CHECK(offline.fetch(url, md5(content_md5)).value() == dir + "/cache/by-md5/" + content_md5);
  CHECK(offline.fetch(url, md5(std::string(32, '0'))).error().kind == ErrorKind::network);
}

TEST_CASE("fetch: retries after 503, reports HTTP errors") {
  Site site("fetch-retry");
  site.server.fail_next = 2;
  auto fetcher = site.fetcher();
  CHECK(fetcher.fetch(site.url, md5(content_md5)));
  CHECK(site.server.requests().size() == 3);
  auto& lines = site.log.lines;
  CHECK(std::count(lines.begin(), lines.end(), site.url + ": HTTP 503; retrying in 0.0s") == 2);

  auto missing = fetcher.fetch(site.server.url("/none"), std::nullopt);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::network);
  CHECK(missing.error().message == "cannot download " + site.server.url("/none") + ": HTTP 404");
}

TEST_CASE("fetch: resumes the .part file an interrupted run left") {
  Site site("fetch-resume");
  test::TestServer& server = site.server;
  leave_part(site.dir, site.url, content.substr(0, 9));
  auto fetcher = site.fetcher();
  auto got = fetcher.fetch(site.url, md5(content_md5));
  REQUIRE(got);
  CHECK(fs::read_file(*got).value() == content);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].range == "bytes=9-");

  // A transfer cut in the middle is resumed by the next attempt.
  std::string other = content + "// another file\n";
  server.serve("/cut.c", other);
  server.cut_next_at = 5;
  auto cut = fetcher.fetch(server.url("/cut.c"), md5(checksum::hex_digest(checksum::Algorithm::md5, other)));
  CHECK(fs::read_file(cut.value()).value() == other);
  REQUIRE(server.requests().size() == 3);
  CHECK(server.requests()[1].range == "");
  CHECK(server.requests()[2].range == "bytes=5-");
}

TEST_CASE("fetch: a resumed download that does not verify is downloaded again once") {
  Site site("fetch-stale-part");
  leave_part(site.dir, site.url, "#if 0\n");
  CHECK(fs::read_file(site.fetcher().fetch(site.url, md5(content_md5)).value()).value() == content);
  auto seen = site.server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].range == "bytes=6-");
  CHECK(seen[1].range == "");
}

TEST_CASE("fetch: threads fetching the same URL download it once") {
  Site site("fetch-threads");
  site.ctx.progress = nullptr;  // the test sink is not thread-safe
  auto fetcher = site.fetcher();
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (auto& path : got) threads.emplace_back([&] { path = fetcher.fetch(site.url, md5(content_md5)).value_or(""); });
  for (auto& t : threads) t.join();
  CHECK(got == std::vector<std::string>(4, site.dir + "/cache/by-md5/" + content_md5));
  CHECK(site.server.requests().size() == 1);
}

TEST_CASE("fetch: sha256 and sha512 checksums") {
  Site site("fetch-sha");
  const std::string& dir = site.dir;
  auto fetcher = site.fetcher();
  std::string sha256 = checksum::hex_digest(checksum::Algorithm::sha256, content);
  std::string sha512 = checksum::hex_digest(checksum::Algorithm::sha512, content);
  auto sum256 = fetch::parse_checksum("sha256:" + sha256).value();
  CHECK(fetcher.fetch(site.url, sum256).value() == dir + "/cache/by-sha256/" + sha256);
  auto sum512 = fetch::parse_checksum(sha512).value();
  CHECK(fetcher.fetch(site.url, sum512).value() == dir + "/cache/by-sha512/" + sha512);
  auto wrong = fetcher.fetch(site.url, fetch::Checksum{checksum::Algorithm::sha256, std::string(64, 'a')});
  CHECK(wrong.error().message == "checksum mismatch for " + site.url + ": expected sha256 " +
                                     std::string(64, 'a') + ", got " + sha256);
}

TEST_CASE("fetch: local paths and file:// are verified in place") {
  std::string dir = test::temp_dir("fetch-local");
  REQUIRE(fs::make_dirs(dir + "/src"));
  test::write(dir + "/src/hello.c", content);
  Context ctx;
  fetch::Fetcher fetcher(options_in(dir, true), ctx);
  CHECK(fetcher.fetch("src/hello.c", md5(content_md5), dir).value() == dir + "/src/hello.c");
  CHECK(fetcher.fetch(dir + "/src/hello.c", std::nullopt).value() == dir + "/src/hello.c");
  CHECK(fetcher.fetch("file://" + dir + "/src/hello.c", md5(content_md5)).value() == dir + "/src/hello.c");
  CHECK(fetcher.fetch("file://localhost" + dir + "/src/hello%2Ec", std::nullopt).value() == dir + "/src/hello.c");
  auto wrong = fetcher.fetch("src/hello.c", md5(std::string(32, 'f')), dir);
  CHECK(wrong.error().kind == ErrorKind::checksum);
  CHECK(wrong.error().message == "checksum mismatch for src/hello.c: expected md5 " + std::string(32, 'f') +
                                     ", got " + content_md5);
  CHECK(fetcher.fetch("src/none.c", std::nullopt, dir).error().message == "cannot open " + dir + "/src/none.c: no such file");
  CHECK(fetcher.fetch("gopher://x/y", std::nullopt).error().message ==
        "unsupported URL scheme 'gopher' in gopher://x/y (http, https, ftp, file)");
  CHECK_FALSE(fs::exists(dir + "/cache"));
}

TEST_CASE("fetch: read_text refreshes remote texts and falls back to the cached copy") {
  Site site("fetch-text");
  test::TestServer& server = site.server;
  const std::string& dir = site.dir;
  const Context& ctx = site.ctx;
  server.serve("/software.cfg", "[buildout]\nparts =\n");
  std::string url = server.url("/software.cfg");
  auto offline_reader = fetch::url_reader(options_in(dir, true), ctx);
  CHECK(offline_reader(url).error().message == "offline: " + url + " is not in the download cache (" + dir + "/cache)");

  auto reader = fetch::url_reader(options_in(dir), ctx);
  CHECK(reader(url).value() == "[buildout]\nparts =\n");
  server.serve("/software.cfg", "[buildout]\nparts = a\n");
  CHECK(reader(url).value() == "[buildout]\nparts = a\n");
  CHECK(offline_reader(url).value() == "[buildout]\nparts = a\n");

  server.fail_next = 10;
  auto options = options_in(dir);
  options.attempts = 1;
  fetch::Fetcher fetcher(options, ctx);
  CHECK(fetcher.read_text(url).value() == "[buildout]\nparts = a\n");
  CHECK(site.log.lines.back() == "cannot download " + url + ": HTTP 503; using the cached copy " + dir + "/cache/by-url/" +
                                url_key(url));
}
