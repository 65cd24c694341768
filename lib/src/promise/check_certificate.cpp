// check_certificate (slapos.toolbox's plugin): a PEM certificate that loads, does not
// expire within `certificate-expiration-days` (15), and matches `key` when one is given.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fmt/format.h>
#include <memory>

#include "promise/checks.hpp"
#include "promise/text.hpp"
#include "slap/fs.hpp"
#include "slap/strings.hpp"

namespace slap::promise {

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

std::string openssl_error() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (!code) return "no PEM data";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

std::unique_ptr<BIO, BioFree> memory_bio(const std::string& data) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

}  // namespace

Measure sense_certificate(const CheckInput& in) {
  std::string certificate = in.get("certificate");
  std::string key = in.get("key");
  std::string days_text = in.get("certificate-expiration-days", "15");
  int days = 0;
  try {
    std::size_t used = 0;
    days = std::stoi(std::string(str::strip(days_text)), &used);
    if (used != str::strip(days_text).size()) throw std::invalid_argument(days_text);
  } catch (const std::exception&) {
    return {true, fmt::format("ERROR certificate-expiration-days is wrong: {}", str::string_repr(days_text))};
  }
  auto pem = fs::read_file(certificate);
  if (!pem)
    return {true, fmt::format("ERROR Problem loading certificate {}, error: {}", str::string_repr(certificate),
                              pem.error().message)};
  auto bio = memory_bio(*pem);
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert)
    return {true, fmt::format("ERROR Problem loading certificate {}, error: {}", str::string_repr(certificate),
                              openssl_error())};
  // Expired, or expiring within `days`: notAfter - days < now.
  int day_diff = 0, second_diff = 0;
  if (!ASN1_TIME_diff(&day_diff, &second_diff, nullptr, X509_get0_notAfter(cert.get())))
    return {true, fmt::format("ERROR Problem loading certificate {}, error: unreadable notAfter",
                              str::string_repr(certificate))};
  long long left = static_cast<long long>(day_diff) * 86400 + second_diff;
  if (left < static_cast<long long>(days) * 86400)
    return {true, fmt::format("ERROR Certificate {} will expire in less than {} days", str::string_repr(certificate), days)};
  if (key.empty())
    return {false, fmt::format("OK Certificate {} is ok, no key provided", str::string_repr(certificate))};
  auto key_pem = fs::read_file(key);
  if (!key_pem)
    return {true, fmt::format("ERROR Problem loading key {}, error: {}", str::string_repr(key), key_pem.error().message)};
  auto key_bio = memory_bio(*key_pem);
  std::unique_ptr<EVP_PKEY, KeyFree> pkey(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) return {true, fmt::format("ERROR Problem loading key {}, error: {}", str::string_repr(key), openssl_error())};
  if (X509_check_private_key(cert.get(), pkey.get()) != 1) {
    ERR_clear_error();
    return {true, fmt::format("ERROR Certificate {} does not match key {}", str::string_repr(certificate),
                              str::string_repr(key))};
  }
  return {false, fmt::format("OK Certificate {} and key {} are ok", str::string_repr(certificate), str::string_repr(key))};
}

}  // namespace slap::promise
