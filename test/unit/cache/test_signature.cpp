#include <doctest/doctest.h>

#include "cache/base64.hpp"
#include "slap/cache.hpp"
#include "slap/strings.hpp"
#include "test_keys.hpp"
#include "test_support.hpp"

using namespace slap;

namespace {

struct CollectLog final : LogSink {
  std::vector<std::string> lines;
  void log(LogLevel, std::string_view m) override { lines.emplace_back(m); }
};

cache::Signer signer_from(const char* pem, const std::string& name) {
  std::string file = test::temp_dir("signature-" + name) + "/key.pem";
  test::write(file, pem);
  auto signer = cache::Signer::from_pem_file(file);
  REQUIRE(signer);
  return std::move(*signer);
}

}  // namespace

TEST_CASE("base64 round-trips and rejects what is not base64") {
  CHECK(cache::base64_encode("") == "");
  CHECK(cache::base64_encode("a") == "YQ==");
  CHECK(cache::base64_encode("ab") == "YWI=");
  CHECK(cache::base64_encode("abc") == "YWJj");
  CHECK(cache::base64_decode("YQ==") == std::optional<std::string>("a"));
  CHECK(cache::base64_decode("YWI=") == std::optional<std::string>("ab"));
  CHECK(cache::base64_decode("YW\nJj") == std::optional<std::string>("abc"));
  CHECK_FALSE(cache::base64_decode("YWJ"));
  CHECK_FALSE(cache::base64_decode("Y!==").has_value());
}

TEST_CASE("signatures are RSA PKCS#1 v1.5 over SHA-1, as SlapOS makes them") {
  cache::Signer signer = signer_from(test::trusted_key, "sha1");
  auto signature = signer.sign(test::signed_text);
  REQUIRE(signature);
  // Same bytes as `openssl dgst -sha1 -sign` (PKCS#1 v1.5 is deterministic).
  CHECK(*signature == test::signed_text_signature);
}

TEST_CASE("a trust store verifies its signers' entries and nothing else") {
  NullLog log;
  Context ctx{nullptr, &log, nullptr, nullptr};
  auto trust = cache::TrustStore::from_pem_list(test::trusted_cert, ctx);
  REQUIRE(trust.size() == 1);
  CHECK(trust.verify(test::signed_text, test::signed_text_signature));

  std::string tampered = test::signed_text;
  tampered[tampered.size() - 3] = 'v';  // "u" -> "v"
  CHECK_FALSE(trust.verify(tampered, test::signed_text_signature));
  CHECK_FALSE(trust.verify(test::signed_text, ""));
  CHECK_FALSE(trust.verify(test::signed_text, "not base64!"));

  auto other = signer_from(test::other_key, "other").sign(test::signed_text);
  REQUIRE(other);
  CHECK_FALSE(trust.verify(test::signed_text, *other));
  CHECK(trust.holds_key_of(signer_from(test::trusted_key, "holds")));
  CHECK_FALSE(trust.holds_key_of(signer_from(test::other_key, "holds-other")));
}

TEST_CASE("certificate lists: indented blocks parse, garbage blocks are skipped with a message") {
  std::string list = "\n";
  for (const char* pem : {test::other_cert, test::trusted_cert}) {
    for (const auto& line : str::split(pem, "\n")) list += "  " + line + "\n";
    list += "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n";
  }
  CollectLog log;
  Context ctx{nullptr, &log, nullptr, nullptr};
  auto trust = cache::TrustStore::from_pem_list(list, ctx);
  CHECK(trust.size() == 2);
  CHECK(trust.verify(test::signed_text, test::signed_text_signature));
  CHECK(log.lines == std::vector<std::string>{
                         "ignoring trusted certificate #2: not a valid PEM certificate",
                         "ignoring trusted certificate #4: not a valid PEM certificate"});
}

TEST_CASE("a private key file that holds no RSA key is an input error") {
  std::string file = test::temp_dir("signature-bad") + "/key.pem";
  test::write(file, test::trusted_cert);
  auto signer = cache::Signer::from_pem_file(file);
  REQUIRE_FALSE(signer);
  CHECK(signer.error().kind == ErrorKind::input);
  CHECK(signer.error().message == file + ": not a PEM RSA private key");
}
