#include "core/minisign.h"

#include <cstring>
#include <vector>

#include <sodium.h>

namespace caora {

namespace {

constexpr const char* kUntrusted = "untrusted comment:";
constexpr const char* kTrusted = "trusted comment: ";
// minisign caps a comment line; anything longer is not a file it wrote.
constexpr size_t kMaxLine = 8192;

Error bad(const std::string& ja, const std::string& en) { return make_error(ErrorKind::Parse, ja, en); }

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Lines split on \n with a trailing \r removed; at most `max` lines kept.
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

bool init_sodium() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// Standard base64 with padding, decoded to exactly `want` bytes.
bool decode_exact(const std::string& b64, size_t want, uint8_t* out) {
  if (!init_sodium() || b64.empty() || b64.size() > 4 * ((want + 2) / 3)) return false;
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out, want, b64.data(), b64.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0)
    return false;
  return len == want && end == b64.data() + b64.size();
}

std::string hex_id(const std::array<uint8_t, 8>& id) {
  // minisign prints the id as a little-endian 64-bit number.
  static const char* digits = "0123456789ABCDEF";
  std::string s;
  for (int i = 7; i >= 0; --i) {
    s.push_back(digits[id[i] >> 4]);
    s.push_back(digits[id[i] & 15]);
  }
  return s;
}

}  // namespace

std::string MinisignKey::id_hex() const { return hex_id(key_id); }
std::string MinisignSignature::key_id_hex() const { return hex_id(key_id); }

Expected<MinisignKey> parse_minisign_key(const std::string& text) {
  if (text.size() > 4 * kMaxLine) return bad("minisign 公開鍵のファイルが大きすぎます", "the minisign public key file is too large");
  std::vector<std::string> lines = split_lines(text);
  std::string b64;
  if (lines.size() == 1 && !starts_with(lines[0], kUntrusted)) {
    b64 = lines[0];
  } else if (lines.size() == 2 && starts_with(lines[0], kUntrusted)) {
    b64 = lines[1];
  } else {
    return bad("minisign 公開鍵ではありません（「untrusted comment:」の行と鍵の行の2行のはずです）",
               "not a minisign public key (expected an \"untrusted comment:\" line and the key line)");
  }
  uint8_t raw[42];
  if (!decode_exact(b64, sizeof raw, raw))
    return bad("minisign 公開鍵の鍵の行が base64 の42バイトではありません", "the minisign public key line is not 42 bytes of base64");
  if (raw[0] != 'E' || raw[1] != 'd')
    return bad("minisign 公開鍵のアルゴリズムが Ed25519（Ed）ではありません", "the minisign public key's algorithm is not Ed25519 (Ed)");
  MinisignKey key;
  std::memcpy(key.key_id.data(), raw + 2, 8);
  std::memcpy(key.public_key.data(), raw + 10, 32);
  return key;
}

Expected<MinisignSignature> parse_minisign_signature(const std::string& text) {
  if (text.size() > 4 * kMaxLine) return bad("minisign 署名ファイルが大きすぎます", "the minisign signature file is too large");
  std::vector<std::string> lines = split_lines(text);
  if (lines.size() != 4 || !starts_with(lines[0], kUntrusted) || !starts_with(lines[2], kTrusted))
    return bad("minisign 署名ではありません（untrusted comment、署名、trusted comment、全体署名の4行のはずです）",
               "not a minisign signature (expected 4 lines: untrusted comment, signature, trusted comment, global signature)");
  uint8_t raw[74];
  if (!decode_exact(lines[1], sizeof raw, raw))
    return bad("minisign 署名の行が base64 の74バイトではありません", "the minisign signature line is not 74 bytes of base64");
  MinisignSignature sig;
  if (raw[0] == 'E' && raw[1] == 'D') {
    sig.prehashed = true;
  } else if (raw[0] == 'E' && raw[1] == 'd') {
    sig.prehashed = false;
  } else {
    return bad("minisign 署名のアルゴリズムが ED でも Ed でもありません", "the minisign signature's algorithm is neither ED nor Ed");
  }
  std::memcpy(sig.key_id.data(), raw + 2, 8);
  std::memcpy(sig.signature.data(), raw + 10, 64);
  sig.trusted_comment = lines[2].substr(std::strlen(kTrusted));
  if (!decode_exact(lines[3], 64, sig.global_signature.data()))
    return bad("minisign の全体署名の行が base64 の64バイトではありません", "the minisign global signature line is not 64 bytes of base64");
  return sig;
}

Status minisign_verify(const MinisignKey& key, const MinisignSignature& sig, const std::string& message) {
  if (!init_sodium()) return make_error(ErrorKind::Internal, "libsodium を初期化できません", "libsodium failed to initialise");
  if (key.key_id != sig.key_id)
    return make_error(ErrorKind::Permission,
                      "署名の鍵ID " + sig.key_id_hex() + " が公開鍵の鍵ID " + key.id_hex() + " と違います（別の鍵で署名されています）",
                      "the signature's key id " + sig.key_id_hex() + " is not the public key's " + key.id_hex() +
                          " (signed with another key)");
  std::string signed_bytes = message;
  if (sig.prehashed) {
    unsigned char digest[crypto_generichash_BYTES_MAX];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(message.data()), message.size(), nullptr, 0);
    signed_bytes.assign(reinterpret_cast<const char*>(digest), sizeof digest);
  }
  if (crypto_sign_verify_detached(sig.signature.data(), reinterpret_cast<const unsigned char*>(signed_bytes.data()),
                                  signed_bytes.size(), key.public_key.data()) != 0)
    return make_error(ErrorKind::Permission, "署名が内容と合いません（改ざんされたか壊れています）",
                      "the signature does not verify (the file was altered or damaged)");
  std::string global(reinterpret_cast<const char*>(sig.signature.data()), sig.signature.size());
  global += sig.trusted_comment;
  if (crypto_sign_verify_detached(sig.global_signature.data(), reinterpret_cast<const unsigned char*>(global.data()),
                                  global.size(), key.public_key.data()) != 0)
    return make_error(ErrorKind::Permission, "信頼済みコメントの署名が合いません（コメントが書き換えられています）",
                      "the trusted comment's signature does not verify (the comment was altered)");
  return ok_status();
}

}  // namespace caora
