// Lines of print on the rectified card: bands of rows holding ink, and within a band
// the runs of columns separated by wide gaps. Ink is what is darker than the midpoint
// between the paper and the darkest print of the region, so a pale tinted box or the
// card's background pattern is not taken for text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "card/ocr/gray.h"

namespace caora::card {

struct Box {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // [x0, x1) x [y0, y1)
  int width() const { return x1 - x0; }
  int height() const { return y1 - y0; }
};

// The ink threshold of a region: between its paper (a high percentile) and its
// darkest print (a low percentile). Returns -1 when the region holds no print.
int ink_threshold(const GrayImage& img, const Box& region);

// Bands of ink rows inside `region` at least min_height high, merged across gaps
// smaller than merge_gap; each band's box is trimmed to its ink columns.
std::vector<Box> text_bands(const GrayImage& img, const Box& region, int threshold, int min_height, int merge_gap);

// The runs of ink columns inside a band, split where the gap is at least min_gap wide.
std::vector<Box> column_runs(const GrayImage& img, const Box& band, int threshold, int min_gap);

// The box narrowed to its rows with ink (unchanged when it has none).
Box ink_rows(const GrayImage& img, Box b, int threshold);

// A line's glyphs: its runs of ink columns, each told a kanji (K: about as wide as it is
// high) or a narrow glyph (D: a digit is about half as wide, so are the halves of 昭 or 和).
struct LineGlyphs {
  std::vector<Box> boxes;
  int em = 0;          // the tallest glyph's height: a kanji's, whatever the line's skew
  std::string shapes;  // "K" or "D" for each glyph
};
LineGlyphs line_glyphs(const GrayImage& img, const Box& line, int threshold);

// How many narrow glyphs (1 or 2) stand between the line's first `kanji` kanji and the
// next wide glyph: the year's digits between an era name and 年. A kanji is one wide
// glyph or two narrow halves together about a kanji wide (昭 is 日 and 召, 和 is 禾 and
// 口, and a Mincho 平 comes apart too). None where the glyphs do not fall that way.
std::optional<size_t> narrow_glyphs_after_kanji(const LineGlyphs& line, int kanji);

}  // namespace caora::card
