// `caora selftest run`: the card and the face self-tests as one pipeline, in the
// unit's order --
//
//   placement (001) → card-face OCR (101) → 照合番号B (101) → the chip, with a reader
//   (retry counter, VERIFY, the photo: 015 / 001 / 906) → the capture's quality →
//   match against the chip's photo or a reference → decision
//
// Every stage has a verdict, its time and the vendor code and recipe a failure maps
// to; a face that is not usable or does not match is what the unit shows as a face
// timeout (qa-24). The OCR engine and the face models are loaded on first use and
// kept, so a batch loads them once. A run that reads a card and then matches a face
// starts loading the face models on a thread of their own first, so that their load
// (most of a cold run) goes on while the OCR engine loads and reads the card.
#pragma once

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "card/chip_stage.h"
#include "core/result.h"
#include "core/text.h"
#include "selftest/card_selftest.h"
#include "selftest/face_selftest.h"

namespace caora::selftest {

enum class Verdict { Pass, Fail, Skipped };
const char* verdict_name(Verdict v);  // "pass", "fail", "skipped"

struct Stage {
  std::string name;    // placement, ocr, verification_number_b, chip, capture_quality, match
  Verdict verdict = Verdict::Skipped;
  double ms = 0;
  std::string code;    // the vendor's error code a failure maps to ("001", "101", "015", "906"); "" for qa-24
  std::string recipe;  // "error-001", "qa-24"
  Text message;        // why, for a person (empty when passed)
};

struct RunRequest {
  std::optional<std::string> card;       // the slot camera's frame
  std::optional<std::string> reader;     // PC/SC reader name (or its start)
  std::optional<std::string> capture;    // the live face capture
  std::optional<std::string> reference;  // else the chip's photo
  std::optional<std::string> annotate_dir;
  double threshold = face::kMatchThreshold;
  bool force = false;
};

struct RunReport {
  RunRequest request;
  std::vector<Stage> stages;
  std::optional<card::CardSelftestReport> card;
  std::optional<ChipStageResult> chip;
  std::optional<face::FaceSelftestResult> face;
  std::vector<face::Finding> face_findings;
  std::string reference_source;  // "chip", "file" or ""
  bool passed = false;
  bool no_reader = false;        // the reader named was not there (exit 5)
  std::vector<std::string> annotated;  // PNGs written under annotate_dir
  // load_ocr / load_models when loaded here, each stage, total. load_models is what the
  // face stage waited for the models; when they loaded beside the card stage,
  // load_models_own is the load's own time too (load_models_own - load_models was hidden).
  std::vector<std::pair<std::string, double>> timings_ms;
};

class Pipeline {
 public:
  Pipeline(std::optional<std::string> models_dir, std::string cache_dir)
      : models_dir_(std::move(models_dir)), cache_dir_(std::move(cache_dir)) {}
  // A request without an input to start from, or an input that cannot be read, is a
  // Usage error; models that cannot be found are errors of their own kinds. Everything
  // about the card and the face is in the report.
  Expected<RunReport> run(const RunRequest& request);
  // Starts loading the face models on a thread of their own, unless they are loaded
  // or loading: the run that needs them waits for the load (and reports its error, if
  // any, as a load on the spot would). A batch with faces to match calls it up front.
  void start_face_load();

 private:
  struct FaceLoad {
    Expected<face::FaceSelftest> models;
    double ms = 0;  // the load's own time
  };
  static FaceLoad load_face_models(const std::optional<std::string>& models_dir, const std::string& cache_dir);
  Status ensure_card(RunReport& report);
  Status ensure_face(RunReport& report);
  std::optional<std::string> models_dir_;
  std::string cache_dir_;
  std::shared_ptr<card::CardSelftest> card_;
  std::shared_ptr<face::FaceSelftest> face_;
  std::future<FaceLoad> face_loading_;  // valid while a load started by start_face_load is not taken
};

nlohmann::json run_json(const RunReport& report);  // caora.selftest/1
Text run_text(const RunReport& report);

}  // namespace caora::selftest
