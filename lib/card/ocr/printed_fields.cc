#include "card/ocr/printed_fields.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "card/ocr/card_fields.h"

namespace caora::card {

namespace {

int mm(double v) { return int(std::lround(v * kPxPerMm)); }

// Where each field is looked for, in mm from the card's top-left (CARD.md's reference
// layout, widened by a few mm each way for real cards' shifts).
const Box kDateColumn = {mm(1.0), mm(17.0), mm(62.0), mm(42.0)};
constexpr double kBirthY = 25.6, kExpiryY = 32.6;
const Box kCodeArea = {mm(55.0), mm(27.5), mm(85.0), mm(43.0)};
constexpr double kCodeY = 33.6;

double centre_y_mm(const Box& b) { return (b.y0 + b.y1) / 2.0 / kPxPerMm; }

// The line's image with a white margin, which Tesseract needs to find the glyphs' edges.
GrayImage cut(const GrayImage& card, const Box& b, int margin) {
  int pad = margin;
  GrayImage out = make_gray(b.width() + 2 * pad, b.height() + 2 * pad, 255);
  GrayImage c = crop(card, b.x0, b.y0, b.width(), b.height());
  // The margin takes the paper's shade, not pure white, so the edge is not an edge.
  std::vector<uint8_t> sorted = c.pixels;
  uint8_t paper = 255;
  if (!sorted.empty()) {
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() * 8 / 10, sorted.end());
    paper = sorted[sorted.size() * 8 / 10];
  }
  std::fill(out.pixels.begin(), out.pixels.end(), paper);
  for (int y = 0; y < c.height; ++y)
    std::copy_n(&c.pixels[size_t(y) * c.width], c.width, &out.pixels[size_t(y + pad) * out.width + pad]);
  return out;
}

double ink_share(const GrayImage& card, const Box& b, int threshold) {
  size_t ink = 0, n = 0;
  for (int y = std::max(0, b.y0); y < std::min(card.height, b.y1); ++y)
    for (int x = std::max(0, b.x0); x < std::min(card.width, b.x1); ++x, ++n) ink += card.at(x, y) < threshold;
  return n ? double(ink) / n : 0;
}

// A band's leading run: the text up to the first wide gap (so that 性別 女 beside the
// birth date is not read with it).
Box leading_run(const GrayImage& card, const Box& band, int threshold) {
  auto runs = column_runs(card, band, threshold, mm(3.5));
  if (runs.empty()) return band;
  Box out = runs[0];
  for (size_t i = 1; i < runs.size() && out.width() < mm(12); ++i) out.x1 = runs[i].x1;
  // Tight vertically too: the run's own ink rows.
  int y0 = out.y1, y1 = out.y0;
  for (int y = out.y0; y < out.y1; ++y)
    for (int x = out.x0; x < out.x1; ++x)
      if (card.at(x, y) < threshold) {
        y0 = std::min(y0, y), y1 = std::max(y1, y + 1);
        break;
      }
  if (y1 > y0) out.y0 = y0, out.y1 = y1;
  return out;
}

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

Error not_found(const char* ja, const char* en) { return make_error(ErrorKind::NotFound, ja, en); }

}  // namespace

