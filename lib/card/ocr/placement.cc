#include "card/ocr/placement.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace caora::card {

namespace {

// The card and its surroundings are sampled on a grid in the card's own mm (through
// the outline's homography), each sample the mean of 3x3 frame pixels so that sensor
// noise is not taken for glare.
constexpr double kStepMm = 0.5;

struct Rgb {
  double r = 0, g = 0, b = 0;
  double luma() const { return 0.299 * r + 0.587 * g + 0.114 * b; }
  double sat() const { return std::max({r, g, b}) - std::min({r, g, b}); }
};

struct Sampler {
  const face::RgbImage& frame;
  Homography h;
  std::optional<Rgb> at(double u_mm, double v_mm) const {
    Point p = apply(h, u_mm, v_mm);
    int x = int(std::floor(p.x)), y = int(std::floor(p.y));
    if (x < 1 || y < 1 || x + 1 >= frame.width || y + 1 >= frame.height) return std::nullopt;
    Rgb sum;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const uint8_t* c = frame.at(x + dx, y + dy);
        sum.r += c[0], sum.g += c[1], sum.b += c[2];
      }
    return Rgb{sum.r / 9, sum.g / 9, sum.b / 9};
  }
};

bool in_photo(double u, double v) { return u > 59 && u < 85 && v > 2 && v < 33; }

bool skin(const Rgb& c) {
  // YCbCr (ITU-R BT.601), the usual box widened for shade and warm light.
  double cr = 128 + 0.5 * c.r - 0.4187 * c.g - 0.0813 * c.b;
  double cb = 128 - 0.1687 * c.r - 0.3313 * c.g + 0.5 * c.b;
  return c.luma() > 50 && cr >= 143 && cr <= 178 && cb >= 85 && cb <= 127;
}

// Mean luma of a band of the surroundings parallel to one side, from `from` to `to`
// mm outside the card; side 0 top, 1 right, 2 bottom, 3 left (the card's own sides).
std::optional<double> band_luma(const Sampler& s, int side, double from, double to) {
  double sum = 0;
  int n = 0;
  for (double d = from; d <= to; d += kStepMm) {
    bool along_u = side == 0 || side == 2;
    double len = along_u ? kCardWidthMm : kCardHeightMm;
    for (double t = len * 0.15; t <= len * 0.85; t += kStepMm * 2) {
      double u = side == 0 ? t : side == 1 ? kCardWidthMm + d : side == 2 ? t : -d;
      double v = side == 0 ? -d : side == 1 ? t : side == 2 ? kCardHeightMm + d : t;
      if (auto c = s.at(u, v)) sum += c->luma(), ++n;
    }
  }
  if (n < 10) return std::nullopt;
  return sum / n;
}

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
  // Face up: a continuous-tone photo where the front has it. The back has its QR code
  // there (black and white), a blank card nothing.
  bool photo = in.photo_score >= kFaceUpMinPhotoScore && in.photo_tone >= kFaceUpMinPhotoTone;
  p.verdicts.push_back({"face_up", photo, std::min(in.photo_score, in.photo_tone / kFaceUpMinPhotoTone * kFaceUpMinPhotoScore),
                        kFaceUpMinPhotoScore, "photo_block_share"});
  // Without the photo there is nothing to tell the card's top from its bottom.
  // Upside down: the card's top towards the frame's right (270) or bottom (180).
  p.verdicts.push_back({"not_upside_down", !photo || p.rotation == 90 || p.rotation == 0, double(p.rotation), 180,
                        "rotation_ccw_degrees"});

  Sampler s{*in.frame, rect_to_quad(kCardWidthMm, kCardHeightMm, in.quad)};
  size_t counted = 0, glare = 0, skin_count = 0;
  std::vector<Rgb> title;
  for (double v = 1.5; v < kCardHeightMm - 1.5; v += kStepMm)
    for (double u = 1.5; u < kCardWidthMm - 1.5; u += kStepMm) {
      auto c = s.at(u, v);
      if (!c) continue;
      ++counted;
      // Specular light: near white and colourless.
      if (c->luma() >= 248 && c->sat() <= 12) ++glare;
      if (!in_photo(u, v) && skin(*c)) ++skin_count;
      if (u < 42 && v > 43 && v < 52) title.push_back(*c);
    }
  // The title 個人番号カード, bottom left, is printed in a dark red-purple: of the print
  // there (darker than the paper around it), how much leans red over green.
  size_t title_ink = 0, title_colour = 0;
  if (!title.empty()) {
    std::vector<double> l;
    for (const Rgb& c : title) l.push_back(c.luma());
    std::nth_element(l.begin(), l.begin() + l.size() * 8 / 10, l.end());
    double paper = l[l.size() * 8 / 10];
    for (const Rgb& c : title) {
      double depth = paper - c.luma();
      if (depth < 40) continue;
      ++title_ink;
      title_colour += c.r - c.g >= 0.25 * depth;
    }
  }
  p.glare_share = counted ? double(glare) / counted : 0;
  p.skin_share = counted ? double(skin_count) / counted : 0;
  p.title_colour = title_ink >= 20 ? double(title_colour) / title_ink : 0;
  // A sleeve is a little larger than the card: its edge and haze show as a lighter rim
  // just outside the card, against the slot further out. Judged on the side that shows
  // it least but one, so a hand on one side or a frame edge does not decide.
  std::array<double, 4> rim{};
  int sides = 0;
  for (int side = 0; side < 4; ++side) {
    auto near = band_luma(s, side, 1.0, 3.5), far = band_luma(s, side, 9.0, 13.0);
    if (near && far) rim[sides++] = *near - *far;
  }
  std::sort(rim.begin(), rim.begin() + sides);
  p.sleeve_rim = sides >= 2 ? rim[1] : 0;
  p.verdicts.push_back({"no_sleeve_glare", p.sleeve_rim < kSleeveMinRim, p.sleeve_rim, kSleeveMinRim, "sleeve_rim_luma"});
  p.verdicts.push_back({"no_hand", p.skin_share <= kHandMaxSkinShare, p.skin_share, kHandMaxSkinShare, "skin_share"});
  p.verdicts.push_back({"my_number_card", !photo || p.title_colour >= kMyNumberMinTitleColour, p.title_colour,
                        kMyNumberMinTitleColour, "title_colour_share"});
  return p;
}

}  // namespace caora::card
