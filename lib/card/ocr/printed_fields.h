// Reading the three printed fields of 照合番号B off the upright, rectified card:
// the birth date (the line that ends in 生), the expiry year (the line with まで有効)
// and the security code (four digits below the photo). Lines are cut out by their
// ink and told apart by what OCR reads in them, so a layout shifted by a few mm (as
// real cards are) still reads.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "card/japanese_date.h"
#include "card/ocr/gray.h"
#include "card/ocr/text_lines.h"
#include "card/ocr/text_reader.h"
#include "core/result.h"

namespace caora::card {

// The rectified card's scale: about 300 dpi, where Tesseract reads 3 mm print best.
inline constexpr double kPxPerMm = 12.0;

struct FieldReading {
  std::string text;              // what OCR read on the line taken for this field
  double confidence = 0;         // Tesseract's, 0..100
  std::optional<Box> where;      // the line, in rectified-card pixels
  std::optional<Error> error;    // why the field has no value
  int lines_tried = 0;
  double ms = 0;
};

struct PrintedFields {
  FieldReading birth, expiry, code;
  std::optional<JapaneseDate> birth_date;
  std::optional<int> expiry_year;
  std::optional<std::string> security_code;
};

PrintedFields read_printed_fields(TextReader& reader, const GrayImage& card);

// How much of the photo's place (right, top) is covered by a dark, filled block, as a
// share of it; the same place on the card turned by 180 degrees holds sparse text.
double photo_block_score(const GrayImage& card);

}  // namespace caora::card
