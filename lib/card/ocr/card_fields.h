// What OCR reads off the card face, turned into the fields of 照合番号B. Pure text
// handling (no images), so it is unit-tested and fuzzed on its own.
//
// The lines are told apart by their content, not their position: the birth-date line
// ends in 生 (昭和55年 2月17日生), the expiry line ends in まで有効
// (2035年 2月17日まで有効), the security code is four digits on its own.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "card/japanese_date.h"
#include "core/result.h"

namespace caora::card {

// Full-width digits and letters to ASCII, blanks removed, and the misreadings Tesseract
// makes on this print fixed where the context is unambiguous (曰 for 日, O for 0 between digits …).
std::string normalise_ocr(const std::string& text);

bool looks_like_birth_line(const std::string& text);
bool looks_like_expiry_line(const std::string& text);

// 昭和55年 2月17日生 -> 昭和55年2月17日; 元年 is year 1. The date is validated: a year past
// the era's end or 2月30日 is an error saying so.
Expected<JapaneseDate> parse_birth_line(const std::string& text);
// The month and day of a date line (…M月D日…), either line; nothing when not both
// read, or when they are no month and day of any calendar (19月, 32日).
std::optional<std::pair<int, int>> month_day(const std::string& text);
// 2035年 2月17日まで有効 -> 2035.
Expected<int> parse_expiry_line(const std::string& text);
// Four digits, blanks between them tolerated.
Expected<std::string> parse_security_code(const std::string& text);

}  // namespace caora::card
