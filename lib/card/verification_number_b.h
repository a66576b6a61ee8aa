// 照合番号B: the 14 ASCII digits that open the card-face confirmation AP —
// birth date in the Japanese era (YYMMDD) + expiry year (Gregorian YYYY) +
// security code (NNNN). 昭和55年2月17日, 2035, 2285 -> "55021720352285".
#pragma once

#include <string>

#include "card/japanese_date.h"

namespace caora {

class VerificationNumberB {
 public:
  // An expiry before the birth year, or a code that is not four digits, is an error.
  static Expected<VerificationNumberB> make(const JapaneseDate& birth, int expiry_year, const std::string& security_code);
  const std::string& digits() const { return digits_; }

 private:
  std::string digits_;
};

}  // namespace caora
