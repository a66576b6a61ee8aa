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
// Below this confidence (the best of the readings that agree) a value is not used: a
// wrong 照合番号B costs one of the card's ten tries, an unread one only a retake. Two
// models agreeing is the main guard; on generated cards (bench/card.sh, 1120 cards)
// values read right came at 48 and up, the one wrong value two models agreed on at 0.
inline constexpr double kMinConfidence = 40;

struct FieldReading {
  std::string text;              // what OCR read on the line taken for this field
  double confidence = 0;         // Tesseract's, 0..100
  std::optional<Box> where;      // the line, in rectified-card pixels
  std::optional<Error> error;    // why the field has no value
  int lines_tried = 0;
  int agreeing = 0;   // how many of them gave the value taken (or the commonest)
  struct Vote {
    std::string model;  // jpn, Japanese (script) or digits
    std::string text;
  };
  std::vector<Vote> votes;  // every reading, in order
  std::vector<std::string> other_lines;  // what was read on lines not taken for it
  double ms = 0;
};

struct PrintedFields {
  FieldReading birth, expiry, code;
  std::optional<JapaneseDate> birth_date;
  std::optional<int> expiry_year;
  std::optional<std::string> security_code;
};

// `card` is what OCR reads (the paper's shade divided out); `lines` the same lightly
// blurred, where lines of print are looked for.
PrintedFields read_printed_fields(TextReader& reader, const GrayImage& card, const GrayImage& lines);

// The photo's place (right, top) on a card rectified at px_per_mm with the paper's
// shade divided out: `filled` is the share of its rows mostly covered by something
// that is not paper (a photo fills them; the same place on the card turned by 180
// degrees holds sparse text); `tone` the share of that cover in mid tones (a photo is
// continuous tone; the QR code on the card's back is black and white).
struct PhotoBlock {
  double filled = 0;
  double tone = 0;
};
PhotoBlock photo_block(const GrayImage& card, double px_per_mm);

}  // namespace caora::card
