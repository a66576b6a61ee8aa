// Birth dates as OCR reads them off the card face.
#include <cstdint>
#include <string>

#include "card/japanese_date.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto d = caora::parse_japanese_date(std::string(reinterpret_cast<const char*>(data), size));
  if (!d.ok()) return 0;
  // Whatever parses is a real day of its era, and its six digits say so.
  if (d->yymmdd().size() != 6) __builtin_trap();
  auto again = caora::make_japanese_date(d->era, d->year, d->month, d->day);
  if (!again.ok()) __builtin_trap();
  return 0;
}
