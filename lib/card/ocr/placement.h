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
  std::string id;      // vertical, face_up, not_upside_down, no_sleeve_glare, no_hand
  bool ok = true;      // the card is placed right on this point
  double measured = 0;
  double threshold = 0;
  std::string measure;  // what `measured` is, e.g. "rotation_ccw_degrees"
};

// Thresholds, from generated cards (tests/tools/cardgen; see man caora-selftest, "how
// the thresholds were chosen", and bench/card.sh for the run that checks them).
// face_up: share of the photo's place filled by a block (fronts >= 0.9, backs and
// other cards below 0.3 on generated sets).
inline constexpr double kFaceUpMinPhotoScore = 0.55;
// no_sleeve_glare: share of the card area that is specular (near-white, brighter than
// the card's own paper).
inline constexpr double kSleeveMaxGlareShare = 0.06;
// no_hand: share of the card area covered by skin-toned pixels outside the photo.
inline constexpr double kHandMaxSkinShare = 0.035;

struct PlacementInput {
  const face::RgbImage* frame = nullptr;
  Quad quad;              // oriented: quad[0] is the card's top-left
  double photo_score = 0;  // photo_block_score() of the upright card
};

struct Placement {
  int rotation = 0;      // counter-clockwise, 0/90/180/270; 90 is right for this slot
  double skew = 0;       // degrees off that right angle
  double glare_share = 0, haze = 0, skin_share = 0;
  std::vector<Verdict> verdicts;
  bool all_ok() const;
  const Verdict* find(const std::string& id) const;
};

Placement judge_placement(const PlacementInput& in);

}  // namespace caora::card
