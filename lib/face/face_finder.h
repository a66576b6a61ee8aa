// Finding a face and cutting the chip the recognition network expects, with dlib
// from Debian: the HOG frontal-face detector built into dlib, the 68-landmark shape
// predictor (shape_predictor_68_face_landmarks.dat, libdlib-data), and dlib's
// 150x150 face chip (get_face_chip_details(shape, 150, 0.25) + extract_image_chip).
// dlib stays inside face_finder.cc: it is slow to compile and nothing else needs it.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "image/image.h"

namespace caora::face {

inline constexpr const char* kLandmarkModel = "shape_predictor_68_face_landmarks.dat";
// Images are downscaled so their longer side is at most this before detection:
// HOG time grows with the pixel count, and dlib's detector finds faces from about
// 80 px, so a face that fills a good part of a 30 cm capture stays findable.
inline constexpr int kDetectMaxSide = 800;
// Images smaller than this on their longer side are searched again at twice the
// size when nothing is found at their own.
inline constexpr int kUpsampleBelow = 400;

struct Point {
  double x = 0, y = 0;
};

struct Box {
  int left = 0, top = 0, width = 0, height = 0;
};

struct FoundFace {
  Box box;                           // the detector's box, in the input's pixels
  double score = 0;                  // the detector's confidence
  std::array<Point, 68> landmarks;   // dlib's 68-point layout (iBUG 300-W), input pixels
  RgbImage chip;                     // 150x150, aligned as the network was trained
};

class FaceFinder {
 public:
  // Loads the landmark model from `models_dir`, checking its SHA-256 against
  // data/face-models.sha256 (check_sum = false skips that, for benchmarks only).
  // With a `cache_dir`, dlib's detector is read from the copy decoded there by an
  // earlier run (see load_detector in face_finder.cc), else decoded and saved there.
  static Expected<FaceFinder> load(const std::string& models_dir, bool check_sum = true,
                                   const std::string& cache_dir = {});
  // Every face, largest first. An image too small to hold one gives an empty list.
  // The image is downscaled to `max_side` (0: never) for the detector only.
  // `adjust_threshold` < 0 also returns weaker candidates (dlib's detection threshold
  // plus this): how a face the detector does not accept, e.g. behind a mask, is looked for.
  Expected<std::vector<FoundFace>> find(const RgbImage& image, int max_side = kDetectMaxSide,
                                        double adjust_threshold = 0.0) const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace caora::face
