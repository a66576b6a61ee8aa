#include "selftest/pipeline.h"

#include <chrono>
#include <cmath>

#include "card/ocr/text_reader.h"
#include "core/fs.h"
#include "core/stopwatch.h"
#include "core/strings.h"
#include "face/weights.h"
#include "image/image_io.h"
#include "image/jp2.h"
#include "selftest/annotate.h"
#include "selftest/chip_photo.h"
#include "selftest/face_report.h"

namespace caora::selftest {
namespace {

using Clock = std::chrono::steady_clock;

Stage skipped(const std::string& name, const Text& why) { return Stage{name, Verdict::Skipped, 0, "", "", why}; }

// The card report's own stage times, split into the pipeline's placement and OCR stages.
std::pair<double, double> card_split(const card::CardSelftestReport& rep) {
  double placement = 0, ocr = 0;
  for (const auto& [name, ms] : rep.timings_ms) {
    if (name == "total" || name.rfind("load", 0) == 0) continue;
    (name.rfind("ocr", 0) == 0 ? ocr : placement) += ms;
  }
  return {placement, ocr};
}

Expected<RgbImage> read_input(const std::string& path) {
  auto img = load_image(path);
  if (!img) {
    Error e = img.error();
    e.kind = ErrorKind::Usage;
    return e;
  }
  return img;
}

Status write_png(const std::string& path, const RgbImage& image) {
  auto png = encode_png(image);
  if (!png) return png.error();
  return write_file_atomic(path, *png);
}

void card_stages(RunReport& rep) {
  const card::CardSelftestReport& c = *rep.card;
  auto [placement_ms, ocr_ms] = card_split(c);
  Stage placement{"placement", Verdict::Pass, placement_ms, "", "", {}};
  Stage ocr{"ocr", c.fields_read ? Verdict::Pass : Verdict::Skipped, ocr_ms, "", "", {}};
  Stage number{"verification_number_b", c.number ? Verdict::Pass : Verdict::Fail, 0, "", "", {}};
  for (const auto& f : c.findings) {
    Stage& s = f.code == "001" ? placement : f.field == "verification_number_b" ? number : ocr;
    if (s.verdict == Verdict::Fail) continue;  // the first finding says it
    s.verdict = Verdict::Fail;
    s.code = f.code;
    s.recipe = f.recipe;
    s.message = f.what;
  }
  if (placement.verdict == Verdict::Fail && ocr.verdict != Verdict::Fail) {
    ocr.verdict = c.fields_read ? ocr.verdict : Verdict::Skipped;
    if (!c.fields_read) ocr.message = {"カードの置き方のため読んでいません", "not read: the card is not placed right"};
  }
  if (!c.number && number.code.empty()) {
    number.code = "101";
    number.recipe = "error-101";
    number.message = c.number_error ? c.number_error->message
                                    : Text{"券面から照合番号Bが作れません", "no verification number B from the card face"};
  }
  rep.stages.push_back(placement);
  rep.stages.push_back(ocr);
  rep.stages.push_back(number);
}

void chip_stage(RunReport& rep) {
  const ChipStageResult& chip = *rep.chip;
  double ms = chip.timings_ms.empty() ? 0 : chip.timings_ms.back().second;
  bool ok = chip.status == ChipStatus::Ok && !chip.photo.error;
  Stage s{"chip", ok ? Verdict::Pass : Verdict::Fail, ms, ok ? "" : chip.error_code, ok ? "" : chip.recipe, {}};
  if (!ok) s.message = chip.photo.error && chip.status == ChipStatus::Ok ? *chip.photo.error : chip.message;
  rep.no_reader = chip.status == ChipStatus::NoReader;
  rep.stages.push_back(s);
}

}  // namespace

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Pass: return "pass";
    case Verdict::Fail: return "fail";
    case Verdict::Skipped: return "skipped";
  }
  return "skipped";
}

Status Pipeline::ensure_card(RunReport& rep) {
  if (card_) return ok_status();
  auto t = Clock::now();
  auto dir = card::find_tessdata_dir();
  if (!dir) return dir.error();
  auto opened = card::CardSelftest::open(*dir);
  if (!opened) return opened.error();
  card_ = std::make_shared<card::CardSelftest>(std::move(*opened));
  rep.timings_ms.push_back({"load_ocr", ms_since(t)});
  return ok_status();
}

