// What Tesseract hands back for a line of the card face, turned into the fields of
// 照合番号B: any bytes (broken UTF-8, stray digits, lookalikes) must give a value or
// an error, never a crash, and whatever parses must be a real value.
#include <cstdint>
#include <string>

#include "card/ocr/card_fields.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)caora::card::normalise_ocr(text);
  (void)caora::card::looks_like_birth_line(text);
  (void)caora::card::looks_like_expiry_line(text);
  if (auto d = caora::card::parse_birth_line(text)) {
    // A parsed birth date is a real day of its era.
    if (!caora::make_japanese_date(d->era, d->year, d->month, d->day).ok()) __builtin_trap();
  }
  if (auto y = caora::card::parse_expiry_line(text)) {
    if (*y < 0 || *y > 9999) __builtin_trap();
  }
  if (auto md = caora::card::month_day(text)) {
    if (md->first < 1 || md->first > 12 || md->second < 1 || md->second > 31) __builtin_trap();
  }
  if (auto c = caora::card::parse_security_code(text)) {
    if (c->size() != 4 || c->find_first_not_of("0123456789") != std::string::npos) __builtin_trap();
  }
  return 0;
}
