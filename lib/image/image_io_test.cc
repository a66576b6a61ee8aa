#include "image/image_io.h"

#include <cstdio>
#include <vector>

#include <jpeglib.h>
#include <png.h>

#include <catch2/catch.hpp>

using namespace caora;

namespace {

// A JPEG made here with libjpeg, so the test needs no image files.
std::string make_jpeg(int width, int height, int components) {
  jpeg_compress_struct c;
  jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &buf, &size);
  c.image_width = width;
  c.image_height = height;
  c.input_components = components;
  c.in_color_space = components == 3 ? JCS_RGB : JCS_GRAYSCALE;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 95, TRUE);
  jpeg_start_compress(&c, TRUE);
  std::vector<unsigned char> row(size_t(width) * components);
  while (c.next_scanline < c.image_height) {
    for (int x = 0; x < width * components; ++x) row[x] = (unsigned char)((x * 7 + c.next_scanline * 3) & 0xff);
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&c, &r, 1);
  }
  jpeg_finish_compress(&c);
  std::string out(reinterpret_cast<char*>(buf), size);
  jpeg_destroy_compress(&c);
  std::free(buf);
  return out;
}

}  // namespace

TEST_CASE("JPEGs decode to RGB, greyscale included", "[face]") {
  auto colour = decode_jpeg(make_jpeg(40, 30, 3));
  REQUIRE(colour.ok());
  CHECK(colour->width == 40);
  CHECK(colour->height == 30);
  CHECK(colour->pixels.size() == 40 * 30 * 3);
  auto grey = decode_jpeg(make_jpeg(1, 1, 1));
  REQUIRE(grey.ok());
  CHECK(grey->width == 1);
  CHECK(grey->pixels[0] == grey->pixels[1]);
}

TEST_CASE("corrupt, truncated and empty images are errors, not crashes", "[face]") {
  std::string good = make_jpeg(64, 64, 3);
  auto truncated = decode_jpeg(good.substr(0, good.size() / 2));
  REQUIRE(!truncated.ok());
  CHECK(truncated.error().kind == ErrorKind::Parse);
  CHECK(!truncated.error().message.ja.empty());
  CHECK(!decode_jpeg("").ok());
  CHECK(!decode_jpeg("not an image at all").ok());
  std::string garbled = good;
  for (size_t i = 20; i < garbled.size(); i += 7) garbled[i] = char(garbled[i] ^ 0x5a);
  (void)decode_jpeg(garbled);  // may decode to noise or fail; must not crash
  auto missing = load_image("/nonexistent/face.jpg");
  CHECK(!missing.ok());
}

TEST_CASE("PNGs decode to RGB, and decode_image tells the formats apart", "[face]") {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = 3;
  png.height = 2;
  png.format = PNG_FORMAT_GRAY;
  const unsigned char grey[6] = {0, 50, 100, 150, 200, 250};
  png_alloc_size_t size = 0;
  REQUIRE(png_image_write_to_memory(&png, nullptr, &size, 0, grey, 0, nullptr));
  std::string bytes(size, '\0');
  REQUIRE(png_image_write_to_memory(&png, &bytes[0], &size, 0, grey, 0, nullptr));
  auto img = decode_image(bytes);
  REQUIRE(img.ok());
  CHECK(img->width == 3);
  CHECK(img->height == 2);
  CHECK(img->at(2, 1)[0] == 250);
  CHECK(img->at(2, 1)[2] == 250);
  CHECK(!decode_image(bytes.substr(0, 20)).ok());
  CHECK(decode_image(make_jpeg(8, 8, 3)).ok());
  auto neither = decode_image("GIF89a......");
  REQUIRE(!neither.ok());
  CHECK(neither.error().message.en.find("neither a JPEG, a PNG nor a JPEG 2000") != std::string::npos);
}