Pipeline::FaceLoad Pipeline::load_face_models(const std::optional<std::string>& models_dir, const std::string& cache_dir) {
  auto t = Clock::now();
  auto dir = models_dir ? Expected<std::string>(*models_dir) : face::find_models_dir();
  if (!dir) return {dir.error(), ms_since(t)};
  auto models = face::FaceSelftest::load(*dir, cache_dir);
  return {std::move(models), ms_since(t)};
}

void Pipeline::start_face_load() {
  if (face_ || face_loading_.valid()) return;
  face_loading_ = std::async(std::launch::async,
                             [models_dir = models_dir_, cache_dir = cache_dir_] { return load_face_models(models_dir, cache_dir); });
}

Status Pipeline::ensure_face(RunReport& rep) {
  if (face_) return ok_status();
  auto t = Clock::now();
  // The load started beside the card stage (what is left of it is waited for), else one here.
  FaceLoad load = face_loading_.valid() ? face_loading_.get() : load_face_models(models_dir_, cache_dir_);
  // A load that failed is not kept: the next run that needs the models tries again.
  if (!load.models) return load.models.error();
  face_ = std::make_shared<face::FaceSelftest>(std::move(*load.models));
  rep.timings_ms.push_back({"load_models", ms_since(t)});
  rep.timings_ms.push_back({"load_models_own", load.ms});
  return ok_status();
}

