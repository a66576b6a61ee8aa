#include "card/ocr/frame_header.h"

#include <catch2/catch.hpp>

#include "image/image_io.h"
#include "image/image.h"

using namespace caora;
using namespace caora::card;

TEST_CASE("frame size from a PNG header, before decoding", "[card][ocr]") {
  auto png = encode_png(make_rgb(37, 21));
  REQUIRE(png.ok());
  auto size = frame_size_from_header(*png);
  REQUIRE(size);
  CHECK(size->width == 37);
  CHECK(size->height == 21);
  // A header claiming 8000 x 5000 is read without the rest of the file.
  std::string big = png->substr(0, 24);
  big[16] = 0, big[17] = 0, big[18] = 0x1F, big[19] = 0x40;  // 8000
  big[20] = 0, big[21] = 0, big[22] = 0x13, big[23] = char(0x88);  // 5000
  auto claimed = frame_size_from_header(big);
  REQUIRE(claimed);
  CHECK(claimed->width * claimed->height > kMaxFramePixels);
}

TEST_CASE("frame size from a JPEG's start-of-frame marker", "[card][ocr]") {
  // SOI, an APP0 segment, SOF0 with height 1600 and width 1200.
  std::string jpeg = {char(0xFF), char(0xD8), char(0xFF), char(0xE0), 0, 4, 'J', 'F',
                      char(0xFF), char(0xC0), 0, 11, 8, 0x06, 0x40, 0x04, char(0xB0), 3, 1, 0x22, 0};
  auto size = frame_size_from_header(jpeg);
  REQUIRE(size);
  CHECK(size->width == 1200);
  CHECK(size->height == 1600);
  // Cut short, a segment length pointing past the end, garbage: no size, no crash.
  CHECK_FALSE(frame_size_from_header(jpeg.substr(0, 12)));
  std::string bad_len = jpeg;
  bad_len[5] = 1;
  CHECK_FALSE(frame_size_from_header(bad_len));
  CHECK_FALSE(frame_size_from_header("not an image"));
  CHECK_FALSE(frame_size_from_header(""));
}
