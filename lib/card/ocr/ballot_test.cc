#include "card/ocr/ballot.h"

#include <catch2/catch.hpp>

#include "card/ocr/card_fields.h"

using namespace caora;
using namespace caora::card;

namespace {

ReadLine line(const std::string& text, double confidence = 90) {
  ReadLine l;
  l.text = text;
  l.confidence = confidence;
  return l;
}

void code(Ballot<std::string>& b, OcrModel model, const std::string& text) {
  b.add(line(text), parse_security_code(text), model);
}

void birth(Ballot<JapaneseDate>& b, OcrModel model, const std::string& text) {
  b.add(line(text), parse_birth_line(text), model);
}

}  // namespace

TEST_CASE("a value is taken when two models read it alike", "[card][ocr][ballot]") {
  Ballot<std::string> b;
  code(b, OcrModel::Digits, "7767");
  CHECK(b.agreed() == nullptr);  // one reading
  code(b, OcrModel::Digits, "7767");
  CHECK(b.agreed() == nullptr);  // twice, but by one model: its own misreading repeats
  code(b, OcrModel::Japanese, "7767");
  REQUIRE(b.agreed() != nullptr);
  CHECK(*b.agreed()->value == "7767");
  CHECK(b.agreed(3) != nullptr);
  CHECK(b.agreed(4) == nullptr);
}

TEST_CASE("a tie between two values takes neither", "[card][ocr][ballot]") {
  // The digit model's 7167 against jpn's 7767, each read twice.
  Ballot<std::string> b;
  code(b, OcrModel::Digits, "7167");
  code(b, OcrModel::Japanese, "7767");
  code(b, OcrModel::Digits, "7167");
  code(b, OcrModel::JapaneseScript, "7767");
  CHECK(b.agreed() == nullptr);
  int n = 0, runner_up = 0;
  REQUIRE(b.leader(&n, &runner_up) != nullptr);
  CHECK(n == 2);
  CHECK(runner_up == 2);
  code(b, OcrModel::Japanese, "7767");
  REQUIRE(b.agreed() != nullptr);
  CHECK(*b.agreed()->value == "7767");
}

TEST_CASE("readings that parse to nothing count for no value", "[card][ocr][ballot]") {
  // Every reading failed the same way (a date that does not exist, read alike each
  // time): that failure is the reason, reported as invalid.
  Ballot<JapaneseDate> dates;
  for (OcrModel m : {OcrModel::Japanese, OcrModel::JapaneseScript})
    birth(dates, m, "昭和40年19月17日生");
  CHECK(dates.agreed() == nullptr);
  CHECK(dates.why_not().kind == ErrorKind::Parse);
  CHECK(dates.why_not().message.en.find("month") != std::string::npos);

  Ballot<std::string> b;
  code(b, OcrModel::Digits, "137");
  code(b, OcrModel::Japanese, "81");
  CHECK(b.agreed() == nullptr);
  CHECK(b.why_not().kind == ErrorKind::NotFound);  // failed, but not alike
  code(b, OcrModel::Japanese, "8137");
  code(b, OcrModel::Digits, "3137");
  CHECK(b.agreed() == nullptr);
  CHECK(b.why_not().kind == ErrorKind::NotFound);
  CHECK(b.why_not().message.en.find("'8137'") != std::string::npos);
}

TEST_CASE("another line's witness stands in for a second model", "[card][ocr][ballot]") {
  Ballot<JapaneseDate> b;
  // 令和3年9月10日: jpn read 16日 and 1日, the script model 10日 three times.
  birth(b, OcrModel::Japanese, "令和3年9月16日生");
  birth(b, OcrModel::JapaneseScript, "令和3年9月10日生");
  birth(b, OcrModel::Japanese, "令和3年9月16日生");
  birth(b, OcrModel::JapaneseScript, "令和3年9月10日生");
  birth(b, OcrModel::JapaneseScript, "令和3年9月10日生");
  CHECK(b.agreed() == nullptr);  // 10日 was read by one model only
  auto expiry_says = [](int month, int day) {
    return [=](const JapaneseDate& d) { return d.month == month && d.day == day; };
  };
  const auto* v = b.confirmed(expiry_says(9, 10));
  REQUIRE(v != nullptr);
  CHECK(v->value->day == 10);
  // A witness for the less common value is not enough.
  birth(b, OcrModel::Japanese, "令和3年9月16日生");
  birth(b, OcrModel::Japanese, "令和3年9月16日生");
  CHECK(b.confirmed(expiry_says(9, 10)) == nullptr);
  // Nor is a value read once.
  Ballot<JapaneseDate> once;
  birth(once, OcrModel::Japanese, "令和3年9月10日生");
  CHECK(once.confirmed(expiry_says(9, 10)) == nullptr);
}

