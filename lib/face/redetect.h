// A second look when dlib's detector accepts no face in a capture: its HOG window only
// takes faces within about 15 degrees of upright and wholly inside the picture, so a
// face rolled 20-45 degrees, or one so close that it fills or is cut by the frame, gives
// "no face" although the vendor's advice for both is simple (hold the head upright; move
// back). The detector runs again on a few rotated copies and on a padded, downscaled
// copy; what it finds there is mapped back to the input's pixels and judged by the same
// geometric rules as an accepted face (quality.h: kMaxRollDegrees, kTooLargeRatio), so
// a face found on a copy is reported only when it is rolled or too large in the input.
#pragma once

#include <optional>

#include "core/result.h"
#include "face/face_finder.h"
#include "image/image.h"

namespace caora::face {

// The rotations tried, in this order, after the padded copy, until one gives a face: each copy catches faces
// rolled within about 15 degrees of its angle, so these cover 10 to 55 degrees either way.
inline constexpr double kRedetectRotations[] = {-25.0, 25.0, -40.0, 40.0};
// The padded copy: the input centred in a canvas this many times its size, so a face
// up to about twice the frame's width fits whole in it.
inline constexpr double kRedetectPadFactor = 2.0;
// The copies are searched at most this size on their longer side: the faces looked for
// are large (a rolled face at 30 cm, or one too close), and time grows with the pixels.
inline constexpr int kRedetectMaxSide = 480;

// `image` turned by `degrees` about its centre, same size, bilinear; what comes in from
// outside repeats the nearest edge pixel. Image coordinates (y down): a positive angle
// turns the content clockwise as seen on screen.
RgbImage rotated(const RgbImage& image, double degrees);
// `image` centred in a canvas `factor` times its width and height; the border repeats
// the nearest edge pixel blended towards the image's mean colour away from it.
RgbImage padded(const RgbImage& image, double factor);

struct Redetection {
  enum class How { Rotated, Padded } how = How::Rotated;
  double rotation = 0;  // the rotation of the copy the face was found on (degrees, as rotated())
  FoundFace face;       // box and landmarks in the input's pixels (may reach outside it); the
                        // chip is cut from the copy, aligned as usual
};

// Looks for a face the upright pass missed: the padded copy first, then the rotated
// ones. Returns the first face found that is, in the input, rolled past kMaxRollDegrees
// (rotated copies) or too large / cut by the frame (padded copy); nothing otherwise.
Expected<std::optional<Redetection>> redetect(const FaceFinder& finder, const RgbImage& image);

}  // namespace caora::face
