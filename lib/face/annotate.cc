#include "face/annotate.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include <png.h>

namespace caora::face {
namespace {

// 5x7 glyphs, one byte per row, the low 5 bits left to right (bit 4 = leftmost).
struct Glyph {
  char c;
  uint8_t rows[7];
};
const Glyph kFont[] = {
    {'A', {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}}, {'B', {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}},
    {'C', {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}}, {'D', {0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E}},
    {'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}}, {'F', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10}},
    {'G', {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}}, {'H', {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'I', {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}}, {'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C}},
    {'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}}, {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}},
    {'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}}, {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
    {'O', {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}}, {'P', {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10}},
    {'Q', {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D}}, {'R', {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}},
    {'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}}, {'T', {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
    {'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}}, {'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04}},
    {'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A}}, {'X', {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11}},
    {'Y', {0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04}}, {'Z', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F}},
    {'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}}, {'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}}, {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
    {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}}, {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
    {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}}, {'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
    {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}}, {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
    {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}}, {',', {0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08}},
    {':', {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00}}, {'-', {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}},
    {'_', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F}}, {'%', {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03}},
    {'<', {0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02}}, {'>', {0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08}},
    {'=', {0x00, 0x00, 0x1F, 0x00, 0x1F, 0x00, 0x00}}, {'(', {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}},
    {')', {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}}, {'/', {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00}},
};

const uint8_t* glyph(char c) {
  c = char(std::toupper(static_cast<unsigned char>(c)));
  for (const auto& g : kFont)
    if (g.c == c) return g.rows;
  return nullptr;  // space and anything unknown: blank
}

struct Colour {
  uint8_t r, g, b;
};
const Colour kGood{40, 200, 60}, kBad{230, 40, 40}, kMark{255, 220, 0};

void put(RgbImage& img, int x, int y, Colour c) {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  uint8_t* p = img.at(x, y);
  p[0] = c.r;
  p[1] = c.g;
  p[2] = c.b;
}

void rect(RgbImage& img, int x0, int y0, int x1, int y1, int thick, Colour c) {
  for (int t = 0; t < thick; ++t) {
    for (int x = x0 - t; x <= x1 + t; ++x) { put(img, x, y0 - t, c); put(img, x, y1 + t, c); }
    for (int y = y0 - t; y <= y1 + t; ++y) { put(img, x0 - t, y, c); put(img, x1 + t, y, c); }
  }
}

void line(RgbImage& img, Point a, Point b, Colour c) {
  int n = int(std::max(std::abs(b.x - a.x), std::abs(b.y - a.y))) + 1;
  for (int i = 0; i <= n; ++i)
    put(img, int(std::lround(a.x + (b.x - a.x) * i / n)), int(std::lround(a.y + (b.y - a.y) * i / n)), c);
}

// Text at (x, y), `scale` pixels per font pixel, on a darkened band for contrast.
int text(RgbImage& img, int x, int y, int scale, const std::string& s, Colour c) {
  int w = int(s.size()) * 6 * scale;
  for (int yy = y - scale; yy < y + 8 * scale; ++yy)
    for (int xx = x - scale; xx < x + w; ++xx)
      if (xx >= 0 && yy >= 0 && xx < img.width && yy < img.height) {
        uint8_t* p = img.at(xx, yy);
        for (int k = 0; k < 3; ++k) p[k] = uint8_t(p[k] / 4);
      }
  for (size_t i = 0; i < s.size(); ++i) {
    const uint8_t* rows = glyph(s[i]);
    if (!rows) continue;
    for (int ry = 0; ry < 7; ++ry)
      for (int rx = 0; rx < 5; ++rx)
        if (rows[ry] & (0x10 >> rx))
          for (int dy = 0; dy < scale; ++dy)
            for (int dx = 0; dx < scale; ++dx) put(img, x + int(i) * 6 * scale + rx * scale + dx, y + ry * scale + dy, c);
  }
  return y + 9 * scale;
}

}  // namespace

RgbImage annotate(const RgbImage& image, const FoundFace* face, const std::vector<Verdict>& verdicts) {
  RgbImage out = image;
  if (out.width <= 0 || out.height <= 0) return out;
  bool all_good = std::all_of(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return v.good; });
  int thick = std::max(1, std::min(out.width, out.height) / 160);
  if (face) {
    rect(out, face->box.left, face->box.top, face->box.left + face->box.width - 1, face->box.top + face->box.height - 1,
         thick, all_good ? kGood : kBad);
    for (const Point& p : face->landmarks)
      for (int dy = -thick; dy <= thick; ++dy)
        for (int dx = -thick; dx <= thick; ++dx) put(out, int(p.x) + dx, int(p.y) + dy, kMark);
    Point right_eye{}, left_eye{};
    for (int i = 36; i <= 41; ++i) { right_eye.x += face->landmarks[i].x / 6; right_eye.y += face->landmarks[i].y / 6; }
    for (int i = 42; i <= 47; ++i) { left_eye.x += face->landmarks[i].x / 6; left_eye.y += face->landmarks[i].y / 6; }
    line(out, right_eye, left_eye, kMark);
  }
  int scale = std::max(1, out.width / 320);
  int y = 2 * scale;
  for (const Verdict& v : verdicts) y = text(out, 2 * scale, y, scale, v.text, v.good ? kGood : kBad);
  return out;
}

Expected<std::string> encode_png(const RgbImage& image) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = png_uint_32(image.width);
  png.height = png_uint_32(image.height);
  png.format = PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&png, nullptr, &size, 0, image.pixels.data(), 0, nullptr))
    return make_error(ErrorKind::Internal, std::string("PNG に変換できません: ") + png.message,
                      std::string("cannot encode PNG: ") + png.message);
  std::string out(size, '\0');
  if (!png_image_write_to_memory(&png, &out[0], &size, 0, image.pixels.data(), 0, nullptr))
    return make_error(ErrorKind::Internal, std::string("PNG に変換できません: ") + png.message,
                      std::string("cannot encode PNG: ") + png.message);
  out.resize(size);
  return out;
}

}  // namespace caora::face
