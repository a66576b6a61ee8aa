// An 8-bit RGB image in memory, the form every face stage takes.
#pragma once

#include <cstdint>
#include <vector>

namespace caora {

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // row-major, 3 bytes (R, G, B) per pixel
  const uint8_t* at(int x, int y) const { return &pixels[(size_t(y) * width + x) * 3]; }
  uint8_t* at(int x, int y) { return &pixels[(size_t(y) * width + x) * 3]; }
};

inline RgbImage make_rgb(int width, int height) {
  return RgbImage{width, height, std::vector<uint8_t>(size_t(width) * height * 3)};
}

}  // namespace caora
