// How the card lies in the slot, judged from the camera frame: the placement rules
// of error 001 (縦向き, photo side up, not turned round, no sleeve, hand withdrawn).
// Each verdict keeps the value it was judged on and the threshold, so a technician
// (and the accuracy benchmark) can see how near the line a card was.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "card/ocr/card_finder.h"
#include "core/text.h"
#include "image/image.h"

namespace caora::card {

struct Verdict {
  std::string id;      // vertical, face_up, not_upside_down, no_sleeve_glare, no_hand, my_number_card
  bool ok = true;      // the card is placed right on this point
  double measured = 0;
  double threshold = 0;
  std::string measure;  // what `measured` is, e.g. "rotation_ccw_degrees"
};

// Thresholds, from generated cards (tests/tools/cardgen). Provisional until measured on
// a unit. The figures are the range over the sets named, measured with
//   bench/card_placement.py --cards DIR --bin build/caora
// over cardgen sets of 48 (16 for placements and kinds; seed 2024, bench/card.sh's) and
// checked on a second draw (bench/card_placement.py --generate DIR --count 12 --seed 7);
// man caora-selftest has the figures.
//
// face_up: the photo's place is mostly covered (fronts 0.7-1.0 even washed out, blank
// cards 0) and in continuous tone (fronts 0.20-0.79, lowest under a strong shadow or a
// hand; the back's QR code 0.04-0.09).
inline constexpr double kFaceUpMinPhotoScore = 0.45;
inline constexpr double kFaceUpMinPhotoTone = 0.15;
// no_sleeve_glare: the sleeve's lighter rim just outside the card, in luma levels over
// the slot further out (sleeves 28-53; correctly placed cards -6..5, strong glare up to
// 11, strong blur 4.4, strong JPEG 4.9). Specular white over the card is measured
// (glare_share) but not judged: the card's own white paper reads the same.
inline constexpr double kSleeveMinRim = 15;
// no_hand: share of the card (outside the photo) covered by skin tones joined, through
// skin, to skin outside the card: a hand reaches in over the edge (hands 0.026-0.185,
// the fingers that the plain skin share missed at 0.013-0.024 included); warm pixels
// scattered over the print join nothing outside (cards without a hand 0, though their
// loose skin-toned share, skin_share_any, reaches 0.018).
inline constexpr double kHandMinSkinShare = 0.004;
// my_number_card: the share of the title's box (個人番号カード, bottom left) in red-purple
// print, hue read against the card's own paper (fronts 0.035-0.111, also washed out by
// strong light or under a strong shadow; a sleeve's haze takes it to 0.0007, so it is not
// judged in a sleeve; other cards' black print 0); and the card's ground near white
// (fronts' paper chroma at most 0.063, coloured cards 0.51 and more).
inline constexpr double kMyNumberMinTitleInk = 0.005;
inline constexpr double kMyNumberMaxPaperChroma = 0.15;
// A pixel of red-purple print: red over green this much (log ratio) more than the paper.
inline constexpr double kRedPurpleMinLean = 0.15;

// A colour sample, 0..255 a channel.
struct Rgb {
  double r = 0, g = 0, b = 0;
  double luma() const { return 0.299 * r + 0.587 * g + 0.114 * b; }
  double sat() const { return std::max({r, g, b}) - std::min({r, g, b}); }
};

// The card's paper colour from samples of its ground: per channel, the median of the
// lighter half. {0,0,0} for no samples.
Rgb paper_colour(const std::vector<Rgb>& ground);
// How far c leans to red over green beyond the paper's own balance (log ratio).
double red_purple_lean(const Rgb& c, const Rgb& paper);
// How far c leans to blue over green beyond the paper's balance: red-purple print is
// not below zero, skin (a photo, a hand) is.
double blue_over_green(const Rgb& c, const Rgb& paper);
// The share of the title box's samples in red-purple print (leaning red, and not
// leaning green over blue, as skin does).
double title_ink_share(const std::vector<Rgb>& title, const Rgb& paper);
// The same measured in the frame on the card outlined by quad (quad[0] the card's
// top-left): where the title is, if the card lies that way up.
double title_share_on(const RgbImage& frame, const Quad& quad);
// Of the cells marked counted (a grid `width` wide, row after row), the share that are
// skin joined through 4-connected skin cells to a skin cell marked outside.
double skin_joined_to_outside(const std::vector<uint8_t>& skin, const std::vector<uint8_t>& outside,
                              const std::vector<uint8_t>& counted, int width);

struct PlacementInput {
  const RgbImage* frame = nullptr;
  Quad quad;              // oriented: quad[0] is the card's top-left
  double photo_score = 0;  // photo_block() of the upright card: filled …
  double photo_tone = 0;   // … and in mid tones
};

struct Placement {
  int rotation = 0;      // counter-clockwise, 0/90/180/270; 90 is right for this slot
  double skew = 0;       // degrees off that right angle
  double glare_share = 0, sleeve_rim = 0, title_colour = 0, paper_chroma = 0;
  double skin_share = 0;      // the hand's: skin on the card joined to skin outside it
  double skin_share_any = 0;  // every skin-toned sample on the card, joined or not
  std::vector<Verdict> verdicts;
  bool all_ok() const;
  const Verdict* find(const std::string& id) const;
};

Placement judge_placement(const PlacementInput& in);

}  // namespace caora::card
