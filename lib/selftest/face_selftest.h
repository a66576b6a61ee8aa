// The face half of the self-test: a live capture (the probe) against a reference
// photo (the card's face photo, or any photo of the person). Finds the face in
// each, judges the probe's quality, embeds both chips and compares them.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "face/face_finder.h"
#include "image/image.h"
#include "face/quality.h"
#include "face/recognition_net.h"

namespace caora::face {

struct FaceSelftestResult {
  Quality probe;                   // the live capture
  std::optional<FoundFace> probe_face;  // the face judged, for --annotate
  bool reference_face_found = false;
  std::optional<double> distance;  // when both faces were found
  double threshold = kMatchThreshold;
  bool match = false;              // distance < threshold
  // Stage -> milliseconds, in the order they ran.
  std::vector<std::pair<std::string, double>> timings_ms;
};

class FaceSelftest {
 public:
  // The recognition weights and the landmark model, both checked by SHA-256; dlib's
  // detector from `cache_dir` when an earlier run left it decoded there (FaceFinder::load).
  static Expected<FaceSelftest> load(const std::string& models_dir, const std::string& cache_dir = {});
  FaceSelftestResult run(const RgbImage& probe, const RgbImage& reference, double threshold) const;

 private:
  FaceSelftest(RecognitionNet net, FaceFinder finder) : net_(std::move(net)), finder_(std::move(finder)) {}
  RecognitionNet net_;
  FaceFinder finder_;
};

}  // namespace caora::face
