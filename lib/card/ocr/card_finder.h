// Finding the card in the slot camera's frame and rectifying it to a canonical,
// upright, landscape picture of the card (ID-1: 85.6 x 54.0 mm).
//
// The card is lighter than the slot around it: the frame is downscaled, split at
// Otsu's threshold, and the largest light region's outline is fitted with four
// straight sides (robust to the rounded corners and to a hand or a glare spot over
// part of an edge). Which of the four right-angle rotations is upright is decided
// afterwards from the card's content (card_orientation.h).
#pragma once

#include <optional>

#include "card/ocr/gray.h"
#include "image/image.h"

namespace caora::card {

inline constexpr double kCardWidthMm = 85.6;
inline constexpr double kCardHeightMm = 54.0;

struct CardOutline {
  // Corners in frame pixels, clockwise on screen, starting at a corner where a long side
  // begins: quad[0]->quad[1] is a long side. Whether quad[0] is the card's top-left or
  // bottom-right is for the orientation stage to say.
  Quad quad;
  double area_ratio = 0;  // the card's area over the frame's
  double aspect = 0;      // long side over short side (ID-1: 1.585)
  int light_threshold = 0;  // Otsu's split between slot and card, 0..255
};

// Why no card was accepted, with the values measured; see find_card().
struct NoCard {
  double largest_area_ratio = 0;
  double aspect = 0;
};

struct FindResult {
  std::optional<CardOutline> card;
  NoCard rejected;  // when card is empty
};

// A region is a card when it covers at least this share of the frame and its sides are
// in ID-1's proportions within the tolerance (perspective and a hand shift them a little).
inline constexpr double kMinCardAreaRatio = 0.08;
inline constexpr double kMinAspect = 1.30, kMaxAspect = 1.90;

FindResult find_card(const RgbImage& frame);

// The card warped to kCardWidthMm x kCardHeightMm at px_per_mm, quad[0] at the top-left.
GrayImage rectify(const GrayImage& frame, const Quad& quad, double px_per_mm);
RgbImage rectify(const RgbImage& frame, const Quad& quad, double px_per_mm);

// The same outline starting two corners later: the card turned by 180 degrees.
Quad turned(const Quad& quad);
// The card's rotation in the frame, counter-clockwise in degrees (0, 90, 180, 270),
// from the direction of its top edge (quad[0] -> quad[1]); and the residual skew.
int rotation_ccw(const Quad& quad, double* skew_degrees = nullptr);

}  // namespace caora::card
