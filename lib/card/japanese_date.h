// Dates as printed on the My Number Card: the birth date in the Japanese era
// (昭和55年 2月17日), as 照合番号B needs it. Eras and their first and last days
// are in CARD.md; the first year of an era (元年) is year 1.
#pragma once

#include <string>

#include "core/result.h"

namespace caora {

enum class Era { Meiji, Taisho, Showa, Heisei, Reiwa };

const char* era_name(Era era);  // 明治 … 令和

struct GregorianDate {
  int year, month, day;
  bool operator<(const GregorianDate& o) const {
    return year != o.year ? year < o.year : month != o.month ? month < o.month : day < o.day;
  }
};

struct JapaneseDate {
  Era era;
  int year;  // 1 = 元年
  int month;
  int day;
  GregorianDate gregorian() const;
  // The six digits of 照合番号B: era year, month, day (昭和55年2月17日 -> "550217").
  std::string yymmdd() const;
};

// Checks the date exists and lies within its era (平成31年5月1日 is an error: that day is 令和元年).
Expected<JapaneseDate> make_japanese_date(Era era, int year, int month, int day);
// Parses what OCR reads off the card: "昭和55年2月17日生", "令和元年 5月 1日", full-width digits,
// spaces anywhere. Text after the day (生) is ignored.
Expected<JapaneseDate> parse_japanese_date(const std::string& text);

// Whether a card expiring on `expiry_month`/`expiry_day` of `expiry_year` expires on
// the birthday of one born on `month`/`day`. The card runs to the holder's birthday; one
// born on 29 February has none in a common year, and the card is taken to run to the
// 28th then (the project's assumption: the vendor's documents do not say).
bool expires_on_birthday(int month, int day, int expiry_year, int expiry_month, int expiry_day);

}  // namespace caora
