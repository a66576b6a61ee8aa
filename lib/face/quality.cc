#include "face/quality.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "face/redetect.h"

namespace caora::face {
namespace {

double luma(const uint8_t* p) { return 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]; }

Point mean_of(const std::array<Point, 68>& pts, int from, int to) {
  Point m;
  for (int i = from; i <= to; ++i) {
    m.x += pts[i].x;
    m.y += pts[i].y;
  }
  m.x /= (to - from + 1);
  m.y /= (to - from + 1);
  return m;
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// Mean luma, chromaticity (r, g of r+g+b), luma spread, bright share and edge
// strength over the pixels of a box, clipped to the image.
struct Stats {
  double luma = 0, r = 0, g = 0, std = 0, bright = 0, edges = 0, vedges = 0;
  long n = 0;
};

Stats box_stats(const RgbImage& img, double x0, double y0, double x1, double y1) {
  Stats st;
  int ax = std::max(0, int(std::floor(x0))), ay = std::max(0, int(std::floor(y0)));
  int bx = std::min(img.width - 1, int(std::ceil(x1))), by = std::min(img.height - 1, int(std::ceil(y1)));
  double sum2 = 0;
  for (int y = ay; y <= by; ++y)
    for (int x = ax; x <= bx; ++x) {
      const uint8_t* p = img.at(x, y);
      double l = luma(p), total = double(p[0]) + p[1] + p[2] + 1e-9;
      st.luma += l;
      sum2 += l * l;
      st.r += p[0] / total;
      st.g += p[1] / total;
      st.bright += l >= 245;
      if (x + 1 < img.width) st.edges += std::abs(luma(img.at(x + 1, y)) - l);
      if (y + 1 < img.height) st.vedges += std::abs(luma(img.at(x, y + 1)) - l);
      ++st.n;
    }
  if (st.n == 0) return st;
  st.luma /= st.n;
  st.r /= st.n;
  st.g /= st.n;
  st.bright /= st.n;
  st.edges /= st.n;
  st.vedges /= st.n;
  st.std = std::sqrt(std::max(0.0, sum2 / st.n - st.luma * st.luma));
  return st;
}

// How much darker the darkest row of a box is than its mean row (luma): the line
// between the lips in a mouth, nothing much on a mask.
double row_dip(const RgbImage& img, double x0, double y0, double x1, double y1) {
  int ax = std::max(0, int(std::floor(x0))), ay = std::max(0, int(std::floor(y0)));
  int bx = std::min(img.width - 1, int(std::ceil(x1))), by = std::min(img.height - 1, int(std::ceil(y1)));
  if (bx < ax || by < ay) return 0;
  double total = 0, darkest = 1e9;
  for (int y = ay; y <= by; ++y) {
    double sum = 0;
    for (int x = ax; x <= bx; ++x) sum += luma(img.at(x, y));
    sum /= (bx - ax + 1);
    total += sum;
    darkest = std::min(darkest, sum);
  }
  return total / (by - ay + 1) - darkest;
}

double ratio(double a, double b) { return a / std::max(1.0, b); }

// Occlusions, judged on the face (found or weak candidate) from its patches; quality.h
// gives each threshold's measurements.
bool judge_masked(const FacePatches& p) {
  bool nose_flat = ratio(p.skin_std, p.skin_luma) < kMaskNoseFlat && p.skin_luma < 240;
  bool nose_very_flat = ratio(p.skin_std, p.skin_luma) < kMaskNoseVeryFlat && p.skin_luma < 240;
  bool mouth_gone =
      ratio(p.lower_std, p.lower_luma) < kMaskMouthFlat || ratio(p.mouth_dip, p.lower_luma) < kMaskMouthLine;
  bool dark_cover =
      ratio(p.lower_luma, p.brow_luma) < kDarkMaskRatio && ratio(p.skin_luma, p.brow_luma) < kDarkMaskRatio;
  return (nose_flat && mouth_gone) || nose_very_flat || dark_cover;
}

// What covers the eyes, or null: "glare", "dark" (sunglasses, a band), "hair".
const char* judge_eyes(const FacePatches& p, bool masked) {
  double ref = masked ? p.brow_luma : p.skin_luma;
  if (p.eyes_bright >= kGlareShare && p.eyes_bright >= kGlareContrast * p.lower_bright) return "glare";
  if (ratio(p.eyes_luma, ref) < kEyesDarkRatio || ratio(p.strip_luma, ref) < kEyeStripDarkRatio) return "dark";
  if (p.strip_hedges / std::max(0.1, p.strip_vedges) > kHairStrandRatio) return "hair";
  return nullptr;
}

}  // namespace

FacePatches face_patches(const RgbImage& image, const FoundFace& face) {
  const auto& lm = face.landmarks;
  double eye_span = std::hypot(lm[45].x - lm[36].x, lm[45].y - lm[36].y);
  double u = std::max(1.0, eye_span);  // the unit of every offset: the outer eye-corner span
  FacePatches p;
  // Skin: between the outer eye corners, from just under the lower lids to the nose tip.
  Stats skin = box_stats(image, lm[36].x, std::max(lm[41].y, lm[46].y) + 0.08 * u, lm[45].x, lm[30].y);
  // Lower face: the mouth and what is under it, from under the nose to above the chin.
  Stats lower = box_stats(image, lm[48].x - 0.05 * u, lm[33].y + 0.05 * u, lm[54].x + 0.05 * u, lm[8].y - 0.08 * u);
  // Eyes: each eye's landmarks' box, widened a little, both together.
  Stats right = box_stats(image, lm[36].x - 0.03 * u, std::min(lm[37].y, lm[38].y) - 0.06 * u, lm[39].x + 0.03 * u,
                          std::max(lm[40].y, lm[41].y) + 0.06 * u);
  Stats left = box_stats(image, lm[42].x - 0.03 * u, std::min(lm[43].y, lm[44].y) - 0.06 * u, lm[45].x + 0.03 * u,
                         std::max(lm[46].y, lm[47].y) + 0.06 * u);
  p.skin_luma = skin.luma; p.skin_r = skin.r; p.skin_g = skin.g; p.skin_std = skin.std; p.skin_edges = skin.edges;
  p.lower_luma = lower.luma; p.lower_r = lower.r; p.lower_g = lower.g; p.lower_std = lower.std;
  p.lower_edges = lower.edges;
  p.lower_vedges = lower.vedges;
  p.skin_vedges = skin.vedges;
  double brow_y = std::min(lm[19].y, lm[24].y);
  Stats brow = box_stats(image, lm[19].x, brow_y - 0.30 * u, lm[24].x, brow_y - 0.06 * u);
  p.brow_luma = brow.luma; p.brow_r = brow.r; p.brow_g = brow.g;
  Stats strip = box_stats(image, lm[36].x - 0.10 * u, brow_y, lm[45].x + 0.10 * u,
                          std::max(lm[41].y, lm[46].y) + 0.08 * u);
  p.strip_luma = strip.luma; p.strip_std = strip.std; p.strip_detail = strip.edges + strip.vedges;
  p.strip_hedges = strip.edges; p.strip_vedges = strip.vedges;
  p.lower_bright = lower.bright;
  p.mouth_dip = row_dip(image, lm[48].x, lm[33].y + 0.05 * u, lm[54].x, lm[8].y - 0.08 * u);
  p.lower_detail = lower.edges + lower.vedges;
  p.skin_detail = skin.edges + skin.vedges;
  p.brow_detail = brow.edges + brow.vedges;
  long n = right.n + left.n;
  if (n > 0) {
    p.eyes_luma = (right.luma * right.n + left.luma * left.n) / n;
    p.eyes_std = (right.std * right.n + left.std * left.n) / n;
    p.eyes_bright = (right.bright * right.n + left.bright * left.n) / n;
    p.eyes_detail = ((right.edges + right.vedges) * right.n + (left.edges + left.vedges) * left.n) / n;
  }
  return p;
}

double roll_degrees_of(const FoundFace& face) {
  // dlib's 68 points: 36-41 the subject's right eye (image left), 42-47 the left.
  Point right_eye = mean_of(face.landmarks, 36, 41), left_eye = mean_of(face.landmarks, 42, 47);
  return std::atan2(left_eye.y - right_eye.y, left_eye.x - right_eye.x) * 180.0 / M_PI;
}

bool too_large_in(const Box& box, int width, int height) {
  return double(box.width) / std::max(1, width) > kTooLargeRatio || box.left < 0 || box.top < 0 ||
         box.left + box.width > width || box.top + box.height > height;
}

Quality assess_quality(const RgbImage& image, const std::vector<FoundFace>& faces) {
  Quality q;
  q.faces = int(faces.size());
  q.face_found = !faces.empty();
  if (!q.face_found || image.width <= 0 || image.height <= 0) return q;
  const FoundFace& f = faces.front();

  q.width_ratio = double(f.box.width) / image.width;
  q.too_small = q.width_ratio < kTooSmallRatio;
  q.too_large = too_large_in(f.box, image.width, image.height);

  q.centre_dx = (f.box.left + f.box.width / 2.0 - image.width / 2.0) / image.width;
  q.centre_dy = (f.box.top + f.box.height / 2.0 - image.height / 2.0) / image.height;
  q.off_center = std::abs(q.centre_dx) > kOffCentreRatio || std::abs(q.centre_dy) > kOffCentreRatio;

  q.roll_degrees = roll_degrees_of(f);
  // Yaw: the nose tip (point 30) against the outer eye corners' midpoint.
  double half_span = std::hypot(f.landmarks[45].x - f.landmarks[36].x, f.landmarks[45].y - f.landmarks[36].y) / 2;
  double mid_x = (f.landmarks[36].x + f.landmarks[45].x) / 2;
  q.yaw_ratio = half_span > 0 ? (f.landmarks[30].x - mid_x) / half_span : 0;
  q.tilted = std::abs(q.roll_degrees) > kMaxRollDegrees || std::abs(q.yaw_ratio) > kMaxYawRatio;

  // Light: the face box against everything around it.
  double face_sum = 0, around_sum = 0;
  long face_n = 0, around_n = 0;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) {
      bool inside = x >= f.box.left && x < f.box.left + f.box.width && y >= f.box.top && y < f.box.top + f.box.height;
      double l = luma(image.at(x, y));
      if (inside) { face_sum += l; ++face_n; }
      else { around_sum += l; ++around_n; }
    }
  q.face_luma = face_n ? face_sum / face_n : 0;
  q.surround_luma = around_n ? around_sum / around_n : q.face_luma;
  q.dark = q.face_luma < kDarkLuma;
  q.score = f.score;
  q.patches = face_patches(image, f);
  q.masked = judge_masked(q.patches);
  q.eyes_cover = judge_eyes(q.patches, *q.masked);
  q.eyes_occluded = q.eyes_cover != nullptr;
  // Only meaningful with enough surroundings to compare against.
  if (around_n > face_n / 4) q.backlit = q.surround_luma - q.face_luma > kBacklitDifference;
  return q;
}

