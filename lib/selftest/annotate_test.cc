#include "selftest/annotate.h"

#include <catch2/catch.hpp>

#include "image/image_io.h"

using namespace caora;
using namespace caora::face;

TEST_CASE("annotations are drawn on a copy and round-trip through PNG", "[face]") {
  RgbImage img = make_rgb(200, 150);
  FoundFace face;
  face.box = Box{50, 30, 100, 100};
  for (int i = 0; i < 68; ++i) face.landmarks[i] = Point{60.0 + i, 60.0 + (i % 10)};
  RgbImage drawn = annotate(img, &face, {{"MATCH 0.223 < 0.60", true}, {"too small", false}});
  CHECK(drawn.width == 200);
  CHECK(img.pixels == make_rgb(200, 150).pixels);  // the original is untouched
  CHECK(drawn.pixels != img.pixels);
  const uint8_t* corner = drawn.at(50, 30);  // the box: red, since a verdict is bad
  CHECK(corner[0] > 200);
  CHECK(corner[1] < 80);
  auto png = encode_png(drawn);
  REQUIRE(png.ok());
  auto back = decode_image(*png);
  REQUIRE(back.ok());
  CHECK(back->pixels == drawn.pixels);
  // No face, no verdicts, a 1x1 image: nothing to draw, nothing breaks.
  CHECK(annotate(make_rgb(1, 1), nullptr, {{"NO FACE", false}}).width == 1);
  CHECK(annotate(RgbImage{}, nullptr, {}).width == 0);
}
