#include "face/selftest.h"

#include <chrono>

namespace caora::face {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

}  // namespace

Expected<FaceSelftest> FaceSelftest::load(const std::string& models_dir) {
  auto net = RecognitionNet::load(models_dir);
  if (!net) return net.error();
  auto finder = FaceFinder::load(models_dir);
  if (!finder) return finder.error();
  return FaceSelftest(std::move(*net), std::move(*finder));
}

FaceSelftestResult FaceSelftest::run(const RgbImage& probe, const RgbImage& reference, double threshold) const {
  FaceSelftestResult r;
  r.threshold = threshold;
  auto t = Clock::now();
  auto probe_faces = finder_.find(probe);
  r.timings_ms.push_back({"detect_probe", ms_since(t)});
  std::vector<FoundFace> none;
  t = Clock::now();
  r.probe = assess_quality(probe, probe_faces ? *probe_faces : none);
  r.timings_ms.push_back({"quality", ms_since(t)});
  if (probe_faces && !probe_faces->empty()) r.probe_face = probe_faces->front();
  t = Clock::now();
  auto ref_faces = finder_.find(reference);
  r.timings_ms.push_back({"detect_reference", ms_since(t)});
  r.reference_face_found = ref_faces && !ref_faces->empty();
  if (!r.probe.face_found || !r.reference_face_found) return r;
  t = Clock::now();
  auto a = net_.embed(probe_faces->front().chip);
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