Expected<Quality> assess_probe(const FaceFinder& finder, const RgbImage& image, std::vector<FoundFace>* faces_out) {
  auto faces = finder.find(image);
  if (!faces) return faces.error();
  if (faces->empty()) return assess_without_face(finder, image);
  Quality q = assess_quality(image, *faces);
  if (faces_out) *faces_out = std::move(*faces);
  return q;
}

namespace {

// A face the detector takes only on a turned or padded copy (redetect.h): rolled, or
// too close. Only that is said; the rest (light, covers) is not judged on a copy.
Expected<bool> judge_on_copies(const FaceFinder& finder, const RgbImage& image, Quality& q) {
  auto again = redetect(finder, image);
  if (!again) return again.error();
  if (!*again) return false;
  q = Quality{};
  const FoundFace& f = (*again)->face;
  q.score = f.score;
  q.width_ratio = double(f.box.width) / image.width;
  if ((*again)->how == Redetection::How::Rotated) {
    q.redetected = "rotated";
    q.roll_degrees = roll_degrees_of(f);
    q.tilted = true;
  } else {
    q.redetected = "padded";
    q.too_large = true;
  }
  return true;
}

}  // namespace

Expected<Quality> assess_without_face(const FaceFinder& finder, const RgbImage& image) {
  Quality q;
  // The weak candidate first: a mask or a band over the eyes is the commoner reason, and
  // a cover seen on it is said as before. Only when none is seen are the copies tried.
  auto weak = finder.find(image, kDetectMaxSide, kWeakFaceAdjust);
  if (!weak) return weak.error();
  if (!weak->empty()) {
    // The most confident candidate, not the largest: weak candidates include stray boxes.
    const FoundFace& f = *std::max_element(weak->begin(), weak->end(),
                                           [](const FoundFace& a, const FoundFace& b) { return a.score < b.score; });
    q.weak_face = true;
    q.score = f.score;
    q.patches = face_patches(image, f);
    // Only what is seen is said: a weak candidate's landmarks are a guess, so "not
    // masked" or "eyes visible" is not claimed; and behind a mask the eyes are not judged
    // (the mask is the likelier reason the face was not accepted).
    if (judge_masked(q.patches)) q.masked = true;
    else if ((q.eyes_cover = judge_eyes(q.patches, false))) q.eyes_occluded = true;
    if (q.masked || q.eyes_occluded) return q;
  }
  auto copies = judge_on_copies(finder, image, q);
  if (!copies) return copies.error();
  return q;
}

