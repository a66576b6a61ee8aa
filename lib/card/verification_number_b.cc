#include "card/verification_number_b.h"

namespace caora {

Expected<VerificationNumberB> VerificationNumberB::make(const JapaneseDate& birth, int expiry_year, const std::string& code) {
  if (expiry_year < 2015 || expiry_year > 2199)
    return make_error(ErrorKind::Parse, "有効期限の年 " + std::to_string(expiry_year) + " は範囲外です",
                      "expiry year " + std::to_string(expiry_year) + " is out of range");
  if (expiry_year <= birth.gregorian().year)
    return make_error(ErrorKind::Parse, "有効期限が生年月日より前です", "the expiry year is not after the birth date");
  if (code.size() != 4 || code.find_first_not_of("0123456789") != std::string::npos)
    return make_error(ErrorKind::Parse, "セキュリティコードは4桁の数字です: " + code, "the security code is four digits: " + code);
  VerificationNumberB v;
  v.digits_ = birth.yymmdd() + std::to_string(expiry_year) + code;
  return v;
}

}  // namespace caora
