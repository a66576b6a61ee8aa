// Quality of a live capture for face authentication: the physical causes the
// vendor lists for "face authentication times out" (distance ~30 cm, position,
// tilt, light). Each finding is a threshold on a measured value; the values are
// reported too, so a technician sees how far off a capture is.
//
// The thresholds are provisional: they come from the geometry of a webcam at
// 30 cm (a 15 cm wide face fills about 40% of a 60-degree frame) and from dlib's
// example photos, not yet from captures of a real Caora unit.
//
// Occlusions: glare over the eyes is judged (eyes_occluded = true); dark bands and
// hair over the eyes are not told apart from dark-eyed faces in shade by any simple
// measure we tried (eyes_occluded stays unknown unless glare is seen), and neither
// are masks from faces (masked stays unknown). A mask mostly stops the detector
// instead: with a mask drawn from the nose bridge to the chin, dlib's HOG detector
// found 18 of 275 johns chips (face_golden occlusion), so "no face" names masks.
#pragma once

#include <optional>
#include <vector>

#include "core/text.h"
#include "face/face_finder.h"
#include "face/image.h"

namespace caora::face {

// Face width / image width: below this the person is too far (beyond ~60 cm).
inline constexpr double kTooSmallRatio = 0.22;
// Above this, too close (nearer than ~15 cm), or cut off by the frame.
inline constexpr double kTooLargeRatio = 0.90;
// The face centre may stray this fraction of the image size from its centre.
inline constexpr double kOffCentreRatio = 0.25;
// Roll: the eye line may lean this many degrees.
inline constexpr double kMaxRollDegrees = 15.0;
// Yaw: the nose tip's offset from the eyes' midpoint, in half eye-spans.
inline constexpr double kMaxYawRatio = 0.35;
// Share of near-white pixels (luma >= 245) in the eye boxes from which we call it glare
// (a reflection on glasses hiding the eye). Measured on dlib's 55 johns chips: 0.000 in
// every original, 0.122 to 0.431 with a glare spot drawn over each eye.
inline constexpr double kGlareShare = 0.05;
// Mean luma (0..255, BT.601) of the face below this: too dark (the vendor asks for >= 150 lx).
inline constexpr double kDarkLuma = 60.0;
// Surroundings brighter than the face by this much: backlit.
inline constexpr double kBacklitDifference = 60.0;

// Patches of the face, measured to judge occlusions (see face_patches()).
struct FacePatches {
  double skin_luma = 0, skin_r = 0, skin_g = 0, skin_std = 0;     // below the eyes, above the nose tip
  double lower_luma = 0, lower_r = 0, lower_g = 0, lower_std = 0; // mouth and chin
  double eyes_luma = 0, eyes_std = 0, eyes_bright = 0;            // both eyes; bright: share of pixels >= 245
  double lower_edges = 0, skin_edges = 0;                          // mean horizontal-gradient magnitude
  double lower_vedges = 0, skin_vedges = 0;                        // mean vertical-gradient magnitude
  double brow_luma = 0, brow_r = 0, brow_g = 0;                    // above the eyebrows (forehead)
};
FacePatches face_patches(const RgbImage& image, const FoundFace& face);

struct Quality {
  bool face_found = false;
  int faces = 0;  // how many the detector saw; the largest is judged
  std::optional<bool> too_small, too_large, off_center, tilted, eyes_occluded, backlit, dark, masked;
  // The measurements behind the findings (set when a face was found).
  double width_ratio = 0, centre_dx = 0, centre_dy = 0, roll_degrees = 0, yaw_ratio = 0;
  double face_luma = 0, surround_luma = 0;
  FacePatches patches;
};

// Judges the largest of `faces` (as FaceFinder::find returns them) in `image`.
Quality assess_quality(const RgbImage& image, const std::vector<FoundFace>& faces);

struct Finding {
  const char* id;  // the quality field: "too_small", ...
  Text what;       // what was seen, with the measurement
  Text advice;     // what to do about it (the vendor's advice)
};
// The findings that are true, in a fixed order, each with the vendor's advice.
std::vector<Finding> quality_findings(const Quality& q);

}  // namespace caora::face
