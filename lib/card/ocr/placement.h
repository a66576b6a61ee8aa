// How the card lies in the slot, judged from the camera frame: the placement rules
// of error 001 (縦向き, photo side up, not turned round, no sleeve, hand withdrawn).
// Each verdict keeps the value it was judged on and the threshold, so a technician
// (and the accuracy benchmark) can see how near the line a card was.
#pragma once

#include <string>
#include <vector>

#include "card/ocr/card_finder.h"
#include "core/text.h"
#include "face/image.h"

namespace caora::card {

struct Verdict {
  std::string id;      // vertical, face_up, not_upside_down, no_sleeve_glare, no_hand, my_number_card
  bool ok = true;      // the card is placed right on this point
  double measured = 0;
  double threshold = 0;
  std::string measure;  // what `measured` is, e.g. "rotation_ccw_degrees"
};

// Thresholds, from generated cards (tests/tools/cardgen; bench/card.sh checks them;
// man caora-selftest says how they were chosen). Provisional until measured on a unit.
// Measured with `caora --json selftest card` over cardgen sets of 10 (seed 5) per
// placement, kind and perturbation (see man caora-selftest for the command):
// face_up: the photo's place is mostly covered (fronts 0.7-1.0 even washed out, blank
// cards 0) and in continuous tone (fronts 0.20-0.79, lowest under a strong shadow or a
// hand; the back's QR code 0.04-0.09).
inline constexpr double kFaceUpMinPhotoScore = 0.45;
inline constexpr double kFaceUpMinPhotoTone = 0.15;
// no_sleeve_glare: the sleeve's lighter rim just outside the card, in luma levels over
// the slot further out (sleeves 25-58; everything else -5..5). Specular white over the
// card is measured (glare_share) but not judged: the card's own white paper reads the same.
inline constexpr double kSleeveMinRim = 15;
// no_hand: share of the card (outside the photo) covered by skin tones (hands
// 0.03-0.16, one finger at the edge 0.017; cards without a hand at most 0.019).
inline constexpr double kHandMaxSkinShare = 0.025;
// my_number_card: share of the title's dark print in the title's red-purple (fronts
// 0.95-1.0 in normal light; other cards' black print 0).
inline constexpr double kMyNumberMinTitleColour = 0.5;

struct PlacementInput {
  const face::RgbImage* frame = nullptr;
  Quad quad;              // oriented: quad[0] is the card's top-left
  double photo_score = 0;  // photo_block() of the upright card: filled …
  double photo_tone = 0;   // … and in mid tones
};

struct Placement {
  int rotation = 0;      // counter-clockwise, 0/90/180/270; 90 is right for this slot
  double skew = 0;       // degrees off that right angle
  double glare_share = 0, sleeve_rim = 0, skin_share = 0, title_colour = 0;
  std::vector<Verdict> verdicts;
  bool all_ok() const;
  const Verdict* find(const std::string& id) const;
};

Placement judge_placement(const PlacementInput& in);

}  // namespace caora::card
