// minisign public keys and signatures (https://jedisct1.github.io/minisign/),
// checked as minisign 0.11 makes them by default: the signature is Ed25519 over
// the BLAKE2b-512 of the file (algorithm "ED"; the legacy "Ed", over the file
// itself, is read too), and the global signature is Ed25519 over the signature
// followed by the trusted comment, so the comment cannot be swapped.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/result.h"

namespace caora {

struct MinisignKey {
  std::array<uint8_t, 8> key_id{};
  std::array<uint8_t, 32> public_key{};
  // The key id as minisign prints it: 16 upper-case hex digits.
  std::string id_hex() const;
};

struct MinisignSignature {
  bool prehashed = true;  // "ED"; false for the legacy "Ed"
  std::array<uint8_t, 8> key_id{};
  std::array<uint8_t, 64> signature{};
  std::string trusted_comment;  // without the "trusted comment: " prefix
  std::array<uint8_t, 64> global_signature{};
  std::string key_id_hex() const;
};

// A public key file (an "untrusted comment:" line, then the base64 line), or
// the base64 line alone (as `minisign -P` takes it).
Expected<MinisignKey> parse_minisign_key(const std::string& text);
// A .minisig file: untrusted comment, signature, trusted comment, global signature.
Expected<MinisignSignature> parse_minisign_signature(const std::string& text);
// Both signatures checked against `key`; a key id that differs is its own error
// (the file was signed by another key), told apart from a bad signature.
Status minisign_verify(const MinisignKey& key, const MinisignSignature& sig, const std::string& message);

}  // namespace caora
