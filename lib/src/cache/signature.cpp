// Shadir entry signatures (spec/networkcache.md §3): RSA PKCS#1 v1.5 over SHA-1 of the
// entry's bytes, transported as standard base64. Certificate dates and chains are not
// checked: SlapOS signers use self-signed "infinite" certificates.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fmt/format.h>

#include "cache/base64.hpp"
#include "slap/cache.hpp"
#include "slap/fs.hpp"
#include "slap/strings.hpp"

namespace slap::cache {

namespace {

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

Bio memory_bio(std::string_view text) {
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), &BIO_free);
}

MdCtx new_md_ctx() { return MdCtx(EVP_MD_CTX_new(), &EVP_MD_CTX_free); }

constexpr std::string_view cert_marker = "-----BEGIN CERTIFICATE-----";

}  // namespace

bool is_sha512_hex(std::string_view text) noexcept {
  if (text.size() != 128) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// ---- Signer

struct Signer::Key {
  PKey pkey{nullptr, &EVP_PKEY_free};
};

Signer::Signer(std::unique_ptr<Key> key) : key_(std::move(key)) {}
Signer::Signer(Signer&&) noexcept = default;
Signer& Signer::operator=(Signer&&) noexcept = default;
Signer::~Signer() = default;

Result<Signer> Signer::from_pem_file(const std::string& path) {
  std::string pem = SLAP_TRY(fs::read_file(path));
  Bio bio = memory_bio(pem);
  auto key = std::make_unique<Key>();
  key->pkey.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key->pkey || EVP_PKEY_get_base_id(key->pkey.get()) != EVP_PKEY_RSA)
    return fail(ErrorKind::input, fmt::format("{}: not a PEM RSA private key", path));
  return Signer(std::move(key));
}

Result<std::string> Signer::sign(std::string_view text) const {
  MdCtx ctx = new_md_ctx();
  std::size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha1(), nullptr, key_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size()) != 1)
    return fail(ErrorKind::internal, "cannot sign the Shadir entry (OpenSSL refused the key)");
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1)
    return fail(ErrorKind::internal, "cannot sign the Shadir entry");
  signature.resize(length);
  return base64_encode(signature);
}

// ---- TrustStore

struct TrustStore::Keys {
  std::vector<PKey> keys;
};

TrustStore::TrustStore() : keys_(std::make_unique<Keys>()) {}
TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;
TrustStore::~TrustStore() = default;

TrustStore TrustStore::from_pem_list(std::string_view pem_list, const Context& ctx) {
  TrustStore store;
  std::size_t index = 0;
  for (const auto& chunk : str::split(pem_list, cert_marker)) {
    std::string_view body = str::strip(chunk);
    if (body.empty()) continue;
    ++index;
    // Continuation lines of an INI option may be indented: re-flow the block line by line.
    std::string pem = std::string(cert_marker) + "\n";
    for (const auto& line : str::split(body, "\n")) pem += std::string(str::strip(line)) + "\n";
    Bio bio = memory_bio(pem);
    Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
    PKey key(cert ? X509_get_pubkey(cert.get()) : nullptr, &EVP_PKEY_free);
    if (!key) {
      ctx.info(fmt::format("ignoring trusted certificate #{}: not a valid PEM certificate", index));
      continue;
    }
    store.keys_->keys.push_back(std::move(key));
  }
  return store;
}

bool TrustStore::verify(std::string_view text, std::string_view signature_base64) const {
  auto signature = base64_decode(signature_base64);
  if (!signature || signature->empty()) return false;
  for (const auto& key : keys_->keys) {
    MdCtx ctx = new_md_ctx();
    if (ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha1(), nullptr, key.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
                         reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1)
      return true;
  }
  return false;
}

bool TrustStore::holds_key_of(const Signer& signer) const {
  for (const auto& key : keys_->keys)
    if (EVP_PKEY_eq(key.get(), signer.key_->pkey.get()) == 1) return true;
  return false;
}

std::size_t TrustStore::size() const { return keys_->keys.size(); }

}  // namespace slap::cache
