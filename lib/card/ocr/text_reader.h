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

// Where the trained data is looked for: CAORA_TESSDATA_DIR, TESSDATA_PREFIX, then
// Debian's and other usual folders. The folder must hold jpn.traineddata and
// eng.traineddata (Debian: tesseract-ocr-jpn, tesseract-ocr-eng).
Expected<std::string> find_tessdata_dir(const std::optional<std::string>& override_dir = std::nullopt);

class TextReader {
 public:
  static Expected<TextReader> open(const std::string& tessdata_dir);
  TextReader(TextReader&&) noexcept;
  TextReader& operator=(TextReader&&) noexcept;
  ~TextReader();

  // Two Japanese instances, so that two lines can be read at once on two threads
  // (one instance must never be used by two threads at a time).
  ReadLine japanese_line(const GrayImage& line, int instance = 0);
  ReadLine digit_line(const GrayImage& line);

 private:
  TextReader();
  std::unique_ptr<tesseract::TessBaseAPI> jpn_[2], digits_;
};

}  // namespace caora::card
