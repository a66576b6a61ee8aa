#include "card/ocr/placement.h"

#include <algorithm>
#include <cmath>

namespace caora::card {

namespace {

// The card and its surroundings are sampled on a grid in the card's own mm (through
// the outline's homography), each sample the mean of 3x3 frame pixels so that sensor
// noise is not taken for glare.
constexpr double kStepMm = 0.5;

struct Sampler {
  const RgbImage& frame;
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

Rgb paper_colour(const std::vector<Rgb>& ground) {
  // The card's own white: the lighter half of its ground, channel by channel. Its tint
  // is the light's (and the camera's white balance), which the title's hue is read against.
  if (ground.empty()) return {};
  std::vector<double> luma;
  luma.reserve(ground.size());
  for (const Rgb& c : ground) luma.push_back(c.luma());
  auto mid = luma.begin() + luma.size() / 2;
  std::nth_element(luma.begin(), mid, luma.end());
  double split = *mid;
  std::vector<double> r, g, b;
  for (const Rgb& c : ground)
    if (c.luma() >= split) r.push_back(c.r), g.push_back(c.g), b.push_back(c.b);
  auto median = [](std::vector<double>& x) {
    std::nth_element(x.begin(), x.begin() + x.size() / 2, x.end());
    return x[x.size() / 2];
  };
  return {median(r), median(g), median(b)};
}

double red_purple_lean(const Rgb& c, const Rgb& paper) {
  // Red over green, as a log ratio against the paper's own: a shadow or a brighter light
  // scales both channels alike and cancels out; the light's tint cancels with the paper's.
  constexpr double kDark = 4;  // keeps the ratio finite and quiet in near-black pixels
  return std::log((c.r + kDark) / (c.g + kDark)) - std::log((paper.r + kDark) / (paper.g + kDark));
}

double blue_over_green(const Rgb& c, const Rgb& paper) {
  constexpr double kDark = 4;
  return std::log((c.b + kDark) / (c.g + kDark)) - std::log((paper.b + kDark) / (paper.g + kDark));
}

double title_ink_share(const std::vector<Rgb>& title, const Rgb& paper) {
  if (title.empty()) return 0;
  size_t ink = 0;
  for (const Rgb& c : title) ink += red_purple_lean(c, paper) >= kRedPurpleMinLean && blue_over_green(c, paper) >= 0;
  return double(ink) / title.size();
}

double skin_joined_to_outside(const std::vector<uint8_t>& skin, const std::vector<uint8_t>& outside,
                              const std::vector<uint8_t>& counted, int width) {
  if (width <= 0 || skin.size() != outside.size() || skin.size() != counted.size()) return 0;
  int height = int(skin.size() / width);
  std::vector<uint8_t> reached(skin.size(), 0);
  std::vector<int> stack;
  for (size_t k = 0; k < skin.size(); ++k)
    if (skin[k] && outside[k]) reached[k] = 1, stack.push_back(int(k));
  while (!stack.empty()) {
    int k = stack.back();
    stack.pop_back();
    int i = k % width, j = k / width;
    const int next[4] = {i > 0 ? k - 1 : -1, i + 1 < width ? k + 1 : -1, j > 0 ? k - width : -1,
                         j + 1 < height ? k + width : -1};
    for (int n : next)
      if (n >= 0 && skin[n] && !reached[n]) reached[n] = 1, stack.push_back(n);
  }
  size_t all = 0, hand = 0;
  for (size_t k = 0; k < skin.size(); ++k)
    if (counted[k]) ++all, hand += reached[k];
  return all ? double(hand) / all : 0;
}

namespace {

// The hand's skin share: skin-toned cells on the card (the photo's place included) that are joined, through skin, to
// skin outside the card. A hand reaches in over the card's edge; warm pixels scattered
// over the print (a photo's tint, JPEG noise) join nothing outside.
double hand_skin_share(const Sampler& s) {
  constexpr double kOut = 8;  // mm of the slot around the card looked at
  int nu = int((kCardWidthMm + 2 * kOut) / kStepMm) + 1, nv = int((kCardHeightMm + 2 * kOut) / kStepMm) + 1;
  std::vector<uint8_t> mask(size_t(nu) * nv, 0);
  auto u_of = [&](int i) { return -kOut + i * kStepMm; };
  auto v_of = [&](int j) { return -kOut + j * kStepMm; };
  auto outside = [&](double u, double v) { return u < 0 || v < 0 || u > kCardWidthMm || v > kCardHeightMm; };
  for (int j = 0; j < nv; ++j)
    for (int i = 0; i < nu; ++i) {
      double u = u_of(i), v = v_of(j);
      // The photo's place too: fingers over it join the hand (the face in the photo joins
      // nothing outside, the card's white margin lies between).
      auto c = s.at(u, v);
      mask[size_t(j) * nu + i] = c && skin(*c);
    }
  std::vector<uint8_t> counted(mask.size(), 0), out(mask.size(), 0);
  for (int j = 0; j < nv; ++j)
    for (int i = 0; i < nu; ++i) {
      double u = u_of(i), v = v_of(j);
      out[size_t(j) * nu + i] = outside(u, v);
      counted[size_t(j) * nu + i] = u >= 1.5 && v >= 1.5 && u <= kCardWidthMm - 1.5 && v <= kCardHeightMm - 1.5;
    }
  return skin_joined_to_outside(mask, out, counted, nu);
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

double title_share_on(const RgbImage& frame, const Quad& quad) {
  Sampler s{frame, rect_to_quad(kCardWidthMm, kCardHeightMm, quad)};
  std::vector<Rgb> title, ground;
  for (double v = 1.5; v < kCardHeightMm - 1.5; v += kStepMm * 2)
    for (double u = 1.5; u < kCardWidthMm - 1.5; u += kStepMm * 2)
      if (auto c = s.at(u, v); c && !in_photo(u, v)) ground.push_back(*c);
  for (double v = 43; v < 52; v += kStepMm)
    for (double u = 1.5; u < 42; u += kStepMm)
      if (auto c = s.at(u, v)) title.push_back(*c);
  return title_ink_share(title, paper_colour(ground));
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
  std::vector<Rgb> title, ground;
  for (double v = 1.5; v < kCardHeightMm - 1.5; v += kStepMm)
    for (double u = 1.5; u < kCardWidthMm - 1.5; u += kStepMm) {
      auto c = s.at(u, v);
      if (!c) continue;
      ++counted;
      // Specular light: near white and colourless.
      if (c->luma() >= 248 && c->sat() <= 12) ++glare;
      if (!in_photo(u, v)) {
        if (skin(*c)) ++skin_count;
        ground.push_back(*c);
      }
      if (u < 42 && v > 43 && v < 52) title.push_back(*c);
    }
  p.glare_share = counted ? double(glare) / counted : 0;
  p.skin_share_any = counted ? double(skin_count) / counted : 0;
  p.skin_share = hand_skin_share(s);
  Rgb paper = paper_colour(ground);
  p.paper_chroma = paper.r + paper.g + paper.b > 0 ? paper.sat() / std::max({paper.r, paper.g, paper.b}) : 0;
  p.title_colour = title_ink_share(title, paper);
  // A sleeve is a little larger than the card: its edge and haze show as a lighter rim
  // just outside the card, against the slot further out. Judged on the side that shows
  // it least but one, so a hand on one side or a frame edge does not decide.
  std::vector<double> rim;
  for (int side = 0; side < 4; ++side) {
    auto near = band_luma(s, side, 1.0, 3.5), far = band_luma(s, side, 9.0, 13.0);
    if (near && far) rim.push_back(*near - *far);
  }
  std::sort(rim.begin(), rim.end());
  p.sleeve_rim = rim.size() >= 2 ? rim[1] : 0;
  p.verdicts.push_back({"no_sleeve_glare", p.sleeve_rim < kSleeveMinRim, p.sleeve_rim, kSleeveMinRim, "sleeve_rim_luma"});
  bool hand = p.skin_share >= kHandMinSkinShare;
  p.verdicts.push_back({"no_hand", !hand, p.skin_share, kHandMinSkinShare, "hand_skin_share"});
  // Judged only on a card that shows its face: the back and a blank card are told by
  // face_up already, and a hand over the card or a sleeve's haze may hide the title.
  bool sleeve = p.sleeve_rim >= kSleeveMinRim;
  bool my_number = p.title_colour >= kMyNumberMinTitleInk && p.paper_chroma <= kMyNumberMaxPaperChroma;
  p.verdicts.push_back({"my_number_card", !photo || hand || sleeve || my_number, p.title_colour, kMyNumberMinTitleInk,
                        "title_red_purple_share"});
  // Another card's top and bottom are not the My Number Card's: its "photo" told nothing.
  if (!p.verdicts.back().ok) p.verdicts[2].ok = true;
  return p;
}

}  // namespace caora::card
