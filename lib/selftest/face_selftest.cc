#include "selftest/face_selftest.h"
#include "core/stopwatch.h"

#include <chrono>

namespace caora::face {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

Expected<FaceSelftest> FaceSelftest::load(const std::string& models_dir, const std::string& cache_dir) {
  auto net = RecognitionNet::load(models_dir);
  if (!net) return net.error();
  auto finder = FaceFinder::load(models_dir, true, cache_dir);
  if (!finder) return finder.error();
  return FaceSelftest(std::move(*net), std::move(*finder));
}

FaceSelftestResult FaceSelftest::run(const RgbImage& probe, const RgbImage& reference, double threshold) const {
  FaceSelftestResult r;
  r.threshold = threshold;
  auto t = Clock::now();
  auto found = finder_.find(probe);
  std::vector<FoundFace> probe_faces = found ? std::move(*found) : std::vector<FoundFace>{};
  r.timings_ms.push_back({"detect_probe", ms_since(t)});
  t = Clock::now();
  if (!probe_faces.empty()) {
    r.probe = assess_quality(probe, probe_faces);
    r.probe_face = probe_faces.front();
  } else if (auto q = assess_without_face(finder_, probe)) {
    // No face accepted: a weak candidate is looked for (a mask, a band over the eyes).
    r.probe = std::move(*q);
  }
  r.timings_ms.push_back({"quality", ms_since(t)});
  t = Clock::now();
  auto ref_faces = finder_.find(reference);
  r.timings_ms.push_back({"detect_reference", ms_since(t)});
  r.reference_face_found = ref_faces && !ref_faces->empty();
  if (!r.probe.face_found || !r.reference_face_found) return r;
  t = Clock::now();
  auto a = net_.embed(probe_faces.front().chip);
  r.timings_ms.push_back({"embed_probe", ms_since(t)});
  t = Clock::now();
  auto b = net_.embed(ref_faces->front().chip);
  r.timings_ms.push_back({"embed_reference", ms_since(t)});
  if (!a || !b) return r;  // chips are always 150x150; cannot happen
  r.distance = descriptor_distance(*a, *b);
  r.match = *r.distance < threshold;
  return r;
}

}  // namespace caora::face
