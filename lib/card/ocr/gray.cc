#include "card/ocr/gray.h"

#include <algorithm>
#include <cmath>

namespace caora::card {

GrayImage make_gray(int width, int height, uint8_t fill) {
  return GrayImage{width, height, std::vector<uint8_t>(size_t(width) * height, fill)};
}

GrayImage to_gray(const RgbImage& rgb) {
  GrayImage g = make_gray(rgb.width, rgb.height);
  const uint8_t* p = rgb.pixels.data();
  for (size_t i = 0, n = g.pixels.size(); i < n; ++i, p += 3)
    g.pixels[i] = uint8_t((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000);
  return g;
}

GrayImage downscale(const GrayImage& img, int f) {
  if (f <= 1) return img;
  GrayImage out = make_gray(std::max(1, img.width / f), std::max(1, img.height / f));
  std::vector<uint32_t> row(out.width);
  for (int y = 0; y < out.height; ++y) {
    std::fill(row.begin(), row.end(), 0);
    int rows = 0;
    for (int sy = y * f; sy < std::min(img.height, (y + 1) * f); ++sy, ++rows) {
      const uint8_t* s = &img.pixels[size_t(sy) * img.width];
      for (int x = 0; x < out.width; ++x)
        for (int k = 0; k < f && x * f + k < img.width; ++k) row[x] += s[x * f + k];
    }
    for (int x = 0; x < out.width; ++x) {
      int cols = std::min(f, img.width - x * f);
      out.pixels[size_t(y) * out.width + x] = uint8_t(row[x] / std::max(1, rows * cols));
    }
  }
  return out;
}

RgbImage downscale(const RgbImage& img, int f) {
  if (f <= 1) return img;
  RgbImage out = make_rgb(std::max(1, img.width / f), std::max(1, img.height / f));
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x) {
      uint32_t sum[3] = {0, 0, 0};
      int n = 0;
      for (int sy = y * f; sy < std::min(img.height, (y + 1) * f); ++sy)
        for (int sx = x * f; sx < std::min(img.width, (x + 1) * f); ++sx, ++n) {
          const uint8_t* p = img.at(sx, sy);
          sum[0] += p[0], sum[1] += p[1], sum[2] += p[2];
        }
      uint8_t* o = out.at(x, y);
      for (int c = 0; c < 3; ++c) o[c] = uint8_t(sum[c] / std::max(1, n));
    }
  return out;
}

GrayImage crop(const GrayImage& img, int x, int y, int w, int h) {
  int x0 = std::clamp(x, 0, img.width), y0 = std::clamp(y, 0, img.height);
  int x1 = std::clamp(x + w, x0, img.width), y1 = std::clamp(y + h, y0, img.height);
  GrayImage out = make_gray(x1 - x0, y1 - y0);
  for (int r = y0; r < y1; ++r)
    std::copy_n(&img.pixels[size_t(r) * img.width + x0], x1 - x0, &out.pixels[size_t(r - y0) * out.width]);
  return out;
}

GrayImage rotate180(const GrayImage& img) {
  GrayImage out = img;
  std::reverse(out.pixels.begin(), out.pixels.end());
  return out;
}

GrayImage box_blur3(const GrayImage& img) {
  GrayImage out = img;
  int w = img.width, h = img.height;
  for (int y = 1; y + 1 < h; ++y)
    for (int x = 1; x + 1 < w; ++x) {
      int sum = 0;
      for (int dy = -1; dy <= 1; ++dy) {
        const uint8_t* r = &img.pixels[size_t(y + dy) * w + x - 1];
        sum += r[0] + r[1] + r[2];
      }
      out.pixels[size_t(y) * w + x] = uint8_t((sum + 4) / 9);
    }
  return out;
}

GrayImage flatten_background(const GrayImage& img, int cell, int grow) {
  if (img.width == 0 || img.height == 0 || cell < 2) return img;
  int gw = (img.width + cell - 1) / cell, gh = (img.height + cell - 1) / cell;
  std::vector<double> bg(size_t(gw) * gh);
  for (int gy = 0; gy < gh; ++gy)
    for (int gx = 0; gx < gw; ++gx) {
      int hist[256] = {};
      int n = 0;
      for (int y = gy * cell; y < std::min(img.height, (gy + 1) * cell); ++y)
        for (int x = gx * cell; x < std::min(img.width, (gx + 1) * cell); ++x) ++hist[img.at(x, y)], ++n;
      // Print rarely covers more than half a cell; the 90th percentile is paper.
      int want = n * 9 / 10, seen = 0, v = 0;
      for (; v < 255; ++v)
        if ((seen += hist[v]) > want) break;
      bg[size_t(gy) * gw + gx] = v;
    }
  // A cell filled by a large glyph or a photo reads dark: take the brightest neighbour.
  std::vector<double> grown = bg;
  for (int gy = 0; gy < gh; ++gy)
    for (int gx = 0; gx < gw; ++gx) {
      double m = 0;
      for (int dy = -grow; dy <= grow; ++dy)
        for (int dx = -grow; dx <= grow; ++dx) {
          int x = gx + dx, y = gy + dy;
          if (x >= 0 && y >= 0 && x < gw && y < gh) m = std::max(m, bg[size_t(y) * gw + x]);
        }
      grown[size_t(gy) * gw + gx] = m;
    }
  GrayImage out = make_gray(img.width, img.height);
  for (int y = 0; y < img.height; ++y) {
    double fy = std::clamp((y + 0.5) / cell - 0.5, 0.0, gh - 1.0);
    int y0 = int(fy), y1 = std::min(y0 + 1, gh - 1);
    double ty = fy - y0;
    for (int x = 0; x < img.width; ++x) {
      double fx = std::clamp((x + 0.5) / cell - 0.5, 0.0, gw - 1.0);
      int x0 = int(fx), x1 = std::min(x0 + 1, gw - 1);
      double tx = fx - x0;
      double top = grown[size_t(y0) * gw + x0] * (1 - tx) + grown[size_t(y0) * gw + x1] * tx;
      double bottom = grown[size_t(y1) * gw + x0] * (1 - tx) + grown[size_t(y1) * gw + x1] * tx;
      double b = std::max(16.0, top * (1 - ty) + bottom * ty);
      out.pixels[size_t(y) * img.width + x] = uint8_t(std::min(255.0, img.at(x, y) * 255.0 / b));
    }
  }
  return out;
}

namespace {

// Solves the 8x8 system of a four-point homography by Gaussian elimination with
// partial pivoting; a degenerate quad gives the identity rather than NaNs.
Homography solve(const double src[4][2], const double dst[4][2]) {
  double a[8][9] = {};
  for (int i = 0; i < 4; ++i) {
    double u = src[i][0], v = src[i][1], x = dst[i][0], y = dst[i][1];
    double r1[9] = {u, v, 1, 0, 0, 0, -u * x, -v * x, x};
    double r2[9] = {0, 0, 0, u, v, 1, -u * y, -v * y, y};
    std::copy(r1, r1 + 9, a[2 * i]);
    std::copy(r2, r2 + 9, a[2 * i + 1]);
  }
  for (int c = 0; c < 8; ++c) {
    int p = c;
    for (int r = c + 1; r < 8; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[p][c])) p = r;
    if (std::fabs(a[p][c]) < 1e-12) return {1, 0, 0, 0, 1, 0, 0, 0, 1};
    std::swap(a[p], a[c]);
    for (int r = 0; r < 8; ++r) {
      if (r == c) continue;
      double f = a[r][c] / a[c][c];
      for (int k = c; k < 9; ++k) a[r][k] -= f * a[c][k];
    }
  }
  Homography h;
  for (int i = 0; i < 8; ++i) h[i] = a[i][8] / a[i][i];
  h[8] = 1;
  return h;
}

}  // namespace

