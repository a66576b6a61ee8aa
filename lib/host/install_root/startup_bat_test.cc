#include "host/install_root/startup_bat.h"

#include <catch2/catch.hpp>

using namespace caora;

TEST_CASE("the delay is read and rewritten byte for byte in CP932 with CRLF") {
  // rem line in CP932 (起動待ち), the set line, CRLF endings.
  std::string bat = "@echo off\r\nrem \x8B\x4E\x93\xAE\x91\xD2\x82\xBF\r\nset WAIT_TIME_SECOND=40\r\ntimeout /t %WAIT_TIME_SECOND%\r\n";
  auto parsed = parse_startup_bat(bat);
  REQUIRE(parsed.ok());
  CHECK(parsed->encoding == TextEncoding::Cp932);
  CHECK(parsed->seconds() == 40);
  CHECK(parsed->assignments.front().line == 3);
  std::string out = startup_bat_with_seconds(*parsed, 300);
  std::string expected = bat;
  expected.replace(expected.find("=40") + 1, 2, "300");
  CHECK(out == expected);
}

TEST_CASE("UTF-8 with a BOM keeps its BOM") {
  std::string bat = "\xEF\xBB\xBFset \"WAIT_TIME_SECOND=40\"\n";
  auto parsed = parse_startup_bat(bat);
  REQUIRE(parsed.ok());
  CHECK(parsed->encoding == TextEncoding::Utf8Bom);
  CHECK(startup_bat_with_seconds(*parsed, 5) == "\xEF\xBB\xBFset \"WAIT_TIME_SECOND=5\"\n");
}

TEST_CASE("case-insensitive set, last assignment wins, rem lines ignored") {
  auto parsed = parse_startup_bat("rem set WAIT_TIME_SECOND=1\nSET wait_time_second=10\nset WAIT_TIME_SECOND=20\n");
  REQUIRE(parsed.ok());
  CHECK(parsed->assignments.size() == 2);
  CHECK(parsed->seconds() == 20);
}

TEST_CASE("a variable name inside a double-byte character is not matched") {
  // 0x83 0x73 ('ピ') then "set ..." would only match at a character start; here the
  // 's' of "set" is the trail byte of a CP932 character, so there is no assignment.
  std::string bat = "\x83set WAIT_TIME_SECOND=40\r\n";
  auto parsed = parse_startup_bat(bat);
  CHECK_FALSE(parsed.ok());
}

TEST_CASE("bad values are errors naming the line") {
  auto e = parse_startup_bat("set WAIT_TIME_SECOND=abc\r\n");
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message.en.find("line 1") != std::string::npos);
  CHECK_FALSE(parse_startup_bat("set WAIT_TIME_SECOND=12 34\r\n").ok());
  CHECK_FALSE(parse_startup_bat("echo nothing\r\n").ok());
  CHECK_FALSE(parse_startup_bat(std::string("set WAIT_TIME_SECOND=4\xFF\r\n")).ok());
}
