// cache::Client against an in-process server.
#include <doctest/doctest.h>

#include <filesystem>

#include "slap/cache.hpp"
#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/strings.hpp"
#include "test_keys.hpp"
#include "test_server.hpp"
#include "test_support.hpp"

using namespace slap;

namespace {

struct WarningLog final : LogSink {
  std::vector<std::string> warnings;
  void log(LogLevel level, std::string_view m) override {
    if (level == LogLevel::warning) warnings.emplace_back(m);
  }
};

struct Fixture {
  explicit Fixture(const std::string& name) : server(name), dir(test::temp_dir(name + "-client")) {
    test::write(dir + "/key.pem", test::trusted_key);
    settings.download_cache_url = settings.upload_cache_url = server.url() + "/shacache";
    settings.download_dir_url = settings.upload_dir_url = server.url() + "/shadir/";
    settings.upload_token = "t0ken";
    settings.signature_private_key_file = dir + "/key.pem";
    settings.trusted_certificates = test::trusted_cert;
  }
  cache::Client client() {
    auto c = cache::Client::open(settings, ctx);
    REQUIRE(c);
    return std::move(*c);
  }
  test::RunningServer server;
  std::string dir;
  cache::Settings settings;
  WarningLog log;
  Context ctx{nullptr, &log, nullptr, nullptr};
};

using test::sha512;

}  // namespace

TEST_CASE("client: upload once, then exists, download and missing agree") {
  Fixture f("client-blobs");
  auto client = f.client();
  test::write(f.dir + "/empty", "");
  test::write(f.dir + "/data", "some bytes");
  for (const char* name : {"empty", "data"}) {
    auto first = client.upload(f.dir + "/" + name);
    REQUIRE(first);
    CHECK(first->uploaded);
    auto again = client.upload(f.dir + "/" + name);
    REQUIRE(again);
    CHECK_FALSE(again->uploaded);
    CHECK(client.exists(first->sha512).value_or(false));
    REQUIRE(client.download(first->sha512, f.dir + "/copy"));
    CHECK(fs::read_file(f.dir + "/copy").value_or("?") == fs::read_file(f.dir + "/" + name).value_or("!"));
  }
  CHECK_FALSE(client.exists(std::string(128, 'a')).value_or(true));
  auto missing = client.missing({sha512("some bytes"), std::string(128, 'a')}, cache::Side::upload);
  REQUIRE(missing);
  CHECK(*missing == std::vector<std::string>{std::string(128, 'a')});
}

TEST_CASE("client: a download that does not match its digest is an error and keeps nothing") {
  Fixture f("client-corrupt");
  auto client = f.client();
  test::write(f.dir + "/data", "original");
  auto pushed = client.upload(f.dir + "/data");
  REQUIRE(pushed);
  test::write(f.server.root() + "/shacache/" + pushed->sha512.substr(0, 2) + "/" + pushed->sha512.substr(2, 2) +
                  "/" + pushed->sha512,
              "tampered");
  auto got = client.download(pushed->sha512, f.dir + "/out");
  REQUIRE_FALSE(got);
  CHECK(got.error().kind == ErrorKind::checksum);
  CHECK(str::starts_with(got.error().message, "Failed to download data to SHACACHE Server: invalid checksum."));
  for (const auto& e : std::filesystem::directory_iterator(f.dir))
    CHECK(e.path().filename() != "out");
  CHECK(std::distance(std::filesystem::directory_iterator(f.dir), {}) == 2);  // key.pem, data
  auto unknown = client.download(std::string(128, 'b'), f.dir + "/out");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message == f.server.url() + "/shacache/" + std::string(128, 'b') + ": no such blob");
}

TEST_CASE("client: published entries verify; untrusted and tampered ones are dropped with a warning") {
  Fixture f("client-entries");
  auto client = f.client();
  std::string info = cache::make_entry_info(std::string(128, 'c'), {{"url", "http://x"}});
  REQUIRE(client.publish("file-urlmd5:123", info));

  // Another key, not trusted: published through a client that trusts it.
  test::write(f.dir + "/other.pem", test::other_key);
  cache::Settings other = f.settings;
  other.signature_private_key_file = f.dir + "/other.pem";
  other.trusted_certificates = test::other_cert;
  auto rogue = cache::Client::open(other, f.ctx);
  REQUIRE(rogue);
  REQUIRE(rogue->publish("file-urlmd5:123", cache::make_entry_info(std::string(128, 'd'), {})));

  auto all = client.entries("file-urlmd5:123");
  REQUIRE(all);
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].trusted);
  CHECK_FALSE((*all)[1].trusted);
  auto trusted = client.trusted_entries("file-urlmd5:123");
  REQUIRE(trusted);
  REQUIRE(trusted->size() == 1);
  CHECK((*trusted)[0].info == info);
  CHECK((*trusted)[0].sha512 == std::string(128, 'c'));
  CHECK(f.log.warnings ==
        std::vector<std::string>{"Shadir entry 2 under 'file-urlmd5:123' is not signed by a trusted certificate: ignored"});
  CHECK(client.entries("unknown-key")->empty());
}

TEST_CASE("client: an entry altered after signing is dropped") {
  Fixture f("client-tampered");
  auto client = f.client();
  REQUIRE(client.publish("k", cache::make_entry_info(std::string(128, 'c'), {{"url", "http://good"}})));
  std::string h = checksum::hex_digest(checksum::Algorithm::sha256, "k");
  std::string file = f.server.root() + "/shadir/" + h.substr(0, 2) + "/" + h;
  auto stored = fs::read_file(file);
  REQUIRE(stored);
  REQUIRE(str::contains(*stored, "http://good"));
  test::write(file, str::replace_all(*stored, "http://good", "http://evil"));
  auto trusted = client.trusted_entries("k");
  REQUIRE(trusted);
  CHECK(trusted->empty());
  CHECK(f.log.warnings == std::vector<std::string>{"Shadir entry 1 under 'k' is not signed by a trusted certificate: ignored"});
}

TEST_CASE("client: publishing needs a signing key and an entry naming a sha512") {
  Fixture f("client-publish-errors");
  auto client = f.client();
  auto bad = client.publish("k", R"({"url": "x"})");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message ==
        "invalid Shadir entry for 'k': expected a JSON object with a \"sha512\" of 128 lowercase hex digits");
  f.settings.signature_private_key_file.clear();
  auto unsigned_client = f.client();
  auto no_key = unsigned_client.publish("k", cache::make_entry_info(std::string(128, 'c'), {}));
  REQUIRE_FALSE(no_key);
  CHECK(no_key.error().message == "cannot publish under 'k': no signing key configured (cache.signature-private-key-file)");
}

TEST_CASE("client: a wrong token is reported with the server's answer") {
  Fixture f("client-token");
  f.settings.upload_token = "wrong";
  auto client = f.client();
  test::write(f.dir + "/data", "x");
  auto up = client.upload(f.dir + "/data");
  REQUIRE_FALSE(up);
  CHECK(up.error().message == "Failed to upload data to SHACACHE Server. Response code: 403. Response data: wrong upload token");
  f.settings.upload_token.clear();
  f.settings.upload_cache_url = "http://user:t0ken@127.0.0.1:" + std::to_string(f.server.port()) + "/shacache";
  auto basic = f.client().upload(f.dir + "/data");
  REQUIRE(basic);
  CHECK(basic->uploaded);
}