Expected<RunReport> Pipeline::run(const RunRequest& req) {
  if (!req.card && !req.capture)
    return make_error(ErrorKind::Usage, "--card か --capture（または両方）を指定してください",
                      "give --card, --capture or both");
  if (req.reader && !req.card)
    return make_error(ErrorKind::Usage, "--reader には --card が必要です（照合番号Bは券面から読みます）",
                      "--reader needs --card (the verification number B is read off the card face)");
  if (req.capture && !req.reference && !req.reader)
    return make_error(ErrorKind::Usage, "--capture には照合の相手が必要です: --reader（チップの顔写真）か --reference",
                      "--capture needs something to match against: --reader (the chip's photo) or --reference");
  if (!(req.threshold > 0 && req.threshold < 2))
    return make_error(ErrorKind::Usage, "--threshold は 0 より大きく 2 より小さい値にしてください",
                      "--threshold must be between 0 and 2");
  if (req.annotate_dir) {
    std::error_code ec;
    if (!fs::is_directory(*req.annotate_dir, ec))
      return make_error(ErrorKind::Usage, "--annotate のフォルダがありません: " + *req.annotate_dir,
                        "--annotate: no such folder: " + *req.annotate_dir);
  }
  auto start = Clock::now();
  RunReport rep;
  rep.request = req;
  // The inputs first, so that a mistake is told before a VERIFY is spent.
  std::optional<RgbImage> capture, reference;
  if (req.capture) {
    auto img = read_input(*req.capture);
    if (!img) return img.error();
    capture = std::move(*img);
  }
  if (req.capture && req.reference) {
    auto img = read_input(*req.reference);
    if (!img) return img.error();
    reference = std::move(*img);
    rep.reference_source = "file";
  }
  // Both halves to run: the face models load while the card is read.
  if (req.card && capture) start_face_load();
  if (req.card) {
    if (auto s = ensure_card(rep); !s) return s.error();
    auto card = card_->run(*req.card);
    if (!card) return card.error();
    rep.card = std::move(*card);
    card_stages(rep);
    if (req.annotate_dir && rep.card->placement) {
      // The frame as seen, for the report: the card's outline on it.
      auto frame = load_image(*req.card);
      if (frame) {
        std::vector<face::Verdict> lines;
        for (const auto& s : rep.stages)
          lines.push_back({s.name + " " + verdict_name(s.verdict) + (s.code.empty() ? "" : " " + s.code),
                           s.verdict != Verdict::Fail});
        std::string path = (fs::path(*req.annotate_dir) / "card.png").string();
        if (auto w = write_png(path, face::annotate(*frame, nullptr, lines)); !w) return w.error();
        rep.annotated.push_back(path);
      }
    }
  }
  if (req.reader) {
    if (rep.card && rep.card->number) {
      rep.chip = card::run_chip_with_photo(*req.reader, *rep.card->number, req.force, std::nullopt);
      chip_stage(rep);
      if (!reference && !rep.chip->photo.jp2.empty() && !rep.chip->photo.error) {
        auto photo = decode_jpeg2000(rep.chip->photo.jp2);
        if (photo) {
          reference = std::move(*photo);
          rep.reference_source = "chip";
          if (req.annotate_dir) {
            std::string path = (fs::path(*req.annotate_dir) / "chip-photo.png").string();
            if (auto w = write_png(path, *reference); !w) return w.error();
            rep.annotated.push_back(path);
          }
        }
      }
    } else {
      rep.stages.push_back(skipped("chip", {"照合番号Bが券面から読めなかったため、チップは読んでいません",
                                            "the chip was not read: no verification number B was read off the card face"}));
    }
  }
  if (capture) {
    if (!reference) {
      rep.stages.push_back(skipped("capture_quality", {"照合の相手（チップの顔写真）がありません",
                                                       "nothing to match against (no photo from the chip)"}));
      rep.stages.push_back(skipped("match", {"照合の相手がありません", "nothing to match against"}));
    } else {
      if (auto s = ensure_face(rep); !s) return s.error();
      rep.face = face_->run(*capture, *reference, req.threshold);
      const face::FaceSelftestResult& f = *rep.face;
      rep.face_findings = face::quality_findings(f.probe);
      double quality_ms = 0, match_ms = 0;
      for (const auto& [name, ms] : f.timings_ms)
        (name == "detect_probe" || name == "quality" ? quality_ms : match_ms) += ms;
      Stage quality{"capture_quality", rep.face_findings.empty() ? Verdict::Pass : Verdict::Fail, quality_ms, "", "", {}};
      if (!rep.face_findings.empty()) {
        quality.recipe = "qa-24";
        quality.message = rep.face_findings.front().what;
      }
      Stage match{"match", f.match ? Verdict::Pass : Verdict::Fail, match_ms, "", "", {}};
      if (!f.match) {
        match.recipe = "qa-24";
        match.message = f.distance ? Text{"別人と判定（距離 " + fixed(*f.distance, 3) + "）",
                                          "not the same person (distance " + fixed(*f.distance, 3) + ")"}
                        : f.reference_face_found ? Text{"撮影画像に顔がありません", "no face in the capture"}
                                                 : Text{"参照画像に顔がありません", "no face in the reference"};
      }
      rep.stages.push_back(quality);
      rep.stages.push_back(match);
      if (req.annotate_dir) {
        std::string path = (fs::path(*req.annotate_dir) / "face.png").string();
        auto drawn = face::annotate(*capture, f.probe_face ? &*f.probe_face : nullptr,
                                    face::face_selftest_verdicts(f, rep.face_findings));
        if (auto w = write_png(path, drawn); !w) return w.error();
        rep.annotated.push_back(path);
      }
    }
  }
  rep.passed = true;
  for (const auto& s : rep.stages) {
    rep.timings_ms.push_back({s.name, s.ms});
    if (s.verdict == Verdict::Fail) rep.passed = false;
    // A stage skipped because one before it failed is not a pass either.
    if (s.verdict == Verdict::Skipped) rep.passed = false;
  }
  rep.timings_ms.push_back({"total", ms_since(start)});
  return rep;
}