PrintedFields read_printed_fields(TextReader& reader, const GrayImage& card) {
  PrintedFields out;
  auto start = Clock::now();

  // Birth date and expiry: the lines of the date column, nearest the reference place first.
  int t = ink_threshold(card, kDateColumn);
  std::vector<Box> bands = text_bands(card, kDateColumn, t, mm(1.4), mm(0.4));
  std::vector<Box> birth_order = bands;
  std::stable_sort(birth_order.begin(), birth_order.end(), [](const Box& a, const Box& b) {
    return std::fabs(centre_y_mm(a) - kBirthY) < std::fabs(centre_y_mm(b) - kBirthY);
  });
  std::vector<std::pair<Box, ReadLine>> read;  // every line read, to reuse for the expiry
  auto read_band = [&](const Box& band, FieldReading& field) -> const ReadLine& {
    for (const auto& [b, line] : read)
      if (b.y0 == band.y0 && b.x0 == band.x0) return line;
    Box lead = leading_run(card, band, t);
    ++field.lines_tried;
    read.push_back({band, reader.japanese_line(cut(card, lead, mm(1.0)))});
    return read.back().second;
  };
  std::optional<Box> birth_band;
  for (const Box& band : birth_order) {
    if (band.height() > mm(6)) continue;
    const ReadLine& line = read_band(band, out.birth);
    if (!looks_like_birth_line(line.text)) continue;
    out.birth.text = line.text;
    out.birth.confidence = line.confidence;
    out.birth.where = band;
    birth_band = band;
    auto date = parse_birth_line(line.text);
    if (date)
      out.birth_date = *date;
    else
      out.birth.error = date.error();
    break;
  }
  if (!birth_band)
    out.birth.error = not_found("生年月日の行（「…日生」）が見つかりません", "no birth-date line (ending in 生) was found");
  out.birth.ms = ms_since(start);

  auto t_expiry = Clock::now();
  // The expiry line lies below the birth date; without one, nearest its reference place.
  std::vector<Box> expiry_order;
  for (const Box& b : bands)
    if (!birth_band || b.y0 >= birth_band->y1) expiry_order.push_back(b);
  std::stable_sort(expiry_order.begin(), expiry_order.end(), [&](const Box& a, const Box& b) {
    double want = birth_band ? centre_y_mm(*birth_band) + (kExpiryY - kBirthY) : kExpiryY;
    return std::fabs(centre_y_mm(a) - want) < std::fabs(centre_y_mm(b) - want);
  });
  bool expiry_found = false;
  for (const Box& band : expiry_order) {
    if (band.height() > mm(6)) continue;
    const ReadLine& line = read_band(band, out.expiry);
    if (!looks_like_expiry_line(line.text)) continue;
    out.expiry.text = line.text;
    out.expiry.confidence = line.confidence;
    out.expiry.where = band;
    expiry_found = true;
    auto year = parse_expiry_line(line.text);
    if (year)
      out.expiry_year = *year;
    else
      out.expiry.error = year.error();
    break;
  }
  if (!expiry_found)
    out.expiry.error = not_found("有効期限の行（「…まで有効」）が見つかりません", "no expiry line (ending in まで有効) was found");
  out.expiry.ms = ms_since(t_expiry);

  // Security code: four digits under the photo; the photo's own rows are a dense block, not a line.
  auto t_code = Clock::now();
  int tc = ink_threshold(card, kCodeArea);
  std::vector<Box> code_bands = text_bands(card, kCodeArea, tc, mm(1.4), mm(0.4));
  std::stable_sort(code_bands.begin(), code_bands.end(), [](const Box& a, const Box& b) {
    return std::fabs(centre_y_mm(a) - kCodeY) < std::fabs(centre_y_mm(b) - kCodeY);
  });
  bool code_found = false;
  for (const Box& band : code_bands) {
    if (band.height() > mm(6) || ink_share(card, band, tc) > 0.45) continue;
    Box lead = leading_run(card, band, tc);
    ++out.code.lines_tried;
    ReadLine line = reader.digit_line(cut(card, lead, mm(1.0)));
    auto code = parse_security_code(line.text);
    if (!code) continue;
    out.code.text = line.text;
    out.code.confidence = line.confidence;
    out.code.where = band;
    out.security_code = *code;
    code_found = true;
    break;
  }
  if (!code_found)
    out.code.error = not_found("セキュリティコード（写真の下の4桁）が読めません",
                               "no four-digit security code was read below the photo");
  out.code.ms = ms_since(t_code);
  return out;
}

double photo_block_score(const GrayImage& card) {
  // The photo's place, shrunk by 2 mm each way to stay inside it on a shifted layout.
  Box box = {mm(64), mm(7), mm(80), mm(28)};
  int t = ink_threshold(card, Box{0, 0, card.width, card.height});
  if (t < 0) return 0;
  // "Not paper" is a milder step than ink: a photo's light background still differs.
  size_t hist[256] = {}, n = 0;
  for (uint8_t v : card.pixels) ++hist[v], ++n;
  size_t seen = 0;
  int paper = 255;
  for (int v = 0; v < 256; ++v)
    if ((seen += hist[v]) > n * 8 / 10) {
      paper = v;
      break;
    }
  int not_paper = paper - 25;
  int rows = 0, filled = 0;
  for (int y = box.y0; y < std::min(box.y1, card.height); ++y, ++rows) {
    int c = 0;
    for (int x = box.x0; x < std::min(box.x1, card.width); ++x) c += card.at(x, y) < not_paper;
    filled += c * 2 >= box.width();
  }
  return rows ? double(filled) / rows : 0;
}

}  // namespace caora::card
