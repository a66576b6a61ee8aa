#include "image/jp2.h"

#include <catch2/catch.hpp>

#include "image/image_io.h"

using namespace caora;

namespace {

RgbImage gradient(int w, int h) {
  RgbImage img = make_rgb(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = img.at(x, y);
      p[0] = uint8_t(x * 255 / (w - 1));
      p[1] = uint8_t(y * 255 / (h - 1));
      p[2] = uint8_t((x + y) * 127 / (w + h));
    }
  return img;
}

}  // namespace

TEST_CASE("a greyscale JP2 of a few kB round-trips through openjpeg", "[face]") {
  RgbImage img = gradient(120, 160);
  auto jp2 = encode_jp2_grey(img, 3000);
  REQUIRE(jp2.ok());
  CHECK(looks_like_jpeg2000(*jp2));
  CHECK(jp2->size() < 4000);
  auto back = decode_image(*jp2);
  REQUIRE(back.ok());
  CHECK(back->width == 120);
  CHECK(back->height == 160);
  // Grey: the three channels agree, and the picture is close to the luma of the original.
  const uint8_t* p = back->at(60, 80);
  CHECK(p[0] == p[1]);
  CHECK(p[1] == p[2]);
  const uint8_t* q = img.at(60, 80);
  CHECK(std::abs(int(p[0]) - int((299 * q[0] + 587 * q[1] + 114 * q[2]) / 1000)) < 12);
}

TEST_CASE("corrupt and truncated JPEG 2000 are errors, not crashes", "[face]") {
  auto jp2 = encode_jp2_grey(gradient(64, 64), 2000);
  REQUIRE(jp2.ok());
  auto truncated = decode_jpeg2000(jp2->substr(0, jp2->size() / 3));
  CHECK(!truncated.ok());
  CHECK(!decode_jpeg2000(jp2->substr(0, 12)).ok());
  CHECK(!decode_jpeg2000("plain text").ok());
  std::string garbled = *jp2;
  for (size_t i = 60; i < garbled.size(); i += 5) garbled[i] = char(garbled[i] ^ 0x33);
  (void)decode_jpeg2000(garbled);  // may decode to noise or fail; must not crash
}