Homography rect_to_quad(double w, double h, const Quad& q) {
  const double src[4][2] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  const double dst[4][2] = {{q[0].x, q[0].y}, {q[1].x, q[1].y}, {q[2].x, q[2].y}, {q[3].x, q[3].y}};
  return solve(src, dst);
}

Point apply(const Homography& h, double u, double v) {
  double z = h[6] * u + h[7] * v + h[8];
  if (std::fabs(z) < 1e-12) z = 1e-12;
  return {(h[0] * u + h[1] * v + h[2]) / z, (h[3] * u + h[4] * v + h[5]) / z};
}

GrayImage resize(const GrayImage& img, double factor) {
  factor = std::clamp(factor, 0.25, 4.0);
  int w = std::max(1, int(std::lround(img.width * factor))), h = std::max(1, int(std::lround(img.height * factor)));
  if (img.width < 2 || img.height < 2) return img;
  Homography scale = {1 / factor, 0, 0, 0, 1 / factor, 0, 0, 0, 1};
  // Outside the source's last pixel centre reads the nearest edge row's paper, not black.
  return warp(img, scale, w, h, img.at(0, 0));
}

GrayImage warp(const GrayImage& src, const Homography& h, int width, int height, uint8_t fill) {
  GrayImage out = make_gray(width, height, fill);
  for (int v = 0; v < height; ++v)
    for (int u = 0; u < width; ++u) {
      Point p = apply(h, u + 0.5, v + 0.5);
      double x = p.x - 0.5, y = p.y - 0.5;
      if (!(x >= 0 && y >= 0 && x < src.width - 1 && y < src.height - 1)) continue;
      int x0 = int(x), y0 = int(y);
      double fx = x - x0, fy = y - y0;
      const uint8_t* r0 = &src.pixels[size_t(y0) * src.width + x0];
      const uint8_t* r1 = r0 + src.width;
      double top = r0[0] + (r0[1] - r0[0]) * fx, bottom = r1[0] + (r1[1] - r1[0]) * fx;
      out.pixels[size_t(v) * width + u] = uint8_t(top + (bottom - top) * fy + 0.5);
    }
  return out;
}

RgbImage warp(const RgbImage& src, const Homography& h, int width, int height) {
  RgbImage out = make_rgb(width, height);
  for (int v = 0; v < height; ++v)
    for (int u = 0; u < width; ++u) {
      Point p = apply(h, u + 0.5, v + 0.5);
      int x = int(std::floor(p.x)), y = int(std::floor(p.y));
      if (x < 0 || y < 0 || x >= src.width || y >= src.height) continue;
      std::copy_n(src.at(x, y), 3, out.at(u, v));
    }
  return out;
}

}  // namespace caora::card
