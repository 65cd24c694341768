// Streaming message digests (OpenSSL EVP): md5 (what SlapOS profiles record), sha256 and
// sha512 (Shacache keys).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "slap/error.hpp"

namespace slap::checksum {

enum class Algorithm { md5, sha256, sha512 };

std::string_view name(Algorithm a);

class Hasher {
 public:
  explicit Hasher(Algorithm a);
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  ~Hasher();
  void update(std::string_view data);
  std::string hex();  // finishes the digest

 private:
  struct State;
  std::unique_ptr<State> state_;
};

std::string hex_digest(Algorithm a, std::string_view data);
Result<std::string> file_hex_digest(Algorithm a, const std::string& path);

// Guesses the algorithm from a hex digest's length (32 md5, 64 sha256, 128 sha512).
Result<Algorithm> algorithm_for_hex(std::string_view hex);

}  // namespace slap::checksum
