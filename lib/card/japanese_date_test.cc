#include "card/japanese_date.h"

#include <catch2/catch.hpp>

#include "card/verification_number_b.h"

using namespace caora;

static std::string yymmdd(const char* text) {
  auto d = parse_japanese_date(text);
  REQUIRE(d.ok());
  return d->yymmdd();
}

TEST_CASE("card-face birth dates read as era YYMMDD") {
  CHECK(yymmdd("昭和55年2月17日生") == "550217");
  CHECK(yymmdd("昭和５５年 ２月１７日生") == "550217");  // full-width digits and spaces
  CHECK(yymmdd("令和元年5月1日") == "010501");            // 元年 is 01
  CHECK(yymmdd("平成元年1月8日") == "010108");
  CHECK(yymmdd("大正15年12月24日") == "151224");
}

TEST_CASE("era boundaries are checked") {
  CHECK(parse_japanese_date("平成31年4月30日").ok());
  CHECK_FALSE(parse_japanese_date("平成31年5月1日").ok());  // that day is 令和元年
  CHECK_FALSE(parse_japanese_date("令和元年4月30日").ok());
  CHECK(parse_japanese_date("昭和64年1月7日").ok());
  CHECK_FALSE(parse_japanese_date("昭和64年1月8日").ok());
  CHECK_FALSE(parse_japanese_date("大正15年12月25日").ok());
  CHECK_FALSE(parse_japanese_date("明治1年1月1日").ok());    // before 1868-10-23
}

TEST_CASE("impossible days are errors, leap years are not") {
  CHECK(parse_japanese_date("平成12年2月29日").ok());  // 2000 is a leap year
  CHECK_FALSE(parse_japanese_date("平成11年2月29日").ok());
  CHECK_FALSE(parse_japanese_date("昭和55年2月30日").ok());
  CHECK_FALSE(parse_japanese_date("昭和55年13月1日").ok());
  CHECK_FALSE(parse_japanese_date("昭和55年0月1日").ok());
  CHECK_FALSE(parse_japanese_date("西暦1980年2月17日").ok());
  CHECK_FALSE(parse_japanese_date("昭和55年2月").ok());
  CHECK_FALSE(parse_japanese_date("").ok());
}

TEST_CASE("gregorian dates") {
  auto d = parse_japanese_date("昭和55年2月17日");
  REQUIRE(d.ok());
  CHECK(d->gregorian().year == 1980);
  CHECK(parse_japanese_date("令和元年5月1日")->gregorian().year == 2019);
}

TEST_CASE("verification number B is era date + expiry year + security code") {
  auto birth = parse_japanese_date("昭和55年2月17日");
  REQUIRE(birth.ok());
  auto v = VerificationNumberB::make(*birth, 2035, "2285");
  REQUIRE(v.ok());
  CHECK(v->digits() == "55021720352285");
  CHECK(v->digits().size() == 14);
  CHECK_FALSE(VerificationNumberB::make(*birth, 1979, "2285").ok());  // expiry before birth
  CHECK_FALSE(VerificationNumberB::make(*birth, 2035, "22a5").ok());
  CHECK_FALSE(VerificationNumberB::make(*birth, 2035, "228").ok());
  CHECK_FALSE(VerificationNumberB::make(*birth, 35, "2285").ok());
}

TEST_CASE("japanese_date: a card expires on the birthday, the 28th of February in a common year for one born on the 29th") {
  CHECK(expires_on_birthday(2, 17, 2035, 2, 17));
  CHECK_FALSE(expires_on_birthday(2, 17, 2035, 2, 18));
  CHECK(expires_on_birthday(2, 29, 2029, 2, 28));
  CHECK_FALSE(expires_on_birthday(2, 29, 2029, 3, 1));
  CHECK(expires_on_birthday(2, 29, 2028, 2, 29));
  CHECK_FALSE(expires_on_birthday(2, 29, 2028, 2, 28));
  CHECK_FALSE(expires_on_birthday(2, 28, 2029, 2, 29));
}
