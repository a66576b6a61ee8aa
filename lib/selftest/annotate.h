// A picture of what the self-test saw, for a person to look at: the face box, the
// 68 landmarks and the eye line on the capture, and the verdicts written along the
// top (MATCH / NO MATCH with the distance, then each quality finding), in a small
// built-in bitmap font so no font files are needed.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "face/face_finder.h"
#include "image/image.h"
#include "image/image_io.h"

namespace caora::face {

struct Verdict {
  std::string text;  // ASCII; letters are drawn in capitals
  bool good = true;  // green when good, red otherwise
};

// Draws on a copy of `image`; `face` may be null (no face found).
RgbImage annotate(const RgbImage& image, const FoundFace* face, const std::vector<Verdict>& verdicts);

}  // namespace caora::face