nlohmann::json run_json(const RunReport& rep) {
  nlohmann::json stages = nlohmann::json::array();
  const Stage* first_fail = nullptr;
  for (const auto& s : rep.stages) {
    nlohmann::json j = {{"stage", s.name}, {"verdict", verdict_name(s.verdict)}, {"ms", std::round(s.ms * 10) / 10}};
    j["code"] = s.code.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.code);
    j["recipe"] = s.recipe.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.recipe);
    if (!s.message.en.empty()) j["message"] = {{"ja", s.message.ja}, {"en", s.message.en}};
    if (s.verdict == Verdict::Fail && !first_fail) first_fail = &s;
    stages.push_back(j);
  }
  nlohmann::json timings = nlohmann::json::object();
  for (const auto& [name, ms] : rep.timings_ms) timings[name] = std::round(ms * 10) / 10;
  nlohmann::json inputs = nlohmann::json::object();
  auto put = [&inputs](const char* k, const std::optional<std::string>& v) {
    if (v) inputs[k] = *v;
  };
  put("card", rep.request.card);
  put("reader", rep.request.reader);
  put("capture", rep.request.capture);
  put("reference", rep.request.reference);
  nlohmann::json decision = {{"passed", rep.passed},
                             {"code", first_fail && !first_fail->code.empty() ? nlohmann::json(first_fail->code)
                                                                               : nlohmann::json(nullptr)},
                             {"recipe", first_fail ? nlohmann::json(first_fail->recipe) : nlohmann::json(nullptr)}};
  nlohmann::json doc = {{"schema", "caora.selftest/1"},
                        {"inputs", inputs},
                        {"stages", stages},
                        {"decision", decision},
                        {"verification_number_b", rep.card && rep.card->number ? nlohmann::json(rep.card->number->digits())
                                                                                : nlohmann::json(nullptr)},
                        {"reference_source", rep.reference_source.empty() ? nlohmann::json(nullptr)
                                                                          : nlohmann::json(rep.reference_source)},
                        {"timings_ms", timings}};
  if (rep.card) doc["card"] = card::card_selftest_json(*rep.card);
  if (rep.chip) doc["chip"] = chip_stage_json(*rep.chip);
  if (rep.face) {
    const auto& f = *rep.face;
    const auto& q = f.probe;
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& x : rep.face_findings) findings.push_back(x.id);
    doc["face"] = {{"distance", f.distance ? nlohmann::json(*f.distance) : nlohmann::json(nullptr)},
                   {"match", f.match},
                   {"threshold", f.threshold},
                   {"reference_face_found", f.reference_face_found},
                   {"quality", {{"face_found", q.face_found}, {"too_small", q.too_small.value_or(false)},
                                {"too_large", q.too_large.value_or(false)}, {"off_center", q.off_center.value_or(false)},
                                {"tilted", q.tilted.value_or(false)}, {"eyes_occluded", q.eyes_occluded.value_or(false)},
                                {"backlit", q.backlit.value_or(false)}, {"dark", q.dark.value_or(false)},
                                {"masked", q.masked.value_or(false)}}},
                   {"findings", findings}};
  }
  if (!rep.annotated.empty()) doc["annotated"] = rep.annotated;
  return doc;
}

namespace {
std::string render(const RunReport& rep, Lang lang) {
  const bool ja = lang == Lang::Ja;
  std::string out = ja ? "自己診断（カード → チップ → 顔）:\n" : "self-test (card → chip → face):\n";
  for (const auto& s : rep.stages) {
    const char* mark = s.verdict == Verdict::Pass ? "  ✓ " : s.verdict == Verdict::Fail ? "  ✗ " : "  - ";
    out += mark + s.name + " (" + fixed(s.ms, 0) + " ms)";
    if (!s.code.empty() || !s.recipe.empty())
      out += std::string(" → ") + (s.code.empty() ? "" : s.code + " ") + "[" + s.recipe + "]";
    if (!s.message.en.empty()) out += ": " + s.message.in(lang);
    out += "\n";
  }
  if (rep.card && rep.card->number) out += (ja ? "  照合番号B: " : "  verification number B: ") + rep.card->number->digits() + "\n";
  out += rep.passed ? (ja ? "判定: 合格\n" : "decision: pass\n") : (ja ? "判定: 不合格\n" : "decision: fail\n");
  out += ja ? "  時間:" : "  timings:";
  for (size_t i = 0; i < rep.timings_ms.size(); ++i)
    out += std::string(i ? ", " : " ") + rep.timings_ms[i].first + " " + fixed(rep.timings_ms[i].second, 0) + " ms";
  return out + "\n";
}
}  // namespace

Text run_text(const RunReport& report) { return Text{render(report, Lang::Ja), render(report, Lang::En)}; }

}  // namespace caora::selftest
