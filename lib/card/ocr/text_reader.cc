#include "card/ocr/text_reader.h"

#include <cstdlib>
#include <filesystem>
#include <future>
#include <vector>

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include "core/helper_exec.h"

namespace caora::card {

namespace {

bool has_data(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const char* name : {"jpn.traineddata", "Japanese.traineddata", "eng.traineddata"})
    if (!std::filesystem::is_regular_file(dir / name, ec)) return false;
  return true;
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
  // Beside the executable: the Windows build ships Debian's data in a folder next to
  // caora-selftest.exe.
  if (auto self = this_executable()) tried.push_back(self->parent_path() / "tessdata");
  for (const char* d : {"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                        "/usr/share/tessdata", "/usr/local/share/tessdata"})
    tried.push_back(d);
  for (const auto& dir : tried)
    if (has_data(dir)) return dir.u8string();
  return make_error(ErrorKind::NotFound,
                    "Tesseract の学習データ（jpn.traineddata、Japanese.traineddata、eng.traineddata）が見つかりません。"
                    "Debian では tesseract-ocr-jpn、tesseract-ocr-script-jpan、tesseract-ocr-eng を入れるか、"
                    "CAORA_TESSDATA_DIR で場所を指定してください",
                    "Tesseract's trained data (jpn.traineddata, Japanese.traineddata and eng.traineddata) was not found. "
                    "On Debian install tesseract-ocr-jpn, tesseract-ocr-script-jpan and tesseract-ocr-eng, or name the "
                    "folder in CAORA_TESSDATA_DIR");
}

TextReader::TextReader() = default;
TextReader::TextReader(TextReader&&) noexcept = default;
TextReader& TextReader::operator=(TextReader&&) noexcept = default;
TextReader::~TextReader() {
  for (auto& model : models_)
    for (auto& api : model)
      if (api) api->End();
}

Expected<TextReader> TextReader::open(const std::string& dir) {
  TextReader r;
  // No dictionaries (the lines are dates and numbers, not words; and loading them is
  // a good part of Init's time). The LSTM engine only: the legacy one is slower.
  std::vector<std::string> names = {"load_system_dawg", "load_freq_dawg"}, values = {"0", "0"};
  const char* languages[kOcrModels] = {"jpn", "Japanese", "eng"};
  // Loading the six instances is most of a run's start-up: two threads load them.
  auto load = [&](int m, int k) {
    auto& api = r.models_[m][k];
    api = std::make_unique<tesseract::TessBaseAPI>();
    if (api->Init(dir.c_str(), languages[m], tesseract::OEM_LSTM_ONLY, nullptr, 0, &names, &values, false) != 0)
      return false;
    api->SetPageSegMode(tesseract::PSM_SINGLE_LINE);
    if (OcrModel(m) == OcrModel::Digits) api->SetVariable("tessedit_char_whitelist", "0123456789");
    return true;
  };
  bool loaded[kOcrModels][2] = {};
  auto second = std::async(std::launch::async, [&] {
    for (int m = 0; m < kOcrModels; ++m) loaded[m][1] = load(m, 1);
  });
  for (int m = 0; m < kOcrModels; ++m) loaded[m][0] = load(m, 0);
  second.get();
  for (int m = 0; m < kOcrModels; ++m)
    if (!loaded[m][0] || !loaded[m][1])
      return make_error(ErrorKind::NotFound, std::string("Tesseract の ") + languages[m] + " データを " + dir + " から読み込めません",
                        std::string("cannot load Tesseract's ") + languages[m] + " data from " + dir);
  return r;
}

ReadLine TextReader::read_line(OcrModel model, const GrayImage& line, int instance) {
  return recognise(*models_[int(model)][instance & 1], line);
}

}  // namespace caora::card
