#include "face/redetect.h"

#include <algorithm>
#include <cmath>

#include "face/quality.h"

namespace caora::face {
namespace {

// Bilinear sample at (sx, sy), clamped to the image: outside repeats the edge.
void sample(const RgbImage& img, double sx, double sy, uint8_t* out) {
  sx = std::clamp(sx, 0.0, img.width - 1.0);
  sy = std::clamp(sy, 0.0, img.height - 1.0);
  int ix = std::min(int(sx), img.width - 1), iy = std::min(int(sy), img.height - 1);
  int jx = std::min(ix + 1, img.width - 1), jy = std::min(iy + 1, img.height - 1);
  double fx = sx - ix, fy = sy - iy;
  for (int c = 0; c < 3; ++c) {
    double top = img.at(ix, iy)[c] * (1 - fx) + img.at(jx, iy)[c] * fx;
    double bot = img.at(ix, jy)[c] * (1 - fx) + img.at(jx, jy)[c] * fx;
    out[c] = uint8_t(std::lround(top * (1 - fy) + bot * fy));
  }
}

// A point of the copy back in the input: the inverse of rotated()'s turn about the centre.
Point unrotate(Point p, double degrees, double cx, double cy) {
  double r = -degrees * M_PI / 180, dx = p.x - cx, dy = p.y - cy;
  return Point{cx + dx * std::cos(r) - dy * std::sin(r), cy + dx * std::sin(r) + dy * std::cos(r)};
}

// The face's box and landmarks taken back to the input through `to_input`; the box is
// the bounding box of the copy's box corners.
template <typename F>
FoundFace mapped(FoundFace f, F to_input) {
  for (auto& p : f.landmarks) p = to_input(p);
  const Box& b = f.box;
  double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
  for (Point c : {Point{double(b.left), double(b.top)}, Point{double(b.left + b.width), double(b.top)},
                  Point{double(b.left), double(b.top + b.height)},
                  Point{double(b.left + b.width), double(b.top + b.height)}}) {
    Point m = to_input(c);
    x0 = std::min(x0, m.x), y0 = std::min(y0, m.y), x1 = std::max(x1, m.x), y1 = std::max(y1, m.y);
  }
  f.box = Box{int(std::lround(x0)), int(std::lround(y0)), int(std::lround(x1 - x0)), int(std::lround(y1 - y0))};
  return f;
}

}  // namespace

RgbImage rotated(const RgbImage& image, double degrees) {
  RgbImage out = make_rgb(image.width, image.height);
  double cx = (image.width - 1) / 2.0, cy = (image.height - 1) / 2.0;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) {
      Point src = unrotate(Point{double(x), double(y)}, degrees, cx, cy);
      sample(image, src.x, src.y, out.at(x, y));
    }
  return out;
}

RgbImage padded(const RgbImage& image, double factor) {
  int w = std::max(image.width, int(std::lround(image.width * factor)));
  int h = std::max(image.height, int(std::lround(image.height * factor)));
  int ox = (w - image.width) / 2, oy = (h - image.height) / 2;
  double mean[3] = {0, 0, 0};
  for (size_t i = 0; i < image.pixels.size(); ++i) mean[i % 3] += image.pixels[i];
  for (double& m : mean) m /= std::max<size_t>(1, image.pixels.size() / 3);
  // The edge fades into the mean colour over this distance: a plain repeat draws long
  // streaks the detector can take for edges of a face.
  double fade = std::max(1.0, std::min(image.width, image.height) / 4.0);
  RgbImage out = make_rgb(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      int sx = std::clamp(x - ox, 0, image.width - 1), sy = std::clamp(y - oy, 0, image.height - 1);
      double dist = std::hypot(double(x - ox - sx), double(y - oy - sy));
      double t = std::min(1.0, dist / fade);
      const uint8_t* p = image.at(sx, sy);
      uint8_t* q = out.at(x, y);
      for (int c = 0; c < 3; ++c) q[c] = uint8_t(std::lround(p[c] * (1 - t) + mean[c] * t));
    }
  return out;
}

Expected<std::optional<Redetection>> redetect(const FaceFinder& finder, const RgbImage& image) {
  if (image.width <= 0 || image.height <= 0) return std::optional<Redetection>{};
  double cx = (image.width - 1) / 2.0, cy = (image.height - 1) / 2.0;
  // The padded copy first: a face that fills the frame is often also found on a turned
  // copy, with a roll read from landmarks cut by the edge.
  RgbImage canvas = padded(image, kRedetectPadFactor);
  int ox = (canvas.width - image.width) / 2, oy = (canvas.height - image.height) / 2;
  auto faces = finder.find(canvas, kRedetectMaxSide);
  if (!faces) return faces.error();
  for (const FoundFace& f : *faces) {
    FoundFace back = mapped(f, [&](Point p) { return Point{p.x - ox, p.y - oy}; });
    if (!too_large_in(back.box, image.width, image.height)) continue;
    return std::optional<Redetection>{Redetection{Redetection::How::Padded, 0, std::move(back)}};
  }
  for (double degrees : kRedetectRotations) {
    auto faces = finder.find(rotated(image, degrees), kRedetectMaxSide);
    if (!faces) return faces.error();
    for (const FoundFace& f : *faces) {
      FoundFace back = mapped(f, [&](Point p) { return unrotate(p, degrees, cx, cy); });
      // Found on a turned copy but upright in the input: not a roll (a face the
      // detector nearly took upright); it is left to the weak-candidate pass.
      if (std::abs(roll_degrees_of(back)) <= kMaxRollDegrees) continue;
      return std::optional<Redetection>{Redetection{Redetection::How::Rotated, degrees, std::move(back)}};
    }
  }
  return std::optional<Redetection>{};
}

}  // namespace caora::face
