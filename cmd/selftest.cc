// caora selftest face PROBE REFERENCE: the face half of the headless self-test.
// Finds the face in a live capture and in a reference photo, judges the capture's
// quality (distance, position, tilt, light), compares the two faces and times each
// stage. Exit 0 when they match, 1 when they do not or a face is missing.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "cmd/context.h"
#include "core/fs.h"
#include "face/annotate.h"
#include "face/image_io.h"
#include "face/selftest.h"
#include "face/weights.h"

namespace caora {

namespace {

std::string fixed(double v, int digits);

struct SelftestOptions {
  std::string stage;
  std::vector<std::string> images;
  double threshold = face::kMatchThreshold;
  std::optional<std::string> models;
  std::optional<std::string> annotate;
};

// The verdicts drawn by --annotate: the decision first, then each finding.
std::vector<face::Verdict> verdicts(const face::FaceSelftestResult& r, const std::vector<face::Finding>& findings) {
  std::vector<face::Verdict> out;
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

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

nlohmann::json not_judged(const face::Quality& q) {
  nlohmann::json out = nlohmann::json::array();
  const std::pair<const char*, const std::optional<bool>*> fields[] = {
      {"too_small", &q.too_small}, {"too_large", &q.too_large}, {"off_center", &q.off_center}, {"tilted", &q.tilted},
      {"eyes_occluded", &q.eyes_occluded}, {"backlit", &q.backlit}, {"dark", &q.dark}, {"masked", &q.masked}};
  for (const auto& f : fields)
    if (!f.second->has_value()) out.push_back(f.first);
  return out;
}

int run_face(const Context& ctx, const SelftestOptions& opt) {
#ifndef CAORA_FACE
  // The Windows build leaves the face pipeline (dlib, BLAS, image codecs) out.
  (void)opt;
  return ctx.fail(make_error(ErrorKind::Unsupported,
                             "この caora は顔の処理（dlib）なしでビルドされているため、selftest face は使えません",
                             "selftest face is not available: this caora was built without the face pipeline (dlib)"));
#else
  using Clock = std::chrono::steady_clock;
  auto ms_since = [](Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); };
  bool ja = ctx.lang() == Lang::Ja;
  if (opt.images.size() != 2)
    return ctx.fail(make_error(ErrorKind::Usage, "selftest face には画像を2つ（PROBE REFERENCE）指定してください",
                               "selftest face takes two images: PROBE REFERENCE"));
  if (!(opt.threshold > 0 && opt.threshold < 2))
    return ctx.fail(make_error(ErrorKind::Usage, "--threshold は 0 より大きく 2 より小さい値にしてください",
                               "--threshold must be between 0 and 2"));
  auto start = Clock::now();
  std::vector<std::pair<std::string, double>> timings;
  // A file named on the command line that cannot be used is a usage error.
  std::vector<face::RgbImage> images;
  const char* stage_names[] = {"read_probe", "read_reference"};
  for (size_t i = 0; i < 2; ++i) {
    auto t = Clock::now();
    auto img = face::load_image(opt.images[i]);
    if (!img) {
      Error e = img.error();
      e.kind = ErrorKind::Usage;
      return ctx.fail(e);
    }
    timings.push_back({stage_names[i], ms_since(t)});
    images.push_back(std::move(*img));
  }
  auto t = Clock::now();
  auto dir = opt.models ? Expected<std::string>(*opt.models) : face::find_models_dir();
  if (!dir) return ctx.fail(dir.error());
  auto selftest = face::FaceSelftest::load(*dir);
  if (!selftest) return ctx.fail(selftest.error());
  timings.push_back({"load_models", ms_since(t)});
  face::FaceSelftestResult r = selftest->run(images[0], images[1], opt.threshold);
  for (const auto& kv : r.timings_ms) timings.push_back(kv);
  auto findings = face::quality_findings(r.probe);
  int code = r.match ? kExitOk : kExitProblem;
  if (opt.annotate) {
    auto t_annotate = Clock::now();
    auto png = face::encode_png(face::annotate(images[0], r.probe_face ? &*r.probe_face : nullptr, verdicts(r, findings)));
    if (!png) return ctx.fail(png.error());
    auto written = write_file_atomic(*opt.annotate, *png);
    if (!written) return ctx.fail(written.error());
    timings.push_back({"annotate", ms_since(t_annotate)});
  }
  timings.push_back({"total", ms_since(start)});

  if (ctx.json) {
    const face::Quality& q = r.probe;
    nlohmann::json timings_json = nlohmann::json::object();
    for (const auto& [name, ms] : timings) timings_json[name] = std::round(ms * 10) / 10;
    nlohmann::json findings_json = nlohmann::json::array();
    for (const auto& f : findings)
      findings_json.push_back({{"id", f.id}, {"what", {{"ja", f.what.ja}, {"en", f.what.en}}},
                               {"advice", {{"ja", f.advice.ja}, {"en", f.advice.en}}}});
    nlohmann::json doc = {
        {"schema", "caora.selftest.face/1"},
        {"probe", opt.images[0]},
        {"reference", opt.images[1]},
        {"distance", r.distance ? nlohmann::json(*r.distance) : nlohmann::json(nullptr)},
        {"match", r.match},
        {"threshold", r.threshold},
        // The contract's fields are booleans; what was not judged (eyes and masks are
        // measured, not judged yet; nothing is judged without a face) reads false and
        // is named in "not_judged", so false never passes for a verdict it is not.
        {"quality", {{"face_found", q.face_found}, {"too_small", q.too_small.value_or(false)},
                     {"too_large", q.too_large.value_or(false)}, {"off_center", q.off_center.value_or(false)},
                     {"tilted", q.tilted.value_or(false)}, {"eyes_occluded", q.eyes_occluded.value_or(false)},
                     {"backlit", q.backlit.value_or(false)}, {"dark", q.dark.value_or(false)},
                     {"masked", q.masked.value_or(false)}}},
        {"not_judged", not_judged(q)},
        {"measurements", {{"faces", q.faces}, {"width_ratio", q.width_ratio}, {"centre_dx", q.centre_dx},
                          {"centre_dy", q.centre_dy}, {"roll_degrees", q.roll_degrees}, {"yaw_ratio", q.yaw_ratio},
                          {"face_luma", q.face_luma}, {"surround_luma", q.surround_luma}}},
        {"reference_face_found", r.reference_face_found},
        {"findings", findings_json},
        {"timings_ms", timings_json},
    };
    ctx.print_json(doc);
    return code;
  }

  std::string out;
  out += ja ? "顔の自己診断: " : "face self-test: ";
  out += opt.images[0] + (ja ? " と " : " against ") + opt.images[1] + "\n";
  if (r.probe.face_found) {
    out += std::string("  ✓ ") + (ja ? "撮影画像: 顔を検出（" : "probe: face found (") + std::to_string(r.probe.faces) +
           (ja ? " 個）、幅は画像の " : (r.probe.faces == 1 ? " face), width " : " faces), width ")) +
           fixed(r.probe.width_ratio * 100, 0) + (ja ? "%、傾き " : "% of the image, roll ") +
           fixed(r.probe.roll_degrees, 0) + "°, yaw " + fixed(r.probe.yaw_ratio, 2) + (ja ? "、明るさ " : ", brightness ") +
           fixed(r.probe.face_luma, 0) + "/255\n";
  }
  for (const auto& f : findings)
    out += "  ✗ " + f.what.in(ctx.lang()) + "\n      → " + f.advice.in(ctx.lang()) + "\n";
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
  for (size_t i = 0; i < timings.size(); ++i)
    out += std::string(i ? ", " : " ") + timings[i].first + " " + fixed(timings[i].second, 0) + " ms";
  out += "\n";
  ctx.out(out);
  return code;
#endif
}

}  // namespace

// cmd/selftest_card.cc: the card stage.
std::function<int(const std::vector<std::string>&)> setup_selftest_card(CLI::App& app, Context& ctx);

void setup_selftest(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<SelftestOptions>();
  app.add_option("stage", opt->stage, ctx.tr("診断する段階: face（顔）、card（カード）", "The stage to test: face or card"))
      ->required()
      ->check(CLI::IsMember({"face", "card"}));
  app.add_option("images", opt->images,
                 ctx.tr("face: 撮影画像 PROBE と参照画像 REFERENCE（JPEG・PNG・JPEG 2000）。card: カードカメラの画像 IMAGE",
                        "face: the live capture PROBE and the reference photo REFERENCE (JPEG, PNG or JPEG 2000); "
                        "card: the card camera's frame IMAGE"))
      ->required();
  app.add_option("--threshold", opt->threshold,
                 ctx.tr("同一人物とみなす距離の上限（既定 0.6）", "Largest distance still judged the same person (default 0.6)"));
  app.add_option("--models", opt->models,
                 ctx.tr("モデルのフォルダ（既定は CAORA_MODELS_DIR、/usr/local/share/caora/models）",
                        "Models folder (default: CAORA_MODELS_DIR, /usr/local/share/caora/models)"));
  app.add_option("--annotate", opt->annotate,
                 ctx.tr("顔の枠・特徴点・判定を描いた撮影画像を PNG で保存する",
                        "Save the capture as PNG with the face box, landmarks and verdicts drawn on it"));
  auto run_card = setup_selftest_card(app, ctx);
  app.callback([&ctx, opt, run_card] {
    ctx.run = [&ctx, opt, run_card]() -> int { return opt->stage == "card" ? run_card(opt->images) : run_face(ctx, *opt); };
  });
}

}  // namespace caora
