#include <doctest/doctest.h>

#include "slap/cache.hpp"
#include "slap/strings.hpp"
#include "test_keys.hpp"
#include "test_support.hpp"

using namespace slap;

namespace {

std::string indented(const char* pem) {
  std::string out;
  for (const auto& line : str::split(str::strip(pem), "\n")) out += "  " + line + "\n";
  return out;
}

}  // namespace

TEST_CASE("slapos.cfg [networkcache] gives the settings, with SlapOS's option names") {
  std::string dir = test::temp_dir("settings-slapos-cfg");
  test::write(dir + "/slapos.cfg",
              "[slapos]\nsoftware_root = /opt/slapgrid\n\n"
              "[networkcache]\n"
              "download-cache-url = http://shacache.example/shacache\n"
              "download-dir-url = http://shadir.example/shadir\n"
              "upload-cache-url = https://user:tok@up.example/shacache\n"
              "upload-dir-url = https://user:tok@up.example/shadir\n"
              "signature-private-key-file = /etc/slap/key.pem\n"
              "signature-certificate-list =\n" + indented(test::trusted_cert) +
              "# comment\n");
  auto s = cache::settings_from_slapos_cfg(dir + "/slapos.cfg");
  REQUIRE(s);
  CHECK(s->download_cache_url == "http://shacache.example/shacache");
  CHECK(s->download_dir_url == "http://shadir.example/shadir");
  CHECK(s->upload_cache_url == "https://user:tok@up.example/shacache");
  CHECK(s->upload_dir_url == "https://user:tok@up.example/shadir");
  CHECK(s->signature_private_key_file == "/etc/slap/key.pem");
  CHECK(s->can_download());
  CHECK(s->can_upload());
  NullLog log;
  CHECK(cache::TrustStore::from_pem_list(s->trusted_certificates, Context{nullptr, &log, nullptr, nullptr}).size() == 1);
}

TEST_CASE("a slapos.cfg without [networkcache] configures nothing; a missing one is an error") {
  std::string dir = test::temp_dir("settings-empty");
  test::write(dir + "/slapos.cfg", "[slapos]\nx = 1\n");
  auto s = cache::settings_from_slapos_cfg(dir + "/slapos.cfg");
  REQUIRE(s);
  CHECK_FALSE(s->can_download());
  auto missing = cache::settings_from_slapos_cfg(dir + "/nope.cfg");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::input);
  CHECK(str::starts_with(missing.error().message, "cannot read SlapOS configuration " + dir + "/nope.cfg: "));
}

TEST_CASE("slap.toml [cache] keys override the slapos.cfg they name") {
  std::string dir = test::temp_dir("settings-config");
  test::write(dir + "/slapos.cfg", "[networkcache]\ndownload-cache-url = http://a/shacache\n"
                                   "download-dir-url = http://a/shadir\n");
  test::write(dir + "/token", "  s3cret\n");
  test::write(dir + "/trusted.pem", test::trusted_cert);
  Config config = Config::defaults(dir, 1);
  REQUIRE(config.set("cache.slapos-cfg", dir + "/slapos.cfg", "test"));
  REQUIRE(config.set("cache.shadir-url", "http://b/shadir", "test"));
  REQUIRE(config.set("cache.upload-token-file", dir + "/token", "test"));
  REQUIRE(config.set("cache.trusted-certificates", dir + "/trusted.pem", "test"));
  auto s = cache::settings_from_config(config);
  REQUIRE(s);
  CHECK(s->download_cache_url == "http://a/shacache");
  CHECK(s->download_dir_url == "http://b/shadir");
  CHECK(s->upload_dir_url == "http://b/shadir");
  CHECK(s->upload_cache_url == "");
  CHECK_FALSE(s->can_upload());
  CHECK(s->upload_token == "s3cret");
  CHECK(str::contains(s->trusted_certificates, "BEGIN CERTIFICATE"));
}

TEST_CASE("a signing key without a trusted certificate is a configuration error") {
  std::string dir = test::temp_dir("settings-no-match");
  test::write(dir + "/key.pem", test::other_key);
  cache::Settings s;
  s.download_dir_url = "http://127.0.0.1:1/shadir";
  s.signature_private_key_file = dir + "/key.pem";
  s.trusted_certificates = test::trusted_cert;
  NullLog log;
  Context ctx{nullptr, &log, nullptr, nullptr};
  auto client = cache::Client::open(s, ctx);
  REQUIRE_FALSE(client);
  CHECK(client.error().kind == ErrorKind::input);
  CHECK(client.error().message == "Invalid configuration: no matching certificate for private key " + dir + "/key.pem");
  s.trusted_certificates += test::other_cert;
  CHECK(cache::Client::open(s, ctx));
}
