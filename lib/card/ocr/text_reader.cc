#include "card/ocr/text_reader.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

namespace caora::card {

namespace {

bool has_data(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::is_regular_file(dir / "jpn.traineddata", ec) &&
         std::filesystem::is_regular_file(dir / "eng.traineddata", ec);
}

ReadLine recognise(tesseract::TessBaseAPI& api, const GrayImage& img) {
  ReadLine out;
  if (img.width < 4 || img.height < 4) return out;
  api.SetImage(img.pixels.data(), img.width, img.height, 1, img.width);
  // The rectified card is 12 px/mm, about 300 dpi: tell Tesseract so that it does not guess.
  api.SetSourceResolution(305);
  std::unique_ptr<char[]> text(api.GetUTF8Text());
  if (text) out.text = text.get();
  while (!out.text.empty() && (out.text.back() == '\n' || out.text.back() == ' ')) out.text.pop_back();
  out.confidence = std::max(0, api.MeanTextConf());
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (it && !it->Empty(tesseract::RIL_SYMBOL)) {
    do {
      std::unique_ptr<char[]> sym(it->GetUTF8Text(tesseract::RIL_SYMBOL));
      int left = 0, top = 0, right = 0, bottom = 0;
      it->BoundingBox(tesseract::RIL_SYMBOL, &left, &top, &right, &bottom);
      if (sym) out.symbols.push_back({sym.get(), it->Confidence(tesseract::RIL_SYMBOL), left, right});
    } while (it->Next(tesseract::RIL_SYMBOL));
  }
  api.Clear();
  return out;
}

}  // namespace

Expected<std::string> find_tessdata_dir(const std::optional<std::string>& override_dir) {
  std::vector<std::filesystem::path> tried;
  if (override_dir) tried.push_back(*override_dir);
  for (const char* var : {"CAORA_TESSDATA_DIR", "TESSDATA_PREFIX"})
    if (const char* v = std::getenv(var); v && *v) {
      tried.push_back(v);
      tried.push_back(std::filesystem::path(v) / "tessdata");
    }
  for (const char* d : {"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                        "/usr/share/tessdata", "/usr/local/share/tessdata"})
    tried.push_back(d);
  for (const auto& dir : tried)
    if (has_data(dir)) return dir.string();
  return make_error(ErrorKind::NotFound,
                    "Tesseract の学習データ（jpn.traineddata と eng.traineddata）が見つかりません。"
                    "Debian では tesseract-ocr-jpn と tesseract-ocr-eng を入れるか、CAORA_TESSDATA_DIR で場所を指定してください",
                    "Tesseract's trained data (jpn.traineddata and eng.traineddata) was not found. On Debian install "
                    "tesseract-ocr-jpn and tesseract-ocr-eng, or name the folder in CAORA_TESSDATA_DIR");
}

TextReader::TextReader() = default;
TextReader::TextReader(TextReader&&) noexcept = default;
TextReader& TextReader::operator=(TextReader&&) noexcept = default;
TextReader::~TextReader() {
  for (auto& api : jpn_)
    if (api) api->End();
  if (digits_) digits_->End();
}

Expected<TextReader> TextReader::open(const std::string& dir) {
  TextReader r;
  r.digits_ = std::make_unique<tesseract::TessBaseAPI>();
  auto fail = [&](const char* lang) {
    return make_error(ErrorKind::NotFound, std::string("Tesseract の ") + lang + " データを " + dir + " から読み込めません",
                      std::string("cannot load Tesseract's ") + lang + " data from " + dir);
  };
  // No dictionaries (the lines are dates and numbers, not words; and loading them is
  // a good part of Init's time). The LSTM engine only: the legacy one is slower.
  std::vector<std::string> names = {"load_system_dawg", "load_freq_dawg"}, values = {"0", "0"};
  for (auto& api : r.jpn_) {
    api = std::make_unique<tesseract::TessBaseAPI>();
    if (api->Init(dir.c_str(), "jpn", tesseract::OEM_LSTM_ONLY, nullptr, 0, &names, &values, false) != 0)
      return fail("jpn");
  }
  if (r.digits_->Init(dir.c_str(), "eng", tesseract::OEM_LSTM_ONLY, nullptr, 0, &names, &values, false) != 0)
    return fail("eng");
  for (auto* api : {r.jpn_[0].get(), r.jpn_[1].get(), r.digits_.get()}) api->SetPageSegMode(tesseract::PSM_SINGLE_LINE);
  r.digits_->SetVariable("tessedit_char_whitelist", "0123456789");
  return r;
}

ReadLine TextReader::japanese_line(const GrayImage& line, int instance) { return recognise(*jpn_[instance & 1], line); }
ReadLine TextReader::digit_line(const GrayImage& line) { return recognise(*digits_, line); }

}  // namespace caora::card
