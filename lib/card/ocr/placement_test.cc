#include "card/ocr/placement.h"

#include <catch2/catch.hpp>

using namespace caora::card;

namespace {

// The title's red-purple print and the front's paper, as the slot camera sees them in
// plain light (from the generated cards), and the same under other light.
const Rgb kPaper{254, 247, 248};
const Rgb kTitleInk{102, 13, 35};
const Rgb kBlackInk{40, 40, 42};
const Rgb kSkin{220, 170, 140};

Rgb scaled(const Rgb& c, double r, double g, double b) { return {c.r * r, c.g * g, c.b * b}; }
// Strong light over the card: contrast halved towards white.
Rgb washed(const Rgb& c) { return {128 + c.r / 2, 128 + c.g / 2, 128 + c.b / 2}; }

// A title box of 1000 samples, `ink` of them print.
std::vector<Rgb> title_box(const Rgb& paper, const Rgb& ink, int inked) {
  std::vector<Rgb> box(1000, paper);
  for (int i = 0; i < inked; ++i) box[size_t(i) * 1000 / inked] = ink;
  return box;
}

}  // namespace

TEST_CASE("paper_colour is the median of the lighter half, channel by channel", "[placement]") {
  std::vector<Rgb> ground(60, kPaper);
  for (int i = 0; i < 40; ++i) ground.push_back(kBlackInk);  // print: the darker part
  Rgb p = paper_colour(ground);
  CHECK(p.r == kPaper.r);
  CHECK(p.g == kPaper.g);
  CHECK(p.b == kPaper.b);
  Rgb none = paper_colour({});
  CHECK(none.r + none.g + none.b == 0);
}

TEST_CASE("red_purple_lean: the title's ink leans red, black print and paper do not", "[placement]") {
  CHECK(red_purple_lean(kTitleInk, kPaper) > 1.0);
  CHECK(std::abs(red_purple_lean(kBlackInk, kPaper)) < kRedPurpleMinLean);
  CHECK(std::abs(red_purple_lean(kPaper, kPaper)) < 1e-9);
}

TEST_CASE("red_purple_lean does not change under a shadow or a tinted light", "[placement]") {
  double plain = red_purple_lean(kTitleInk, kPaper);
  // A shadow scales every channel alike: the ratio of red to green stays.
  Rgb ink_shaded = scaled(kTitleInk, 0.35, 0.35, 0.35), paper_shaded = scaled(kPaper, 0.35, 0.35, 0.35);
  CHECK(red_purple_lean(ink_shaded, paper_shaded) > kRedPurpleMinLean * 4);
  // Warm light tints the paper as much as the ink: read against the paper, it cancels.
  Rgb ink_warm = scaled(kTitleInk, 1.0, 0.85, 0.7), paper_warm = scaled(kPaper, 1.0, 0.85, 0.7);
  CHECK(red_purple_lean(ink_warm, paper_warm) == Approx(plain).margin(0.1));
  // And grey print under that warm light does not turn red-purple.
  CHECK(red_purple_lean(scaled(kBlackInk, 1.0, 0.85, 0.7), paper_warm) < kRedPurpleMinLean);
}

TEST_CASE("title_ink_share tells the My Number Card's title from another card's black print", "[placement]") {
  // The title covers 5-9 % of its box on generated fronts.
  CHECK(title_ink_share(title_box(kPaper, kTitleInk, 60), kPaper) == Approx(0.06));
  CHECK(title_ink_share(title_box(kPaper, kBlackInk, 60), kPaper) == 0);
  // Washed out by strong light, the title still counts.
  CHECK(title_ink_share(title_box(washed(kPaper), washed(kTitleInk), 60), washed(kPaper)) >= kMyNumberMinTitleInk);
  CHECK(title_ink_share({}, kPaper) == 0);
}

TEST_CASE("skin_joined_to_outside: a finger over the edge counts, scattered warm cells do not", "[placement]") {
  // A 10 x 8 grid: column 0 and row 0 are outside the card, the rest is card.
  const int w = 10, h = 8;
  std::vector<uint8_t> skin(w * h, 0), outside(w * h, 0), counted(w * h, 0);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      bool out = x == 0 || y == 0;
      outside[y * w + x] = out;
      counted[y * w + x] = !out;
    }
  // Warm cells scattered over the card, none touching the outside.
  skin[3 * w + 4] = skin[5 * w + 7] = skin[6 * w + 2] = 1;
  CHECK(skin_joined_to_outside(skin, outside, counted, w) == 0);
  // A finger from outside along row 2, three cells onto the card.
  for (int x = 0; x <= 3; ++x) skin[2 * w + x] = 1;
  double share = skin_joined_to_outside(skin, outside, counted, w);
  CHECK(share == Approx(3.0 / 63));
  // Touching the finger, a scattered cell joins the hand.
  skin[3 * w + 2] = 1;
  CHECK(skin_joined_to_outside(skin, outside, counted, w) == Approx(4.0 / 63));
  // Mismatched sizes: nothing, not a crash.
  CHECK(skin_joined_to_outside(skin, outside, {}, w) == 0);
  CHECK(skin_joined_to_outside(skin, outside, counted, 0) == 0);
}

TEST_CASE("skin in a photo or a hand leans red but is not the title's red-purple", "[placement]") {
  CHECK(red_purple_lean(kSkin, kPaper) >= kRedPurpleMinLean);
  CHECK(blue_over_green(kSkin, kPaper) < 0);
  CHECK(blue_over_green(kTitleInk, kPaper) > 0);
  CHECK(blue_over_green(washed(kTitleInk), washed(kPaper)) > 0);
  // A title box over a face (the card turned round puts the photo there) holds no title.
  CHECK(title_ink_share(title_box(kPaper, kSkin, 300), kPaper) == 0);
}
