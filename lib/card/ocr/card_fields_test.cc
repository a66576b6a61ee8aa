#include "card/ocr/card_fields.h"

#include <catch2/catch.hpp>

using namespace caora;
using namespace caora::card;

TEST_CASE("birth-date lines as OCR reads them", "[card][ocr]") {
  auto d = parse_birth_line("昭和55年 2月17日生");
  REQUIRE(d.ok());
  CHECK(d->era == Era::Showa);
  CHECK(d->yymmdd() == "550217");

  // 元年, full-width digits, blanks between digits.
  auto gannen = parse_birth_line("令和元年 5月 1日生");
  REQUIRE(gannen.ok());
  CHECK(gannen->yymmdd() == "010501");
  auto wide = parse_birth_line("平成１ ２年１２月３１日生");
  REQUIRE(wide.ok());
  CHECK(wide->yymmdd() == "121231");
  auto spaced = parse_birth_line("大正 1 5年 1 2月 2 4日生");
  REQUIRE(spaced.ok());
  CHECK(spaced->yymmdd() == "151224");

  // Misreadings next to digits: O for 0, l for 1, 曰 for 日.
  auto misread = parse_birth_line("昭和5O年l2月3曰生");
  REQUIRE(misread.ok());
  CHECK(misread->yymmdd() == "501203");

  // 和 alone: 昭和 or 令和, whichever the date fits (令和 ends nowhere near year 60).
  auto showa = parse_birth_line("和60年4月1日生");
  REQUIRE(showa.ok());
  CHECK(showa->era == Era::Showa);
}

TEST_CASE("birth dates that do not exist are errors, not answers", "[card][ocr]") {
  CHECK_FALSE(parse_birth_line("昭和55年2月30日生").ok());
  CHECK_FALSE(parse_birth_line("平成31年5月1日生").ok());  // that day is 令和元年
  CHECK_FALSE(parse_birth_line("昭和65年1月1日生").ok());  // past the era's end
  CHECK_FALSE(parse_birth_line("55年2月17日生").ok());     // no era
  CHECK_FALSE(parse_birth_line("昭和55年2月生").ok());     // no day
  CHECK_FALSE(parse_birth_line("昭和32年10月2").ok());     // the day cut off before its 日 (27 under glare)
  CHECK_FALSE(parse_birth_line("昭和32年10月2生").ok());
  CHECK_FALSE(parse_birth_line("").ok());
  auto e = parse_birth_line("昭和55年2月30日生");
  CHECK(e.error().message.en.find("no such day") != std::string::npos);
}

TEST_CASE("lines are told apart by their content", "[card][ocr]") {
  CHECK(looks_like_birth_line("昭和55年 2月17日生"));
  CHECK(looks_like_birth_line("昭和55年 2月17曰生"));
  CHECK_FALSE(looks_like_birth_line("2035年 2月17日まで有効"));
  CHECK(looks_like_expiry_line("2035年 2月17日まで有効"));
  CHECK_FALSE(looks_like_expiry_line("昭和55年 2月17日生"));
}

TEST_CASE("expiry years and security codes", "[card][ocr]") {
  auto y = parse_expiry_line("2035年 2月17日まで有効");
  REQUIRE(y.ok());
  CHECK(*y == 2035);
  auto spaced = parse_expiry_line("２０３５年 2月17日まで有効");
  REQUIRE(spaced.ok());
  CHECK(*spaced == 2035);
  CHECK_FALSE(parse_expiry_line("203年2月17日まで有効").ok());
  CHECK_FALSE(parse_expiry_line("20355年2月17日まで有効").ok());
  CHECK_FALSE(parse_expiry_line("まで有効").ok());

  auto code = parse_security_code("2 2 8 5");
  REQUIRE(code.ok());
  CHECK(*code == "2285");
  CHECK(*parse_security_code("0O12") == "0012");
  CHECK_FALSE(parse_security_code("228").ok());
  CHECK_FALSE(parse_security_code("22851").ok());
  CHECK_FALSE(parse_security_code("").ok());
}

TEST_CASE("normalising OCR text tolerates broken UTF-8", "[card][ocr]") {
  std::string broken = "昭和\xE6\x98";
  CHECK_FALSE(parse_birth_line(broken).ok());
  CHECK_FALSE(parse_security_code("\xFF\xFE").ok());
}

TEST_CASE("the month and day of either date line", "[card][ocr]") {
  using MD = std::pair<int, int>;
  CHECK(month_day("昭和55年 2月17日生") == MD{2, 17});
  CHECK(month_day("2035年 2月17日まで有効") == MD{2, 17});
  CHECK(month_day("令和元年 5月 1日生 性別女") == MD{5, 1});
  CHECK(month_day("２０３５年１２月２５日まで有効") == MD{12, 25});
  // A digit lost or one too many is no month and day.
  CHECK_FALSE(month_day("2035年 2月日まで有効"));
  CHECK_FALSE(month_day("2035年 月17日まで有効"));
  CHECK_FALSE(month_day("2035年 2月175日まで有効"));
  CHECK_FALSE(month_day("2035年 123月17日まで有効"));
  CHECK_FALSE(month_day("2026年19月17日まで有効"));  // a condensed 10月
  CHECK_FALSE(month_day("2026年1月32日まで有効"));
  CHECK_FALSE(month_day("2026年0月1日まで有効"));
  CHECK_FALSE(month_day(""));
}