namespace {

// What covers the eyes or the lower face, with the vendor's advice (qa-24, the
// patient-screen guide: eyes must be visible -- no fringe, rims or glare over them;
// masks, warm-coloured ones especially, off; else identify by PIN).
void occlusion_findings(const Quality& q, std::vector<Finding>& out) {
  std::string ja_pre = q.weak_face ? "顔として認識されませんが、" : "";
  std::string en_pre = q.weak_face ? "no face was accepted, but " : "";
  if (q.masked.value_or(false))
    out.push_back({"masked",
                   {ja_pre + "マスクで顔の下半分が隠れています（鼻と口に肌の陰影や唇の線が見えません）",
                    en_pre + "a mask covers the lower face (no skin shading over the nose, no line between the lips)"},
                   {"マスク（特にベージュやピンクなど暖色系のもの）を外して撮り直してください。外せない場合は暗証番号での本人確認へ案内してください",
                    "have the patient remove the mask (warm colours such as beige or pink especially) and retake; if it cannot come off, guide the patient to PIN authentication"}});
  if (!q.eyes_occluded.value_or(false)) return;
  std::string cover = q.eyes_cover ? q.eyes_cover : "";
  if (cover == "glare")
    out.push_back({"eyes_occluded",
                   {ja_pre + "目に光の反射が重なっています（眼鏡のレンズなど）", en_pre + "glare over the eyes (e.g. on glasses)"},
                   {"眼鏡の角度を変えるか外して、反射で目元が隠れないようにしてください。改善しない場合は暗証番号での本人確認へ案内してください",
                    "tilt or remove the glasses so no reflection hides the eyes; if it persists, guide the patient to PIN authentication"}});
  else if (cover == "hair")
    out.push_back({"eyes_occluded", {ja_pre + "前髪が目にかかっています", en_pre + "hair hangs over the eyes"},
                   {"前髪を上げて目元が見えるようにしてから撮り直してください。改善しない場合は暗証番号での本人確認へ案内してください",
                    "move the fringe off the eyes so they are visible, then retake; if it still fails, guide the patient to PIN authentication"}});
  else
    out.push_back({"eyes_occluded",
                   {ja_pre + "目元が暗いもので隠れています（サングラス、濃い色の眼鏡や縁、帽子のつばなど）",
                    en_pre + "something dark hides the eyes (sunglasses, dark glasses or rims, a hat brim)"},
                   {"サングラスや帽子を外し、目元が見えるようにしてから撮り直してください。改善しない場合は暗証番号での本人確認へ案内してください",
                    "remove sunglasses or hat so the eyes are visible, then retake; if it still fails, guide the patient to PIN authentication"}});
}

}  // namespace

