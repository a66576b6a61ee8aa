// SHA-256, to check model files against the sums recorded in data/face-models.sha256
// (FIPS 180-4; small enough to carry rather than pull in a crypto library for it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace caora {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  // The digest as 64 lower-case hex digits; the object is spent afterwards.
  std::string hex_digest();

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

std::string sha256_hex(const std::string& bytes);
// HMAC-SHA-256 (RFC 2104) as 64 hex digits: tokens that stand for a value
// without revealing it to anyone who lacks the key.
std::string hmac_sha256_hex(const std::string& key, const std::string& message);

}  // namespace caora
