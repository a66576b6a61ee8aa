// Tesseract, loaded once per run, reading single text lines cut out of the
// rectified card: Japanese (jpn) for the dates with their era names, English (eng)
// restricted to digits for the security code. The only file that includes Tesseract.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "card/ocr/gray.h"
#include "core/result.h"

namespace tesseract {
class TessBaseAPI;
}

namespace caora::card {

struct ReadLine {
  std::string text;         // UTF-8, as Tesseract read it (trailing newline removed)
  double confidence = 0;    // Tesseract's mean word confidence, 0..100
  struct Symbol {
    std::string text;
    double confidence = 0;
    int x0 = 0, x1 = 0;  // its extent across the line image
  };
  std::vector<Symbol> symbols;  // each character read, with its own confidence
};

// The three recognisers. Each has misreadings of its own on this print, which it
// repeats on every rendering of a line, while two of them seldom share one: so a value
// is trusted when two models read it alike (see printed_fields.cc).
enum class OcrModel {
  Japanese,        // jpn: the language model, era names, dates, digits
  JapaneseScript,  // script/Japanese (Debian: Japanese.traineddata): trained on the script, not the language
  Digits,          // eng restricted to 0-9: the security code, the expiry year's four digits
};
inline constexpr int kOcrModels = 3;

// Where the trained data is looked for: CAORA_TESSDATA_DIR, TESSDATA_PREFIX, then
// Debian's and other usual folders. The folder must hold jpn.traineddata,
// Japanese.traineddata and eng.traineddata (Debian: tesseract-ocr-jpn,
// tesseract-ocr-script-jpan, tesseract-ocr-eng).
Expected<std::string> find_tessdata_dir(const std::optional<std::string>& override_dir = std::nullopt);

class TextReader {
 public:
  static Expected<TextReader> open(const std::string& tessdata_dir);
  TextReader(TextReader&&) noexcept;
  TextReader& operator=(TextReader&&) noexcept;
  ~TextReader();

  // Two instances of each model, so that two lines can be read at once on two
  // threads (one instance must never be used by two threads at a time).
  ReadLine read_line(OcrModel model, const GrayImage& line, int instance);

 private:
  TextReader();
  std::unique_ptr<tesseract::TessBaseAPI> models_[kOcrModels][2];
};

}  // namespace caora::card
