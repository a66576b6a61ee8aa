#include "selftest/face_report.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/fs.h"
#include "core/stopwatch.h"
#include "core/strings.h"
#include "image/image_io.h"
#include "face/weights.h"

namespace caora::face {
namespace {

using Clock = std::chrono::steady_clock;


// The contract's quality fields are booleans; one that was not judged (nothing is
// judged without a face; with a weak candidate only the covers seen are said) reads
// false and is named here, so false never passes for a verdict it is not.
nlohmann::json not_judged(const Quality& q) {
  nlohmann::json out = nlohmann::json::array();
  const std::pair<const char*, const std::optional<bool>*> fields[] = {
      {"too_small", &q.too_small}, {"too_large", &q.too_large}, {"off_center", &q.off_center}, {"tilted", &q.tilted},
      {"eyes_occluded", &q.eyes_occluded}, {"backlit", &q.backlit}, {"dark", &q.dark}, {"masked", &q.masked}};
  for (const auto& f : fields)
    if (!f.second->has_value()) out.push_back(f.first);
  return out;
}

std::string render_text(const FaceSelftestReport& rep, Lang lang) {
  const bool ja = lang == Lang::Ja;
  const FaceSelftestResult& r = rep.result;
  std::string out;
  out += ja ? "顔の自己診断: " : "face self-test: ";
  out += rep.probe + (ja ? " と " : " against ") + rep.reference + "\n";
  if (r.probe.face_found) {
    out += std::string("  ✓ ") + (ja ? "撮影画像: 顔を検出（" : "probe: face found (") + std::to_string(r.probe.faces) +
           (ja ? " 個）、幅は画像の " : (r.probe.faces == 1 ? " face), width " : " faces), width ")) +
           fixed(r.probe.width_ratio * 100, 0) + (ja ? "%、傾き " : "% of the image, roll ") +
           fixed(r.probe.roll_degrees, 0) + "°, yaw " + fixed(r.probe.yaw_ratio, 2) + (ja ? "、明るさ " : ", brightness ") +
           fixed(r.probe.face_luma, 0) + "/255\n";
  }
  for (const auto& f : rep.findings) out += "  ✗ " + f.what.in(lang) + "\n      → " + f.advice.in(lang) + "\n";
  out += std::string(r.reference_face_found ? "  ✓ " : "  ✗ ") +
         (ja ? (r.reference_face_found ? "参照画像: 顔を検出\n" : "参照画像: 顔が見つかりません\n")
             : (r.reference_face_found ? "reference: face found\n" : "reference: no face found\n"));
  if (r.distance) {
    out += std::string(r.match ? "  ✓ " : "  ✗ ") + (ja ? "距離 " : "distance ") + fixed(*r.distance, 3) +
           (r.match ? " < " : " ≥ ") + (ja ? "しきい値 " : "threshold ") + fixed(r.threshold, 2) + ": " +
           (ja ? (r.match ? "同一人物\n" : "別人と判定\n") : (r.match ? "the same person\n" : "not the same person\n"));
  } else {
    out += ja ? "  ✗ 顔がそろわないため照合できません\n" : "  ✗ not compared: a face is missing\n";
  }
  out += ja ? "  時間:" : "  timings:";
  for (size_t i = 0; i < rep.timings_ms.size(); ++i)
    out += std::string(i ? ", " : " ") + rep.timings_ms[i].first + " " + fixed(rep.timings_ms[i].second, 0) + " ms";
  return out + "\n";
}

}  // namespace

Expected<FaceSelftestReport> run_face_selftest(const FaceSelftestRequest& request) {
  if (!(request.threshold > 0 && request.threshold < 2))
    return make_error(ErrorKind::Usage, "--threshold は 0 より大きく 2 より小さい値にしてください",
                      "--threshold must be between 0 and 2");
  auto start = Clock::now();
  FaceSelftestReport rep;
  rep.probe = request.probe;
  rep.reference = request.reference;
  // A file named on the command line that cannot be used is a usage error.
  std::vector<RgbImage> images;
  const std::pair<const char*, const std::string*> inputs[] = {{"read_probe", &request.probe},
                                                               {"read_reference", &request.reference}};
  for (const auto& [stage, path] : inputs) {
    auto t = Clock::now();
    auto img = load_image(*path);
    if (!img) {
      Error e = img.error();
      e.kind = ErrorKind::Usage;
      return e;
    }
    rep.timings_ms.push_back({stage, ms_since(t)});
    images.push_back(std::move(*img));
  }
  auto t = Clock::now();
  auto dir = request.models ? Expected<std::string>(*request.models) : find_models_dir();
  if (!dir) return dir.error();
  auto selftest = FaceSelftest::load(*dir, request.cache_dir);
  if (!selftest) return selftest.error();
  rep.timings_ms.push_back({"load_models", ms_since(t)});
  rep.result = selftest->run(images[0], images[1], request.threshold);
  for (const auto& kv : rep.result.timings_ms) rep.timings_ms.push_back(kv);
  rep.findings = quality_findings(rep.result.probe);
  if (request.annotate) {
    auto t_annotate = Clock::now();
    const FaceSelftestResult& r = rep.result;
    auto png = encode_png(annotate(images[0], r.probe_face ? &*r.probe_face : nullptr,
                                   face_selftest_verdicts(r, rep.findings)));
    if (!png) return png.error();
    auto written = write_file_atomic(*request.annotate, *png);
    if (!written) return written.error();
    rep.timings_ms.push_back({"annotate", ms_since(t_annotate)});
  }
  rep.timings_ms.push_back({"total", ms_since(start)});
  return rep;
}

std::vector<Verdict> face_selftest_verdicts(const FaceSelftestResult& r, const std::vector<Finding>& findings) {
  std::vector<Verdict> out;
  if (r.distance)
    out.push_back({std::string(r.match ? "MATCH " : "NO MATCH ") + fixed(*r.distance, 3) + (r.match ? " < " : " >= ") +
                       fixed(r.threshold, 2),
                   r.match});
  else
    out.push_back({r.probe.face_found ? "NOT COMPARED: NO FACE IN THE REFERENCE" : "NOT COMPARED", false});
  for (const auto& f : findings) {
    std::string id = f.id;
    std::replace(id.begin(), id.end(), '_', ' ');
    if (id == "face found") id = "no face found";
    out.push_back({id, false});
  }
  return out;
}

nlohmann::json face_selftest_json(const FaceSelftestReport& rep) {
  const FaceSelftestResult& r = rep.result;
  const Quality& q = r.probe;
  nlohmann::json timings = nlohmann::json::object();
  for (const auto& [name, ms] : rep.timings_ms) timings[name] = std::round(ms * 10) / 10;
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : rep.findings)
    findings.push_back({{"id", f.id}, {"what", {{"ja", f.what.ja}, {"en", f.what.en}}},
                        {"advice", {{"ja", f.advice.ja}, {"en", f.advice.en}}}});
  nlohmann::json measurements = {{"faces", q.faces}, {"width_ratio", q.width_ratio}, {"centre_dx", q.centre_dx},
                                 {"centre_dy", q.centre_dy}, {"roll_degrees", q.roll_degrees},
                                 {"yaw_ratio", q.yaw_ratio}, {"face_luma", q.face_luma},
                                 {"surround_luma", q.surround_luma}};
  // A face found only on a turned or padded copy (lib/face/redetect.h): which copy.
  if (q.redetected) measurements["redetected"] = q.redetected;
  if (q.face_found || q.weak_face) {
    // The patch ratios the occlusion thresholds are set on (lib/face/quality.h).
    const FacePatches& p = q.patches;
    auto ratio = [](double a, double b) { return a / std::max(1.0, b); };
    measurements["detector_score"] = q.score;
    measurements["weak_face"] = q.weak_face;
    measurements["eyes_bright"] = p.eyes_bright;
    measurements["eyes_to_skin_luma"] = ratio(p.eyes_luma, q.masked.value_or(false) ? p.brow_luma : p.skin_luma);
    measurements["eye_strip_to_skin_luma"] =
        ratio(p.strip_luma, q.masked.value_or(false) ? p.brow_luma : p.skin_luma);
    measurements["eye_strip_strands"] = p.strip_hedges / std::max(0.1, p.strip_vedges);
    measurements["nose_spread"] = ratio(p.skin_std, p.skin_luma);
    measurements["mouth_spread"] = ratio(p.lower_std, p.lower_luma);
    measurements["mouth_line"] = ratio(p.mouth_dip, p.lower_luma);
  }
  return {
      {"schema", "caora.selftest.face/1"},
      {"probe", rep.probe},
      {"reference", rep.reference},
      {"distance", r.distance ? nlohmann::json(*r.distance) : nlohmann::json(nullptr)},
      {"match", r.match},
      {"threshold", r.threshold},
      {"quality", {{"face_found", q.face_found}, {"too_small", q.too_small.value_or(false)},
                   {"too_large", q.too_large.value_or(false)}, {"off_center", q.off_center.value_or(false)},
                   {"tilted", q.tilted.value_or(false)}, {"eyes_occluded", q.eyes_occluded.value_or(false)},
                   {"backlit", q.backlit.value_or(false)}, {"dark", q.dark.value_or(false)},
                   {"masked", q.masked.value_or(false)}}},
      {"not_judged", not_judged(q)},
      {"measurements", measurements},
      {"reference_face_found", r.reference_face_found},
      {"findings", findings},
      {"timings_ms", timings},
  };
}

Text face_selftest_text(const FaceSelftestReport& report) {
  return Text{render_text(report, Lang::Ja), render_text(report, Lang::En)};
}

}  // namespace caora::face
