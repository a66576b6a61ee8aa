#include "core/minisign.h"

#include <catch2/catch.hpp>

using namespace caora;

// Made with Debian's minisign 0.11:
//   minisign -G -W -p k.pub -s k.sec
//   printf 'caora firmware manifest test\n' > msg.txt
//   minisign -S -s k.sec -m msg.txt -t 'caora test'
// (tests/e2e/test_firmware.py makes fresh keys and signatures at every run.)
static const char* kKey =
    "untrusted comment: minisign public key EB5409CAEF6BCEFD\n"
    "RWT9zmvvyglU6wA51IGvtiSx1EtVrk58A7wgjfB6Mg97TMle5v4cb9U9\n";
static const char* kOtherKey =
    "untrusted comment: minisign public key 82CB812A71A1E834\n"
    "RWQ06KFxKoHLgr6MIzigTAEgH6i9n2cQczjFi4Fxb88IoK1nfK42kLIa\n";
static const char* kSig =
    "untrusted comment: signature from minisign secret key\n"
    "RUT9zmvvyglU6wx/g0bj0Y5KQAcRWM7BMxUUef+GZTgmVIpaQrk3G+hVPBznLr8z2Dqo9zXKJf0WOMR2wAdyQyNiejzL1ee2AwE=\n"
    "trusted comment: caora test\n"
    "GqPoyjpqzXbce/eRyCOIGQXfnKFuqVyb/QEKTX5MVkONNl7A6Lf9s9nl64LxW0m0J5zlfoDGBHEmhDH9wriUAw==\n";
static const std::string kMessage = "caora firmware manifest test\n";

TEST_CASE("a prehashed minisign signature verifies against its key") {
  auto key = parse_minisign_key(kKey);
  REQUIRE(key.ok());
  CHECK(key->id_hex() == "EB5409CAEF6BCEFD");
  auto sig = parse_minisign_signature(kSig);
  REQUIRE(sig.ok());
  CHECK(sig->prehashed);
  CHECK(sig->trusted_comment == "caora test");
  CHECK(sig->key_id_hex() == "EB5409CAEF6BCEFD");
  CHECK(minisign_verify(*key, *sig, kMessage).ok());
  // The key line alone, as minisign -P takes it, and CRLF line ends.
  CHECK(parse_minisign_key("RWT9zmvvyglU6wA51IGvtiSx1EtVrk58A7wgjfB6Mg97TMle5v4cb9U9").ok());
  std::string crlf = kSig;
  for (size_t at = crlf.find('\n'); at != std::string::npos; at = crlf.find('\n', at + 2)) crlf.insert(at, "\r");
  CHECK(parse_minisign_signature(crlf).ok());
}

TEST_CASE("a changed byte, comment or key is refused, each with its own reason") {
  auto key = *parse_minisign_key(kKey);
  auto sig = *parse_minisign_signature(kSig);
  std::string tampered = kMessage;
  tampered[0] = 'C';
  auto bad = minisign_verify(key, sig, tampered);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.en.find("does not verify") != std::string::npos);

  auto comment = sig;
  comment.trusted_comment = "caora test, edited";
  auto c = minisign_verify(key, comment, kMessage);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.en.find("trusted comment") != std::string::npos);

  auto other = *parse_minisign_key(kOtherKey);
  auto k = minisign_verify(other, sig, kMessage);
  REQUIRE_FALSE(k.ok());
  CHECK(k.error().message.en.find("another key") != std::string::npos);

  // The other key with this key's id: the id matches, the signature does not.
  other.key_id = key.key_id;
  CHECK_FALSE(minisign_verify(other, sig, kMessage).ok());
}

TEST_CASE("malformed keys and signatures are parse errors, never crashes") {
  for (const char* text : {"", "\n", "untrusted comment: x\n", "untrusted comment: x\nnot base64!\n",
                           "untrusted comment: x\nRWT9zmvvyglU6wA51IGvtiSx1EtVrk58A7wgjfB6Mg97TMle5v4c\n",
                           "untrusted comment: x\nRUT9zmvvyglU6wx/g0bj0Y5KQAcRWM7BMxUUef+GZTgmVIpaQrk3G+hVPBznLr8z2Dqo9zXKJf0WOMR2wAdyQyNiejzL1ee2AwE=\n"}) {
    INFO(text);
    auto k = parse_minisign_key(text);
    REQUIRE_FALSE(k.ok());
    CHECK(k.error().kind == ErrorKind::Parse);
    CHECK_FALSE(k.error().message.ja.empty());
  }
  std::string sig = kSig;
  CHECK_FALSE(parse_minisign_signature(sig.substr(0, sig.rfind("trusted comment"))).ok());
  std::string wrong_alg = sig;
  wrong_alg.replace(wrong_alg.find("RUT9"), 4, "RXT9");
  CHECK_FALSE(parse_minisign_signature(wrong_alg).ok());
  CHECK_FALSE(parse_minisign_signature(sig + "extra line\n").ok());
}
