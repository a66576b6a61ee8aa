// `caora selftest batch MANIFEST`: many self-test cases in one process (the OCR engine
// and the face models load once), each repeated, with stage timing medians; baselines
// kept in the state folder and compared after an update.
//
// The manifest, caora.selftest-batch/1, paths relative to the manifest's folder:
//   {"schema": "caora.selftest-batch/1",
//    "cases": [{"id": "c1", "card": "cards/a.jpg"},
//              {"id": "f1", "capture": "faces/x.png", "reference": "faces/y.png"},
//              {"id": "p1", "card": "cards/b.jpg", "reader": "PFU Caora", "capture": "faces/z.png",
//               "expect": {"verification_number_b": "…", "match": true}}]}
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "core/result.h"
#include "selftest/pipeline.h"

namespace caora::selftest {

struct BatchCase {
  std::string id;
  std::optional<std::string> card, reader, capture, reference;  // paths resolved against the manifest
  std::optional<std::string> expect_number;
  std::optional<bool> expect_match;
};

struct Manifest {
  std::vector<BatchCase> cases;
};

// Strict: unknown keys, wrong types, duplicate or empty ids, a case with nothing to
// run, more than 10000 cases -- each a Usage error in Japanese and English naming
// the case and the key.
Expected<Manifest> parse_manifest(const std::string& text, const std::string& base_dir);

// What a baseline keeps of one case, and what is compared.
struct CaseOutcome {
  std::string id;
  std::map<std::string, std::string> inputs_sha256;  // "card" -> hex
  std::optional<std::string> number;
  std::optional<bool> match;
  std::optional<double> distance;
  std::vector<std::string> quality_flags;
  std::vector<std::string> failing_stages;
  std::map<std::string, double> median_ms, spread_ms;  // per stage, over the repeats
  std::vector<std::string> expect_failures;
  std::optional<std::string> error;  // the case could not run (an input missing, …)
  nlohmann::json last;               // the last run's caora.selftest/1 document
  std::vector<std::string> annotated; // the last run's pictures
};

// With `annotate_root`, the last repeat of case i draws its pictures in annotate_root/i.
Expected<std::vector<CaseOutcome>> run_batch(const Manifest& manifest, Pipeline& pipeline, int repeat,
                                             const std::optional<std::string>& annotate_root = std::nullopt);

// The versions a baseline is taken with: caora's, and the face model files' sha256
// (from `models_dir`, or the folder the face stage would find on its own).
nlohmann::json batch_versions(const std::string& caora_version, const std::optional<std::string>& models_dir);

nlohmann::json outcomes_json(const std::vector<CaseOutcome>& outcomes);

struct Comparison {
  std::vector<std::string> regressions;         // "c1: verification_number_b 5502… → 5503…"
  std::vector<std::string> timing_regressions;  // "c1: ocr 120 ms → 300 ms (tolerance 60 ms)"
  std::vector<std::string> not_comparable;      // case ids whose inputs changed (or are new)
};

// Tolerance for a stage: max(50 % of the baseline median, 3 × the larger repeat spread, 20 ms).
double timing_tolerance(double baseline_median, double baseline_spread, double spread);
Comparison compare(const nlohmann::json& baseline_cases, const std::vector<CaseOutcome>& now);

// Baselines: <state>/selftest/baselines/<name>.json; the history, bounded to the last
// kHistory runs, in <state>/selftest/history.json. Both written atomically.
constexpr size_t kHistory = 21;
Status save_baseline(const fs::path& state, const std::string& name, const nlohmann::json& doc);
Expected<nlohmann::json> load_baseline(const fs::path& state, const std::string& name);
Status append_history(const fs::path& state, const nlohmann::json& entry);

}  // namespace caora::selftest
