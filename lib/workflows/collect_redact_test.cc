#include "workflows/collect_redact.h"

#include <catch2/catch.hpp>

using namespace caora;

namespace {
std::string utf16le(const std::string& ascii_or_utf8) {
  // Enough for these tests: decode UTF-8 to code points (BMP) and write LE with a BOM.
  std::string out = "\xFF\xFE";
  for (size_t i = 0; i < ascii_or_utf8.size();) {
    unsigned char c = ascii_or_utf8[i];
    unsigned cp;
    size_t len;
    if (c < 0x80) { cp = c; len = 1; }
    else if ((c & 0xE0) == 0xC0) { cp = ((c & 0x1F) << 6) | (ascii_or_utf8[i + 1] & 0x3F); len = 2; }
    else { cp = ((c & 0x0F) << 12) | ((ascii_or_utf8[i + 1] & 0x3F) << 6) | (ascii_or_utf8[i + 2] & 0x3F); len = 3; }
    out.push_back(char(cp & 0xFF));
    out.push_back(char(cp >> 8));
    i += len;
  }
  return out;
}
std::string redact(Redactor& r, const std::string& s, TextForm form = TextForm::Utf8) {
  RedactCounts c;
  r.learn(s, form);
  return r.redact(s, form, c);
}
}  // namespace

TEST_CASE("my number check digit", "[collect]") {
  CHECK(my_number_valid("123456789018"));
  CHECK_FALSE(my_number_valid("123456789012"));
  CHECK_FALSE(my_number_valid("12345678901"));
}

TEST_CASE("a My Number is found plain, grouped and full-width, and only with its check digit", "[collect]") {
  Redactor r("salt");
  std::string out = redact(r, "a 123456789018 b 1234 5678 9018 c １２３４－５６７８－９０１８ d 123456789012 e 202612011000\n");
  CHECK(out.find("123456789018") == std::string::npos);
  CHECK(out.find("5678 9018") == std::string::npos);
  CHECK(out.find("９０１８") == std::string::npos);
  CHECK(out.find("123456789012") != std::string::npos);  // wrong check digit: kept
  CHECK(out.find("202612011000") != std::string::npos);  // a timestamp: kept
  // One value, one token, whatever its form.
  auto m = r.map();
  size_t mn = 0;
  for (const auto& [t, e] : m) mn += e.kind == "my_number";
  CHECK(mn == 1);
}

TEST_CASE("digits inside a longer run are not a My Number", "[collect]") {
  Redactor r("salt");
  CHECK(redact(r, "id 9123456789018 and 1234-5678-9018-1111\n") == "id 9123456789018 and 1234-5678-9018-1111\n");
}

TEST_CASE("keyed values and the evidence beside them", "[collect]") {
  Redactor r("salt");
  std::string out = redact(r, "氏名: 山田 太郎 version 1.6.0.0 serial=2113001 ip 192.168.250.1 at 2026-12-01 10:00:00\n");
  CHECK(out.find("山田") == std::string::npos);
  for (const char* kept : {"version 1.6.0.0", "serial=2113001", "192.168.250.1", "2026-12-01 10:00:00"})
    CHECK(out.find(kept) != std::string::npos);
  CHECK(out.rfind("氏名: [NAME-", 0) == 0);
}

TEST_CASE("a learned value is replaced elsewhere, with the same token", "[collect]") {
  Redactor r("salt");
  RedactCounts c;
  r.learn("name=Hanako Suzuki\n", TextForm::Utf8);
  std::string a = r.redact("name=Hanako Suzuki\n", TextForm::Utf8, c);
  std::string b = r.redact("patient Hanako Suzuki came\n", TextForm::Utf8, c);
  std::string token = a.substr(5, a.size() - 6);
  CHECK(b == "patient " + token + " came\n");
}

TEST_CASE("fields and values start after punctuation that follows a word, never inside a word", "[collect]") {
  Redactor r("salt");
  RedactCounts c;
  r.learn("name=Hanako\n", TextForm::Utf8);
  // After "id(" and "x;" a key starts; "rename=" and "HanakoX" hold no key or value;
  // a My Number after a letter is part of an identifier.
  std::string out = r.redact("id(name=Hanako) x;password=pw1 rename=abc HanakoX xHanako a123456789018 (Hanako)\n",
                             TextForm::Utf8, c);
  CHECK(out.find("id(name=[NAME-") == 0);
  CHECK(out.find("x;password=[SECRET-") != std::string::npos);
  for (const char* kept : {" rename=abc ", " HanakoX ", " xHanako ", " a123456789018 "}) CHECK(out.find(kept) != std::string::npos);
  CHECK(out.find("(Hanako)") == std::string::npos);
}

TEST_CASE("tokens depend on the salt", "[collect]") {
  Redactor a("one"), b("two");
  CHECK(redact(a, "password=hunter22\n") != redact(b, "password=hunter22\n"));
  Redactor c("one");
  CHECK(redact(a, "password=hunter22\n") == redact(c, "password=hunter22\n"));
}

TEST_CASE("CP932 and UTF-16 are matched decoded and written back in their encoding", "[collect]") {
  // 氏名：山田 in CP932.
  std::string cp = "\x8e\x81\x96\xbc\x81\x46\x8e\x52\x93\x63 serial=2113001\r\n";
  Redactor r("salt");
  CHECK(detect_text_form(cp) == TextForm::Cp932);
  std::string out = redact(r, cp, TextForm::Cp932);
  CHECK(out.rfind("\x8e\x81\x96\xbc\x81\x46[NAME-", 0) == 0);
  CHECK(out.find(" serial=2113001\r\n") != std::string::npos);
  std::string u16 = utf16le("password=abc123 ok\r\n");
  CHECK(detect_text_form(u16) == TextForm::Utf16Le);
  std::string o16 = redact(r, u16, TextForm::Utf16Le);
  CHECK(o16.find(std::string("a\0b\0c\0", 6)) == std::string::npos);
  CHECK(o16.find(std::string("[\0S\0E\0C\0R\0E\0T\0", 14)) != std::string::npos);
  CHECK(o16.find(std::string(" \0o\0k\0\r\0\n\0", 10)) != std::string::npos);
}

TEST_CASE("identifier-like keys are not names", "[collect]") {
  Redactor r("salt");
  std::string in = "ReaderName=Caora-01 filename=app.log hostname=TERM01 username=clerk\n";
  CHECK(redact(r, in) == in);
}

TEST_CASE("bytes that are no text still lose their My Numbers", "[collect]") {
  Redactor r("salt");
  std::string bin = std::string("\x00\x01\xff", 3) + " 123456789018 " + std::string("\x00", 1);
  std::string out = redact(r, bin, detect_text_form(bin));
  CHECK(out.find("123456789018") == std::string::npos);
  CHECK(out.substr(0, 3) == bin.substr(0, 3));
}
