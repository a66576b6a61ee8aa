// Greyscale images and the few geometric operations the card-face stages need:
// luma, box downscaling, a perspective warp by homography, right-angle rotation.
#pragma once

#include <array>
#include <cstddef>  // face/image.h uses size_t
#include <cstdint>
#include <vector>

#include "image/image.h"

namespace caora::card {

struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // row-major, one byte per pixel
  uint8_t at(int x, int y) const { return pixels[size_t(y) * width + x]; }
  uint8_t& at(int x, int y) { return pixels[size_t(y) * width + x]; }
};

GrayImage make_gray(int width, int height, uint8_t fill = 0);

struct Point {
  double x = 0, y = 0;
};
// Four corners: the card's top-left, top-right, bottom-right, bottom-left as the card
// itself is printed (not as the frame shows it).
using Quad = std::array<Point, 4>;

// ITU-R BT.601 luma.
GrayImage to_gray(const RgbImage& rgb);
// Area-averaging downscale by an integer factor (>= 1).
GrayImage downscale(const GrayImage& img, int factor);
// Bilinear resampling by any factor in (0.25, 4]; the edge pixels stay paper-coloured.
GrayImage resize(const GrayImage& img, double factor);
RgbImage downscale(const RgbImage& img, int factor);
// The sub-image [x, x+w) x [y, y+h), clipped to the image.
GrayImage crop(const GrayImage& img, int x, int y, int w, int h);
// Rotates by 180 degrees.
GrayImage rotate180(const GrayImage& img);
// 3x3 mean: takes the edge off sensor noise before ink is told from paper.
GrayImage box_blur3(const GrayImage& img);
// Divides out the paper's shade, estimated as a bright percentile over cells of
// `cell` pixels: a shadow or a light gradient across the card leaves print as dark
// on paper as 255 everywhere.
// `grow` cells each way bridge print or a photo larger than a cell.
GrayImage flatten_background(const GrayImage& img, int cell, int grow = 1);

// 3x3 homography mapping (u, v) in the output to (x, y) in the source.
using Homography = std::array<double, 9>;
// The homography taking the rectangle (0,0)-(w,h) to the quad (TL, TR, BR, BL).
Homography rect_to_quad(double w, double h, const Quad& quad);
Point apply(const Homography& h, double u, double v);
// Samples the source through h (bilinear; outside the source reads `fill`).
GrayImage warp(const GrayImage& src, const Homography& h, int width, int height, uint8_t fill = 0);
RgbImage warp(const RgbImage& src, const Homography& h, int width, int height);

}  // namespace caora::card