std::vector<Finding> quality_findings(const Quality& q) {
  std::vector<Finding> out;
  if (!q.face_found && q.redetected) {
    // Found only on a turned or padded copy (redetect.h): the cause is said, with its advice.
    out.push_back({"face_found", {"顔として認識されません", "no face was accepted"},
                   {"次の点を直して撮り直してください。うまくいかない場合は暗証番号での本人確認へ案内してください",
                    "correct what follows and retake; if it still fails, guide the patient to PIN authentication"}});
    if (q.tilted.value_or(false)) {
      std::string deg = fmt("%.0f°", q.roll_degrees);
      out.push_back({"tilted",
                     {"顔が約" + deg + "傾いていて、顔として認識されません（傾けた画像で見つかりました）",
                      "the face is rolled about " + deg + ", too far to be accepted (it was found on a turned copy)"},
                     {"頭をまっすぐにして、カメラの正面を向いてください", "hold the head upright and look straight at the camera"}});
    }
    if (q.too_large.value_or(false)) {
      std::string pct = fmt("%.0f%%", q.width_ratio * 100);
      out.push_back({"too_large",
                     {"顔が近すぎて画面いっぱいか、はみ出しています（顔の幅は画像幅の" + pct + "）",
                      "the face is too close: it fills or is cut by the frame (" + pct + " of the image width)"},
                     {"約30cmまで離れて、顔全体が画面に入るようにしてください",
                      "move back, to about 30 cm, so the whole face is in view"}});
    }
    return out;
  }
  if (!q.face_found) {
    out.push_back({"face_found", {"顔が見つかりません", "no face found"},
                   {"マスクを外し、カメラの正面、約30cmの距離で顔全体を映してください。うまくいかない場合は暗証番号での本人確認へ案内してください",
                    "remove any mask and face the camera from about 30 cm with the whole face in view; if it still fails, guide the patient to PIN authentication"}});
    occlusion_findings(q, out);
    return out;
  }
  std::string pct = fmt("%.0f%%", q.width_ratio * 100);
  if (q.too_small.value_or(false))
    out.push_back({"too_small", {"顔が小さすぎます（画像幅の" + pct + "）", "the face is too small (" + pct + " of the image width)"},
                   {"約30cmまで近づいてください", "move closer, to about 30 cm"}});
  if (q.too_large.value_or(false))
    out.push_back({"too_large", {"顔が大きすぎるか、はみ出しています（画像幅の" + pct + "）", "the face is too large or cut off (" + pct + " of the image width)"},
                   {"約30cmまで離れてください", "move back, to about 30 cm"}});
  if (q.off_center.value_or(false))
    out.push_back({"off_center", {"顔が中央からずれています", "the face is off centre"},
                   {"画面の枠の中央に顔を合わせてください", "centre the face in the on-screen frame"}});
  if (q.tilted.value_or(false)) {
    std::string v = fmt("%.0f°", q.roll_degrees) + ", yaw " + fmt("%.2f", q.yaw_ratio);
    out.push_back({"tilted", {"顔が傾いているか横を向いています（" + v + "）", "the face is tilted or turned (roll " + v + ")"},
                   {"顔をまっすぐにしてカメラの正面を向いてください", "hold the head upright and look straight at the camera"}});
  }
  occlusion_findings(q, out);
  if (q.dark.value_or(false))
    out.push_back({"dark", {"顔が暗すぎます（明るさ " + fmt("%.0f", q.face_luma) + "/255）", "the face is too dark (brightness " + fmt("%.0f", q.face_luma) + "/255)"},
                   {"照明を追加してください（150ルクス以上を推奨）", "add light (150 lx or more recommended)"}});
  if (q.backlit.value_or(false))
    out.push_back({"backlit", {"逆光です（背景が顔より明るい）", "backlit: the surroundings are much brighter than the face"},
                   {"窓や照明を背にしないよう、カードリーダーの向きか照明を変えてください。撮影モードを「顔検知モード」に変えると改善する場合があります",
                    "turn the reader or change the lighting so no window or lamp is behind the patient; switching the capture mode to 「顔検知モード」 (face detection) may help"}});
  return out;
}

}  // namespace caora::face