TEST_CASE("a third model stands against a misreading two models share", "[card][ocr][ballot]") {
  // Both Japanese models took 11月 for 1月; the digit model, on the digits alone, read 11.
  Ballot<JapaneseDate> b;
  birth(b, OcrModel::Japanese, "大正13年1月26日生");
  birth(b, OcrModel::JapaneseScript, "大正13年1月26日生");
  REQUIRE(b.agreed() != nullptr);
  const JapaneseDate shared = *b.agreed()->value;
  birth(b, OcrModel::Digits, "大正13年11月26日生");
  CHECK(b.contradiction(shared, OcrModel::Digits) == nullptr);  // once may be its own slip
  birth(b, OcrModel::Digits, "大正13年11月26日生");
  const auto* against = b.contradiction(shared, OcrModel::Digits);
  REQUIRE(against != nullptr);
  CHECK(against->value->month == 11);
  // Once it reads the shared value as often, it no longer stands against it.
  birth(b, OcrModel::Digits, "大正13年1月26日生");
  birth(b, OcrModel::Digits, "大正13年1月26日生");
  CHECK(b.contradiction(shared, OcrModel::Digits) == nullptr);
  // The other models' readings are no contradiction of their own.
  CHECK(b.contradiction(shared, OcrModel::Japanese) == nullptr);
}

TEST_CASE("which model read a value", "[card][ocr][ballot]") {
  // A blurred 3 that both Japanese models read as 5; the digit model read three digits.
  Ballot<std::string> b;
  code(b, OcrModel::Japanese, "5711");
  code(b, OcrModel::JapaneseScript, "5711");
  code(b, OcrModel::Digits, "711");
  REQUIRE(b.agreed() != nullptr);
  CHECK_FALSE(b.read_by("5711", OcrModel::Digits));
  CHECK(b.read_by("5711", OcrModel::Japanese));
  code(b, OcrModel::Digits, "3711");
  CHECK_FALSE(b.read_by("5711", OcrModel::Digits));
  CHECK(b.read_by("3711", OcrModel::Digits));
}

// 平成22年6月21日 in the third font: jpn dropped a 2, the script model read it right,
// and the digit model read what it was given (`digits`).
static Ballot<JapaneseDate> third_font_card(const std::string& digits) {
  Ballot<JapaneseDate> b;
  birth(b, OcrModel::Japanese, "平成2年 6月21日生");
  birth(b, OcrModel::JapaneseScript, "平成 22 年 6 月 21 日 生");
  birth(b, OcrModel::Digits, digits);
  return b;
}

TEST_CASE("a reading one repeated digit apart from the value stands against it", "[card][ocr][ballot]") {
  // The digit model, given one glyph, dropped the 2 too. Two models agree, the expiry's
  // 6月21日 fits both: without the dissent this was a wrong 照合番号B.
  auto b = third_font_card("平成2年6月21日生");
  const auto* lead = b.agreed();
  REQUIRE(lead != nullptr);
  CHECK(lead->value->year == 2);
  const auto* other = b.doubled_digit_dissent(*lead->value);
  REQUIRE(other != nullptr);
  CHECK(other->value->year == 22);
  // Another misreading is not this: 平成3年 against 平成2年 is left to the vote.
  Ballot<JapaneseDate> c;
  birth(c, OcrModel::Japanese, "平成2年6月21日生");
  birth(c, OcrModel::JapaneseScript, "平成3年6月21日生");
  CHECK(c.doubled_digit_dissent(*c.votes[0].value) == nullptr);
  CHECK(doubled_digit_apart("5555", "555"));
  CHECK(doubled_digit_apart("20621", "220621"));
  CHECK(doubled_digit_apart("220621", "20621"));
  CHECK_FALSE(doubled_digit_apart("20621", "320621"));  // added, not repeated
  CHECK_FALSE(doubled_digit_apart("1234", "1234"));
  CHECK_FALSE(doubled_digit_apart("12", "1233"));
}

TEST_CASE("a dissent the print's glyphs rule out does not hold back the value they allow", "[card][ocr][ballot]") {
  // The digit model given both glyphs before 年 reads 22, and two narrow glyphs stand
  // there, so jpn's 平成2年 is a digit dropped, not a doubt.
  auto b = third_font_card("平成22年6月21日生");
  const auto* lead = b.agreed();
  REQUIRE(lead != nullptr);
  CHECK(lead->value->year == 22);
  auto two_digit_year = [](const JapaneseDate& d) { return d.year >= 10; };
  CHECK(b.doubled_digit_dissent(*lead->value, two_digit_year) == nullptr);
  // Printed with one digit, the dissent stands against 22 ...
  auto one_digit_year = [](const JapaneseDate& d) { return d.year < 10; };
  CHECK(b.doubled_digit_dissent(*lead->value, one_digit_year) != nullptr);
  // ... and where the glyphs could not be told apart, it stands as before.
  CHECK(b.doubled_digit_dissent(*lead->value) != nullptr);
}
