#include "face/face_finder.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/revision.h>

#include "core/fs.h"
#include "core/sha256.h"
#include "face/weights.h"

namespace caora::face {

struct FaceFinder::Impl {
  // dlib's detector keeps scratch state; one search at a time.
  std::mutex mu;
  dlib::frontal_face_detector detector;
  dlib::shape_predictor predictor;
};

namespace {

dlib::array2d<dlib::rgb_pixel> to_dlib(const RgbImage& img) {
  dlib::array2d<dlib::rgb_pixel> out(img.height, img.width);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      const uint8_t* p = img.at(x, y);
      out[y][x] = dlib::rgb_pixel(p[0], p[1], p[2]);
    }
  return out;
}

RgbImage from_dlib(const dlib::array2d<dlib::rgb_pixel>& img) {
  RgbImage out = make_rgb(int(img.nc()), int(img.nr()));
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x) {
      uint8_t* p = out.at(x, y);
      p[0] = img[y][x].red;
      p[1] = img[y][x].green;
      p[2] = img[y][x].blue;
    }
  return out;
}

// Reads dlib's serialised form from memory without copying it.
struct MemoryBuf : std::streambuf {
  explicit MemoryBuf(std::string& s) { setg(&s[0], &s[0], &s[0] + s.size()); }
};

// dlib's built-in frontal face detector is stored inside dlib compressed; decoding it
// costs about 0.6 s of CPU, most of a self-test's start-up (measured: 0.68 s of the
// 1.1 s a `caora selftest face` run spends on the CPU). Its plain serialised form
// (155 kB) reads back in about 20 ms, so the decoded detector is kept in the cache
// folder, named for the dlib version that made it, with its SHA-256 beside it: a copy
// that is damaged or half-written fails the digest (or dlib's own reading) and is
// decoded and saved afresh. A cache that cannot be written only costs the time.
dlib::frontal_face_detector load_detector(const std::string& cache_dir) {
  if (cache_dir.empty()) return dlib::get_frontal_face_detector();
  fs::path file = fs::path(cache_dir) / ("frontal_face_detector-dlib-" + std::to_string(DLIB_MAJOR_VERSION) + "." +
                                         std::to_string(DLIB_MINOR_VERSION) + "." + std::to_string(DLIB_PATCH_VERSION) +
                                         ".dat");
  fs::path digest_file = file;
  digest_file += ".sha256";
  auto bytes = read_file(file, kReadLimitModel);
  auto digest = read_file(digest_file);
  if (bytes && digest && digest->substr(0, 64) == sha256_hex(*bytes)) {
    try {
      MemoryBuf buf(*bytes);
      std::istream in(&buf);
      dlib::frontal_face_detector detector;
      dlib::deserialize(detector, in);
      return detector;
    } catch (const std::exception&) {
      // Fall through: decode it again.
    }
  }
  dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
  std::ostringstream out;
  dlib::serialize(detector, out);
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  // The data first, its digest last: a reader never takes a half-written pair as good.
  if (write_file_atomic(file, out.str())) (void)write_file_atomic(digest_file, sha256_hex(out.str()) + "\n");
  return detector;
}

}  // namespace

Expected<FaceFinder> FaceFinder::load(const std::string& models_dir, bool check_sum, const std::string& cache_dir) {
  fs::path path = fs::path(models_dir) / kLandmarkModel;
  auto bytes = read_file(path, kReadLimitModel);
  if (!bytes) return bytes.error();
  if (check_sum) {
    const auto& sums = recorded_model_sums();
    auto want = sums.find(kLandmarkModel);
    std::string got = sha256_hex(*bytes);
    if (want == sums.end() || got != want->second)
      return make_error(ErrorKind::Parse,
                        display_path(path) + ": SHA-256 が違います（" + got +
                            "）。Debian の libdlib-data を入れ直し、scripts/face-models.sh を実行してください",
                        display_path(path) + ": wrong SHA-256 " + got +
                            "; reinstall Debian's libdlib-data and run scripts/face-models.sh");
  }
  FaceFinder finder;
  finder.impl_ = std::make_shared<Impl>();
  try {
    finder.impl_->detector = load_detector(cache_dir);
    // Read straight from the bytes already in memory (an istringstream would copy 100 MB).
    MemoryBuf buf(*bytes);
    std::istream in(&buf);
    dlib::deserialize(finder.impl_->predictor, in);
  } catch (const std::exception& e) {
    return make_error(ErrorKind::Parse, display_path(path) + ": 特徴点モデルを読めません: " + e.what(),
                      display_path(path) + ": cannot read the landmark model: " + e.what());
  }
  if (finder.impl_->predictor.num_parts() != 68)
    return make_error(ErrorKind::Parse, display_path(path) + ": 68 点のモデルではありません",
                      display_path(path) + ": not a 68-point landmark model");
  return finder;
}

Expected<std::vector<FoundFace>> FaceFinder::find(const RgbImage& image, int max_side,
                                                   double adjust_threshold) const {
  if (image.width <= 0 || image.height <= 0 || image.pixels.size() != size_t(image.width) * image.height * 3)
    return make_error(ErrorKind::Usage, "空の画像です", "the image is empty");
  std::vector<FoundFace> faces;
  try {
    auto img = to_dlib(image);
    // Detect on a downscaled copy; landmarks and the chip use the full image.
    double scale = max_side > 0 ? std::min(1.0, double(max_side) / std::max(image.width, image.height)) : 1.0;
    std::vector<dlib::full_detection> found;
    {
      std::lock_guard<std::mutex> lock(impl_->mu);
      if (scale < 1.0) {
        dlib::array2d<dlib::rgb_pixel> small(std::max(1L, std::lround(image.height * scale)),
                                             std::max(1L, std::lround(image.width * scale)));
        dlib::resize_image(img, small);
        impl_->detector(small, found, adjust_threshold);
      } else {
        impl_->detector(img, found, adjust_threshold);
        // The detector's window is 80 px: a small photo (a card chip's face is about
        // that size) gets a second look at twice the size.
        if (found.empty() && std::max(image.width, image.height) < kUpsampleBelow) {
          dlib::array2d<dlib::rgb_pixel> big;
          dlib::pyramid_up(img, big, dlib::pyramid_down<2>());
          impl_->detector(big, found, adjust_threshold);
          scale = 2.0;
        }
      }
    }
    for (const auto& det : found) {
      const auto& r = det.rect.get_rect();
      dlib::rectangle rect(std::lround(r.left() / scale), std::lround(r.top() / scale),
                           std::lround(r.right() / scale), std::lround(r.bottom() / scale));
      dlib::full_object_detection shape = impl_->predictor(img, rect);
      FoundFace f;
      f.box = Box{int(rect.left()), int(rect.top()), int(rect.width()), int(rect.height())};
      f.score = det.detection_confidence;
      for (unsigned i = 0; i < 68; ++i) f.landmarks[i] = Point{double(shape.part(i).x()), double(shape.part(i).y())};
      dlib::array2d<dlib::rgb_pixel> chip;
      dlib::extract_image_chip(img, dlib::get_face_chip_details(shape, 150, 0.25), chip);
      f.chip = from_dlib(chip);
      faces.push_back(std::move(f));
    }
  } catch (const std::exception& e) {
    return make_error(ErrorKind::Internal, std::string("顔の検出に失敗しました: ") + e.what(),
                      std::string("face detection failed: ") + e.what());
  }
  std::stable_sort(faces.begin(), faces.end(), [](const FoundFace& a, const FoundFace& b) {
    return long(a.box.width) * a.box.height > long(b.box.width) * b.box.height;
  });
  return faces;
}

}  // namespace caora::face
