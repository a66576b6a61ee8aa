#include "card/ocr/card_finder.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

using namespace caora;
using namespace caora::card;

namespace {

// A slot frame: dark, with noise and a vignette, and a light card with rounded corners
// (3 mm radius) drawn at `angle_deg` counter-clockwise, its centre at (cx, cy).
struct Drawn {
  RgbImage frame;
  Quad corners;  // the card's TL, TR, BR, BL in frame pixels
};

Drawn draw_card(double angle_deg, double cx, double cy, double px_per_mm, bool hand = false) {
  Drawn d{make_rgb(600, 800), {}};
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0, 6);
  double a = -angle_deg * M_PI / 180;  // screen y down: counter-clockwise is negative
  double c = std::cos(a), s = std::sin(a);
  double hw = kCardWidthMm / 2, hh = kCardHeightMm / 2, r = 3.0;
  const double corner_mm[4][2] = {{-hw, -hh}, {hw, -hh}, {hw, hh}, {-hw, hh}};
  for (int i = 0; i < 4; ++i) {
    double u = corner_mm[i][0] * px_per_mm, v = corner_mm[i][1] * px_per_mm;
    d.corners[i] = {cx + u * c - v * s, cy + u * s + v * c};
  }
  for (int y = 0; y < d.frame.height; ++y)
    for (int x = 0; x < d.frame.width; ++x) {
      double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
      double u = (dx * c + dy * s) / px_per_mm, v = (-dx * s + dy * c) / px_per_mm;  // mm in the card's frame
      double qx = std::max(std::fabs(u) - (hw - r), 0.0), qy = std::max(std::fabs(v) - (hh - r), 0.0);
      bool inside = std::fabs(u) <= hw && std::fabs(v) <= hh && std::hypot(qx, qy) <= r;
      double vignette = 1 - 0.4 * std::hypot(x - 300.0, y - 400.0) / 500;
      int value = inside ? 235 : int(45 * vignette);
      if (inside && u > 62 - hw && u < 82 - hw && v > 5 - hh && v < 30 - hh) value = 90;  // the photo
      // A hand: a skin-toned blob entering from the frame's right edge over the card.
      bool skin = hand && std::hypot(x - 560.0, y - 400.0) < 120;
      uint8_t* p = d.frame.at(x, y);
      int n = int(noise(rng));
      if (skin) {
        p[0] = 220, p[1] = 170, p[2] = 140;
      } else {
        for (int k = 0; k < 3; ++k) p[k] = uint8_t(std::clamp(value + n, 0, 255));
      }
    }
  return d;
}

double max_corner_error(const Quad& found, const Quad& truth) {
  // The outline's starting corner is up to the orientation stage: compare with the
  // best of the two orders a long side can start.
  double best = 1e9;
  for (int shift : {0, 2}) {
    double worst = 0;
    for (int i = 0; i < 4; ++i) {
      const Point& p = found[(i + shift) % 4];
      worst = std::max(worst, std::hypot(p.x - truth[i].x, p.y - truth[i].y));
    }
    best = std::min(best, worst);
  }
  return best;
}

}  // namespace

TEST_CASE("the card is found and its corners fitted through rounded corners", "[card][ocr]") {
  for (double angle : {90.0, 93.0, 87.0, 270.0, 0.0}) {
    Drawn d = draw_card(angle, 300, 400, angle == 0.0 ? 6.5 : 8.0);
    FindResult r = find_card(d.frame);
    INFO("angle " << angle);
    REQUIRE(r.card);
    CHECK(max_corner_error(r.card->quad, d.corners) < 2.5);
    CHECK_THAT(r.card->aspect, Catch::Matchers::WithinAbs(kCardWidthMm / kCardHeightMm, 0.03));
    // Either starting corner: the rotation is the drawn one or the drawn one plus 180.
    int rot = rotation_ccw(r.card->quad);
    int want = int(std::lround(angle / 90)) % 4 * 90;
    CHECK((rot == want || rot == (want + 180) % 360));
  }
}

TEST_CASE("a hand over an edge does not pull the fitted side", "[card][ocr]") {
  Drawn d = draw_card(90, 300, 400, 8.0, /*hand=*/true);
  FindResult r = find_card(d.frame);
  REQUIRE(r.card);
  CHECK(max_corner_error(r.card->quad, d.corners) < 4.0);
}

TEST_CASE("a sharp shadow across the card does not make its lit part the card", "[card][ocr]") {
  // A shadow over the frame's lower part, its edge slanting or square across the card:
  // the lit part alone is a clean four-sided region, but only a part of the card.
  for (double slope : {0.0, 0.6, -1.0}) {
    Drawn d = draw_card(90, 300, 400, 8.0);
    for (int y = 0; y < d.frame.height; ++y)
      for (int x = 0; x < d.frame.width; ++x)
        if (y > 420 + slope * (x - 300))
          for (int k = 0; k < 3; ++k) d.frame.at(x, y)[k] = uint8_t(d.frame.at(x, y)[k] * 0.32);
    FindResult r = find_card(d.frame);
    INFO("shadow edge slope " << slope);
    REQUIRE(r.card);
    CHECK(max_corner_error(r.card->quad, d.corners) < 4.0);
    CHECK(rotation_ccw(r.card->quad) % 180 == 90);
  }
}

TEST_CASE("an empty slot has no card, and says what it measured", "[card][ocr]") {
  RgbImage dark = make_rgb(300, 400);
  for (size_t i = 0; i < dark.pixels.size(); ++i) dark.pixels[i] = uint8_t(30 + (i * 7919) % 13);
  FindResult r = find_card(dark);
  CHECK_FALSE(r.card);
  CHECK(r.rejected.largest_area_ratio < kMinCardAreaRatio);
  CHECK_FALSE(find_card(make_rgb(3, 3)).card);
}

TEST_CASE("rotation is read from the card's top edge", "[card][ocr]") {
  // Top edge pointing up the frame: the card turned 90 degrees counter-clockwise.
  Quad upright = {{{100, 900}, {100, 100}, {600, 100}, {600, 900}}};
  double skew = 1;
  CHECK(rotation_ccw(upright, &skew) == 90);
  CHECK_THAT(skew, Catch::Matchers::WithinAbs(0, 1e-9));
  CHECK(rotation_ccw(turned(upright)) == 270);
  Quad flat = {{{100, 100}, {900, 110}, {900, 600}, {100, 590}}};
  CHECK(rotation_ccw(flat, &skew) == 0);
  CHECK(skew < 0);  // the top edge runs slightly downwards: clockwise
  CHECK(rotation_ccw(turned(flat)) == 180);
}

TEST_CASE("rectify maps the quad onto the canonical card", "[card][ocr]") {
  Quad q = {{{10, 10}, {95.6, 10}, {95.6, 64}, {10, 64}}};
  GrayImage src = make_gray(110, 80, 0);
  for (int y = 10; y < 64; ++y)
    for (int x = 10; x < 96; ++x) src.at(x, y) = x < 53 ? 50 : 200;
  GrayImage out = rectify(src, q, 2.0);
  CHECK(out.width == 171);
  CHECK(out.height == 108);
  CHECK(out.at(20, 50) == 50);
  CHECK(out.at(150, 50) == 200);
}
