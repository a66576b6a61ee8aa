// The face self-test from the command line's point of view: two image files in, one
// report out -- read the images, load the models, run the stages, optionally draw the
// --annotate picture, and render the result as caora.selftest.face/1 or as text in
// Japanese and English. cmd/selftest.cc only wires options to this and prints.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/text.h"
#include "selftest/annotate.h"
#include "selftest/face_selftest.h"

namespace caora::face {

struct FaceSelftestRequest {
  std::string probe, reference;          // image files: JPEG, PNG or JPEG 2000
  double threshold = kMatchThreshold;    // in (0, 2)
  std::optional<std::string> models;     // default: find_models_dir()
  std::optional<std::string> annotate;   // a PNG of the capture with what was seen
  std::string cache_dir;                 // where dlib's decoded detector is kept ("": nowhere)
};

struct FaceSelftestReport {
  std::string probe, reference;  // as given
  FaceSelftestResult result;
  std::vector<Finding> findings;  // quality_findings(result.probe)
  // Every stage in the order it ran (reading, loading, the pipeline's own stages,
  // annotate), "total" last.
  std::vector<std::pair<std::string, double>> timings_ms;
};

// A bad request (threshold out of range, an image that cannot be read) is a Usage error;
// models that cannot be found or do not check out, and an --annotate file that cannot
// be written, are errors of their own kinds.
Expected<FaceSelftestReport> run_face_selftest(const FaceSelftestRequest& request);

nlohmann::json face_selftest_json(const FaceSelftestReport& report);
Text face_selftest_text(const FaceSelftestReport& report);
// The lines drawn by --annotate: the decision first, then each finding.
std::vector<Verdict> face_selftest_verdicts(const FaceSelftestResult& result, const std::vector<Finding>& findings);

}  // namespace caora::face
