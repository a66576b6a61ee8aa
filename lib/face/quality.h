// Quality of a live capture for face authentication: the physical causes the
// vendor lists for "face authentication times out" (distance ~30 cm, position,
// tilt, light). Each finding is a threshold on a measured value; the values are
// reported too, so a technician sees how far off a capture is.
//
// The thresholds are provisional: they come from the geometry of a webcam at
// 30 cm (a 15 cm wide face fills about 40% of a 60-degree frame) and from dlib's
// example photos, not yet from captures of a real Caora unit.
//
// Occlusions are judged from patches placed by the 68 landmarks (face_patches()),
// each compared with the same face's own skin so skin tone and light cancel out.
// Measured with `face_golden occlusion` (tests/face) on dlib's 55 johns chips and the
// 36 faces of dlib's example photos, each drawn over with masks (beige, pink, white,
// blue, black; shaded, pleated), a dark band, hair, sunglasses and glare. A mask or
// band often stops dlib's detector: the face is then looked for as a weak candidate
// (kWeakFaceAdjust) and what covers it is said, although no face is accepted.
// In 640x480 capture-like frames (`face_golden occlude KIND_frame`: every 5th johns
// chip at 2x on a textured background, through `caora selftest face`): 0 of 11
// untouched faces flagged; beige masks 9 of 11 said, pink 8, a dark band and hair 11.
//
// A face rolled past what dlib's detector takes, or so close that it fills or is cut by
// the frame, is looked for again on a padded and on turned copies (redetect.h) when no
// face is accepted and the weak candidate shows no cover: found there, it is said
// tilted or too_large (face_found stays false). Measured with `face_golden pose JOHNS
// PHOTOS` (tests/face) on the same 91 faces in 640x480 capture-like frames: rolled
// 20/30/40/45 degrees, tilted said for 84/90/82/71 of 91 (dlib's detector itself takes
// most: 90/90/85/74, its rotated filters; at 40-45 degrees the landmarks, fitted from an
// upright start, then read under 15 degrees for about 15 of them, and a weak candidate
// passes for masked on a few); filling the frame (the box 95% of its width) or cut by
// an edge, too_large for 90 and 85 of 91; untouched faces and 18 pictures without a
// face: none flagged by the second look. It costs a median of 43 to 95 ms per picture
// where it runs, at most 154 ms (2-core machine; `ctest -R face.pose -V` prints it).
#pragma once

#include <optional>
#include <vector>

#include "core/text.h"
#include "face/face_finder.h"
#include "image/image.h"

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
// ...and at least this many times the share around the mouth: glare is a spot on the
// eyes, not a bright or overexposed picture (grey noise has 4% everywhere).
inline constexpr double kGlareContrast = 4.0;
// When the detector accepts no face, candidates down to dlib's threshold plus this are
// looked at for a mask or a band over the eyes. Untouched faces score 0.28 to 2.9;
// masked ones -1.0 to 0.95 (at -1.0, 90 of 91 beige-masked faces are seen).
inline constexpr double kWeakFaceAdjust = -1.0;
// Eyes darker than this share of the reference skin's luma: sunglasses or a band
// (untouched faces 0.40 to 0.99; sunglasses 0.13 to 0.34). The reference is the skin
// under the eyes, or the forehead when the lower face is masked.
inline constexpr double kEyesDarkRatio = 0.36;
// The eye strip (brows to under the lids, across both eyes) darker than this share:
// a band over the eyes (untouched 0.63 to 1.00; a dark band 0.14 to 0.42 in 90 of 91).
inline constexpr double kEyeStripDarkRatio = 0.50;
// The eye strip's horizontal gradients over its vertical ones above this: strands of
// hair across the eyes (untouched 0.50 to 0.98: lids and brows are horizontal edges;
// hair 0.68 to 4.9, over 1.6 in 89 of 91).
inline constexpr double kHairStrandRatio = 1.4;
// A mask: the nose patch (under the eyes to the nose tip) nearly flat -- luma spread
// over luma below this (untouched 0.067 to 0.47; masked 0.016 to 0.056 in 90%) -- and
// the mouth patch flat too (spread under kMaskMouthFlat) or without the dark line
// between the lips (dip under kMaskMouthLine), and not blown out (luma under 240).
inline constexpr double kMaskNoseFlat = 0.05;
// A nose patch flatter than this (half the flattest untouched face's) is a mask even
// where the mouth patch, placed by landmarks guessed under the mask, catches its edge.
inline constexpr double kMaskNoseVeryFlat = 0.035;
inline constexpr double kMaskMouthFlat = 0.15;
inline constexpr double kMaskMouthLine = 0.20;
// A dark mask: the mouth and nose patches both darker than this share of the forehead
// (untouched faces 0.56 and up).
inline constexpr double kDarkMaskRatio = 0.35;
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
  // Detail: mean horizontal + vertical gradient magnitude (luma per pixel).
  double eyes_detail = 0, lower_detail = 0, skin_detail = 0, brow_detail = 0;
  // The eye strip: both eyes and brows across, from the brows to under the lower lids.
  double strip_luma = 0, strip_std = 0, strip_detail = 0, strip_hedges = 0, strip_vedges = 0;
  double lower_bright = 0;  // share of near-white pixels in the mouth patch
  // The mouth: how much darker its darkest row is than its mean (the line between the lips).
  double mouth_dip = 0;
};
FacePatches face_patches(const RgbImage& image, const FoundFace& face);

