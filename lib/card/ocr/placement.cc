#include "card/ocr/placement.h"

#include <algorithm>
#include <cmath>

namespace caora::card {

namespace {

// Glare and skin are judged on a small picture of the card: 3 px/mm is ample for
// regions several mm across and keeps this stage to a millisecond or two.
constexpr double kJudgePxPerMm = 3.0;

bool in_photo(double x_mm, double y_mm) { return x_mm > 59 && x_mm < 85 && y_mm > 2 && y_mm < 33; }

}  // namespace

bool Placement::all_ok() const {
  return std::all_of(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return v.ok; });
}

const Verdict* Placement::find(const std::string& id) const {
  for (const auto& v : verdicts)
    if (v.id == id) return &v;
  return nullptr;
}

Placement judge_placement(const PlacementInput& in) {
  Placement p;
  p.rotation = rotation_ccw(in.quad, &p.skew);
  // The card goes into the slot upright, so the camera sees its top edge along the
  // frame's left side: 90 degrees counter-clockwise. 270 is the same card turned round.
  bool vertical = p.rotation == 90 || p.rotation == 270;
  p.verdicts.push_back({"vertical", vertical, double(p.rotation), 90, "rotation_ccw_degrees"});
  p.verdicts.push_back({"face_up", in.photo_score >= kFaceUpMinPhotoScore, in.photo_score, kFaceUpMinPhotoScore,
                        "photo_block_share"});
  p.verdicts.push_back({"not_upside_down", p.rotation != 270, double(p.rotation), 270, "rotation_ccw_degrees"});

  face::RgbImage card = rectify(*in.frame, in.quad, kJudgePxPerMm);
  std::vector<int> luma;
  luma.reserve(size_t(card.width) * card.height);
  for (int y = 0; y < card.height; ++y)
    for (int x = 0; x < card.width; ++x) {
      const uint8_t* c = card.at(x, y);
      luma.push_back((299 * c[0] + 587 * c[1] + 114 * c[2]) / 1000);
    }
  std::vector<int> sorted = luma;
  std::sort(sorted.begin(), sorted.end());
  int paper = sorted.empty() ? 255 : sorted[sorted.size() * 6 / 10];
  int dark = sorted.empty() ? 0 : sorted[sorted.size() / 100];
  p.haze = dark;

  size_t counted = 0, glare = 0, skin = 0;
  int margin = int(kJudgePxPerMm * 1.5);
  for (int y = margin; y < card.height - margin; ++y)
    for (int x = margin; x < card.width - margin; ++x) {
      const uint8_t* c = card.at(x, y);
      int l = luma[size_t(y) * card.width + x];
      int hi = std::max({c[0], c[1], c[2]}), lo = std::min({c[0], c[1], c[2]});
      ++counted;
      // Specular light: near white, colourless, and brighter than the card's paper.
      if (l >= 242 && hi - lo <= 14 && l >= paper + 5) ++glare;
      if (in_photo(x / kJudgePxPerMm, y / kJudgePxPerMm)) continue;
      // Skin in YCbCr (ITU-R BT.601), the usual box widened for shade and warm light.
      double cr = 128 + 0.5 * c[0] - 0.4187 * c[1] - 0.0813 * c[2];
      double cb = 128 - 0.1687 * c[0] - 0.3313 * c[1] + 0.5 * c[2];
      if (l > 50 && cr >= 143 && cr <= 178 && cb >= 85 && cb <= 127) ++skin;
    }
  p.glare_share = counted ? double(glare) / counted : 0;
  p.skin_share = counted ? double(skin) / counted : 0;
  p.verdicts.push_back(
      {"no_sleeve_glare", p.glare_share <= kSleeveMaxGlareShare, p.glare_share, kSleeveMaxGlareShare, "glare_share"});
  p.verdicts.push_back({"no_hand", p.skin_share <= kHandMaxSkinShare, p.skin_share, kHandMaxSkinShare, "skin_share"});
  return p;
}

}  // namespace caora::card
