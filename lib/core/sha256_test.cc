#include "core/sha256.h"

#include <catch2/catch.hpp>

using caora::Sha256;
using caora::sha256_hex;

TEST_CASE("sha256 matches the FIPS 180-4 examples", "[face]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 gives the same digest however the input is split", "[face]") {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += char(i * 7 + 3);
  std::string whole = sha256_hex(data);
  for (size_t step : {1u, 3u, 55u, 56u, 63u, 64u, 65u, 999u}) {
    Sha256 s;
    for (size_t i = 0; i < data.size(); i += step) s.update(data.data() + i, std::min(step, data.size() - i));
    CHECK(s.hex_digest() == whole);
  }
}

TEST_CASE("sha256 gives the same digests with and without the CPU's SHA extensions", "[face]") {
  // CAORA_NO_SHA_NI forces the portable rounds; on a CPU without the extensions both
  // runs are portable and the test still holds.
  std::string data;
  for (int i = 0; i < 100000; ++i) data += char((i * 131) ^ (i >> 3));
  std::string fast = sha256_hex(data);
#ifndef _WIN32
  setenv("CAORA_NO_SHA_NI", "1", 1);
  std::string portable = sha256_hex(data);
  unsetenv("CAORA_NO_SHA_NI");
  CHECK(fast == portable);
#endif
  CHECK(fast.size() == 64);
}
