// The card-face half of `caora selftest card IMAGE`: the stages from the slot camera's
// frame to 照合番号B, each timed, and the report in text and as caora.selftest.card/1.
//
//   read → decode → find the card → rectify → orientation → placement (error 001's
//   rules) → OCR of the birth date, the expiry year, the security code (error 101
//   when one cannot be read) → 照合番号B, validated.
//
// The chip stage (lib/card/chip_stage.h) runs after this one when a reader is named:
// it needs the 照合番号B found here. The command adds its object and lines to the report.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "card/ocr/card_finder.h"
#include "card/ocr/placement.h"
#include "card/ocr/printed_fields.h"
#include "card/ocr/text_reader.h"
#include "card/verification_number_b.h"
#include "core/result.h"
#include "core/text.h"

namespace caora::card {

// Something wrong with the card or its placement, in the vendor's terms.
struct Finding {
  std::string id;      // card-not-found, card-not-vertical, card-face-down, …, field-unreadable, field-invalid
  std::string code;    // the vendor's error code: "001" or "101"
  std::string recipe;  // "error-001"; `caora diagnose 001` walks through it
  std::string cause;   // the recipe's cause, when the vendor lists this one; else empty
  std::string field;   // for 101: birth_date, expiry_year, security_code or verification_number_b
  Text what;
  Text advice;
};

struct CardSelftestReport {
  std::string image;
  long frame_width = 0, frame_height = 0;
  std::optional<CardOutline> outline;  // quad oriented: [0] is the card's top-left
  NoCard no_card;                      // the measures when no card was accepted
  double photo_score = 0, photo_tone = 0, photo_score_turned = 0;
  bool orientation_from_text = false;  // the photo block was overruled by reading the card turned round
  std::optional<Placement> placement;
  bool fields_read = false;  // OCR ran (not when the card is missing or face down)
  PrintedFields fields;
  std::optional<VerificationNumberB> number;
  std::optional<Error> number_error;
  std::vector<Finding> findings;
  std::vector<std::pair<std::string, double>> timings_ms;
};

class CardSelftest {
 public:
  // Loads Tesseract (once per run): about 0.2 s.
  static Expected<CardSelftest> open(const std::string& tessdata_dir);
  // An image that cannot be used (missing, not an image, truncated, too large) is a
  // Usage error; everything about the card itself is in the report.
  Expected<CardSelftestReport> run(const std::string& image_path);

 private:
  explicit CardSelftest(TextReader reader) : reader_(std::move(reader)) {}
  TextReader reader_;
};

nlohmann::json card_selftest_json(const CardSelftestReport& report);
Text card_selftest_text(const CardSelftestReport& report);

}  // namespace caora::card
