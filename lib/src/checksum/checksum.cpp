#include "slap/checksum.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "slap/fd.hpp"

namespace slap::checksum {

struct Hasher::State {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

std::string_view name(Algorithm a) {
  switch (a) {
    case Algorithm::md5: return "md5";
    case Algorithm::sha256: return "sha256";
    case Algorithm::sha512: return "sha512";
  }
  return "?";
}

Hasher::Hasher(Algorithm a) : state_(std::make_unique<State>()) {
  const EVP_MD* md = a == Algorithm::md5 ? EVP_md5() : a == Algorithm::sha256 ? EVP_sha256() : EVP_sha512();
  EVP_DigestInit_ex(state_->ctx.get(), md, nullptr);
}
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;
Hasher::~Hasher() = default;

void Hasher::update(std::string_view data) { EVP_DigestUpdate(state_->ctx.get(), data.data(), data.size()); }

std::string Hasher::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(state_->ctx.get(), digest, &len);
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += digits[digest[i] >> 4];
    out += digits[digest[i] & 15];
  }
  return out;
}

std::string hex_digest(Algorithm a, std::string_view data) {
  Hasher h(a);
  h.update(data);
  return h.hex();
}

Result<std::string> file_hex_digest(Algorithm a, const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.open()) return fail(ErrorKind::io, fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  Hasher h(a);
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(ErrorKind::io, fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    }
    if (n == 0) break;
    h.update({buf, static_cast<std::size_t>(n)});
  }
  return h.hex();
}

Result<Algorithm> algorithm_for_hex(std::string_view hex) {
  switch (hex.size()) {
    case 32: return Algorithm::md5;
    case 64: return Algorithm::sha256;
    case 128: return Algorithm::sha512;
  }
  return fail(ErrorKind::input, fmt::format("'{}' is not an md5, sha256 or sha512 hex digest", hex));
}

}  // namespace slap::checksum
