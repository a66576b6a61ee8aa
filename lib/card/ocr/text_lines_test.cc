#include "card/ocr/text_lines.h"

#include <catch2/catch.hpp>

#include "card/ocr/gray.h"
#include "card/ocr/printed_fields.h"

using namespace caora;
using namespace caora::card;

namespace {

void fill(GrayImage& g, int x0, int y0, int x1, int y1, uint8_t v) {
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) g.at(x, y) = v;
}

// Glyph-like ink: vertical strokes 3 px wide every 8 px.
void strokes(GrayImage& g, int x0, int y0, int x1, int y1) {
  for (int x = x0; x < x1; x += 8) fill(g, x, y0, std::min(x + 3, x1), y1, 20);
}

}  // namespace

TEST_CASE("lines of print are found by their ink rows and split at wide gaps", "[card][ocr]") {
  GrayImage g = make_gray(400, 200, 240);
  strokes(g, 20, 30, 200, 60);    // a line
  strokes(g, 260, 35, 330, 60);   // the same line, after a wide gap (性別 女)
  strokes(g, 20, 100, 300, 130);  // the next line
  fill(g, 10, 150, 390, 152, 200);  // a pale frame line: not print
  Box region{0, 0, 400, 200};
  int t = ink_threshold(g, region);
  REQUIRE(t > 20);
  REQUIRE(t < 240);
  auto bands = text_bands(g, region, t, 10, 3);
  REQUIRE(bands.size() == 2);
  CHECK(bands[0].y0 == 30);
  CHECK(bands[0].y1 == 60);
  CHECK(bands[1].y0 == 100);
  auto runs = column_runs(g, bands[0], t, 30);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].x0 == 20);
  CHECK(runs[1].x0 == 260);
  // Paper alone holds no print.
  CHECK(ink_threshold(make_gray(50, 50, 230), Box{0, 0, 50, 50}) == -1);
}

TEST_CASE("the paper's shade is divided out, print stays dark", "[card][ocr]") {
  GrayImage g = make_gray(240, 120, 0);
  for (int y = 0; y < g.height; ++y)
    for (int x = 0; x < g.width; ++x) g.at(x, y) = uint8_t(x < 120 ? 110 : 230);  // a shadow's sharp edge
  fill(g, 40, 50, 44, 70, 30);    // print in the shadow
  fill(g, 180, 50, 184, 70, 80);  // print in the light
  GrayImage flat = flatten_background(g, 24, 0);
  CHECK(flat.at(10, 10) >= 250);
  CHECK(flat.at(200, 10) >= 250);
  CHECK(flat.at(42, 60) < 90);
  CHECK(flat.at(182, 60) < 110);
}

TEST_CASE("the photo block: a continuous-tone photo against the back's QR code", "[card][ocr]") {
  const double s = 4.0;  // px/mm
  auto card = [&](bool qr) {
    GrayImage g = make_gray(int(85.6 * s), int(54 * s), 255);
    for (int y = int(5 * s); y < int(30 * s); ++y)
      for (int x = int(62 * s); x < int(82 * s); ++x)
        g.at(x, y) = qr ? (((x / 3) + (y / 3)) % 2 ? 10 : 255) : uint8_t(60 + (x + 2 * y) % 150);
    return g;
  };
  PhotoBlock photo = photo_block(card(false), s);
  CHECK(photo.filled > 0.9);
  CHECK(photo.tone > 0.4);
  PhotoBlock qr = photo_block(card(true), s);
  CHECK(qr.filled > 0.9);
  CHECK(qr.tone < 0.15);
  // Turned round, the photo's place is empty paper.
  CHECK(photo_block(rotate180(card(false)), s).filled < 0.1);
}

TEST_CASE("the year's digits are counted between the era name's two kanji and 年", "[card][ocr]") {
  // Solid glyphs 40 px high (the em) with 4 px between them, given by their widths.
  auto line = [](std::initializer_list<int> widths) {
    GrayImage g = make_gray(600, 60, 240);
    int x = 10;
    for (int w : widths) fill(g, x, 10, x + w, 50, 20), x += w + 4;
    return line_glyphs(g, {0, 0, 600, 60}, ink_threshold(g, {0, 0, 600, 60}));
  };
  auto two = line({38, 38, 19, 19, 38, 19, 38});  // 平成22年 6月
  CHECK(two.shapes == "KKDDKDK");
  CHECK(narrow_glyphs_after_kanji(two, 2) == size_t(2));
  CHECK(narrow_glyphs_after_kanji(line({38, 38, 19, 38, 19, 38}), 2) == size_t(1));  // 平成2年
  // 昭和2年 with each era kanji in two narrow halves (together 32 and 34 px wide).
  CHECK(narrow_glyphs_after_kanji(line({12, 16, 16, 14, 19, 38}), 2) == size_t(1));
  // Halves too narrow together to be one kanji: not counted.
  CHECK(narrow_glyphs_after_kanji(line({8, 8, 38, 19, 38}), 2) == std::nullopt);
  // Two digits run together into one wide glyph, three narrow glyphs, no 年 after them.
  CHECK(narrow_glyphs_after_kanji(line({38, 38, 40, 38}), 2) == std::nullopt);
  CHECK(narrow_glyphs_after_kanji(line({38, 38, 19, 19, 19, 38}), 2) == std::nullopt);
  CHECK(narrow_glyphs_after_kanji(line({38, 38, 19, 19}), 2) == std::nullopt);
}
