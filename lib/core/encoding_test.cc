#include "core/encoding.h"

#include <catch2/catch.hpp>

using namespace caora;

TEST_CASE("encodings are told apart") {
  CHECK(*detect_encoding("set X=1\r\n") == TextEncoding::Ascii);
  CHECK(*detect_encoding("rem \xE8\xB5\xB7\xE5\x8B\x95\r\n") == TextEncoding::Utf8);        // 起動 in UTF-8
  CHECK(*detect_encoding("\xEF\xBB\xBFrem \xE8\xB5\xB7\r\n") == TextEncoding::Utf8Bom);
  CHECK(*detect_encoding("rem \x8B\x4E\x93\xAE\r\n") == TextEncoding::Cp932);              // 起動 in CP932
}

TEST_CASE("undecodable text is an error with the offset") {
  auto e = detect_encoding(std::string("ok \x81", 4));  // a CP932 lead byte with no trail, invalid UTF-8 too
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().kind == ErrorKind::Encoding);
  CHECK(e.error().message.en.find("offset 3") != std::string::npos);
  CHECK_FALSE(detect_encoding("\xEF\xBB\xBF\xFF").ok());
}

TEST_CASE("CP932 character starts never split a double-byte character") {
  // 0x83 0x5C is ソ: its trail byte is the ASCII backslash.
  std::string s = "\x83\x5C=1";
  auto starts = char_starts(s, TextEncoding::Cp932);
  CHECK(starts[0]);
  CHECK_FALSE(starts[1]);
  CHECK(starts[2]);
}

TEST_CASE("CP932 decodes as Windows does: NEC and IBM extensions, the wave dash, half-width kana") {
  CHECK(*cp932_to_utf8("\x8e\xf3\x95\x74" "1") == "受付1");
  CHECK(*cp932_to_utf8("\x87\x40") == "①");               // NEC special characters
  CHECK(*cp932_to_utf8("\x81\x60") == "～");               // U+FF5E, not JIS's U+301C
  CHECK(*cp932_to_utf8("\xb6\xb3\xdd\xc0\xb0") == "ｶｳﾝﾀｰ");  // half-width katakana
  CHECK(*cp932_to_utf8("\xfb\xfc") == "髙");               // IBM extension
  CHECK(*cp932_to_utf8("\xee\xe0") == "髙");               // its NEC-selected twin
  CHECK(*cp932_to_utf8("Caora-A") == "Caora-A");
  CHECK(*cp932_to_utf8("") == "");
  auto cut = cp932_to_utf8("AB\x8e");  // a lead byte with no trail
  REQUIRE_FALSE(cut);
  CHECK(cut.error().kind == ErrorKind::Encoding);
  CHECK(cut.error().message.en.find("byte 2") != std::string::npos);
}
