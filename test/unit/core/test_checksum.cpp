#include <doctest/doctest.h>

#include "slap/checksum.hpp"

using namespace slap;

TEST_CASE("checksum::hex_digest") {
  CHECK(checksum::hex_digest(checksum::Algorithm::md5, "") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(checksum::hex_digest(checksum::Algorithm::sha256, "abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  checksum::Hasher h(checksum::Algorithm::md5);
  h.update("a");
  h.update("bc");
  CHECK(h.hex() == checksum::hex_digest(checksum::Algorithm::md5, "abc"));
}

TEST_CASE("checksum::algorithm_for_hex") {
  CHECK(checksum::algorithm_for_hex(std::string(32, 'a')).value() == checksum::Algorithm::md5);
  CHECK(checksum::algorithm_for_hex(std::string(128, 'a')).value() == checksum::Algorithm::sha512);
  CHECK_FALSE(checksum::algorithm_for_hex("abc"));
}