struct Quality {
  bool face_found = false;
  int faces = 0;  // how many the detector saw; the largest is judged
  // No face was accepted, but a weak candidate was (see kWeakFaceAdjust): only what is
  // seen over its eyes and lower face is judged, and only when present.
  bool weak_face = false;
  double score = 0;  // the detector's confidence in the face judged
  // No face was accepted upright, but one was found on a copy (redetect.h): "rotated"
  // (then tilted, with roll_degrees) or "padded" (then too_large, with width_ratio).
  // face_found stays false: the unit's detector would not take this face either, and
  // the chip cut from a turned copy is not what the unit would compare.
  const char* redetected = nullptr;
  const char* eyes_cover = nullptr;  // what covers the eyes: "glare", "dark", "hair"
  std::optional<bool> too_small, too_large, off_center, tilted, eyes_occluded, backlit, dark, masked;
  // The measurements behind the findings (set when a face was found).
  double width_ratio = 0, centre_dx = 0, centre_dy = 0, roll_degrees = 0, yaw_ratio = 0;
  double face_luma = 0, surround_luma = 0;
  FacePatches patches;
};

// The eye line's lean in degrees, from the 68 landmarks. Image coordinates (y down):
// positive when the eye on the image's right is lower, i.e. the head leans clockwise
// as seen on screen.
double roll_degrees_of(const FoundFace& face);
// A face box wider than kTooLargeRatio of the image, or reaching outside it.
bool too_large_in(const Box& box, int width, int height);

// Judges the largest of `faces` (as FaceFinder::find returns them) in `image`.
Quality assess_quality(const RgbImage& image, const std::vector<FoundFace>& faces);

// Finds the faces in a capture and judges it; when the detector accepts none, looks
// again on turned and padded copies (redetect.h: a rolled face, one too close) and
// then for a weak candidate (a mask or a band over the eyes often stops the detector)
// and says what covers it. `faces` (optional) receives the faces found.
Expected<Quality> assess_probe(const FaceFinder& finder, const RgbImage& image,
                               std::vector<FoundFace>* faces = nullptr);
// The second half of assess_probe: a capture in which the detector accepted no face.
Expected<Quality> assess_without_face(const FaceFinder& finder, const RgbImage& image);

struct Finding {
  const char* id;  // the quality field: "too_small", ...
  Text what;       // what was seen, with the measurement
  Text advice;     // what to do about it (the vendor's advice)
};
// The findings that are true, in a fixed order, each with the vendor's advice.
std::vector<Finding> quality_findings(const Quality& q);

}  // namespace caora::face
