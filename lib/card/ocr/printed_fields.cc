#include "card/ocr/printed_fields.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <future>

#include "card/ocr/card_fields.h"
#include "core/stopwatch.h"

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

Error not_found(const char* ja, const char* en) { return make_error(ErrorKind::NotFound, ja, en); }

}  // namespace

namespace {

// The lines of the date column, nearest `want_mm` first.
std::vector<Box> date_lines(const GrayImage& lines, int t, double want_mm) {
  std::vector<Box> bands = text_bands(lines, kDateColumn, t, mm(1.4), mm(0.4));
  std::stable_sort(bands.begin(), bands.end(), [&](const Box& a, const Box& b) {
    return std::fabs(centre_y_mm(a) - want_mm) < std::fabs(centre_y_mm(b) - want_mm);
  });
  return bands;
}

bool same_value(const JapaneseDate& a, const JapaneseDate& b) {
  return a.era == b.era && a.year == b.year && a.month == b.month && a.day == b.day;
}
bool same_value(int a, int b) { return a == b; }

template <typename Looks, typename Parse, typename Value>
void read_date_line(TextReader& reader, int instance, const GrayImage& card, const GrayImage& lines, double want_mm,
                    const std::string& last_mark, Looks looks, Parse parse, FieldReading& field,
                    std::optional<Value>& value, const Error& missing) {
  auto start = Clock::now();
  int t = ink_threshold(lines, kDateColumn);
  bool found = false;
  for (const Box& band : date_lines(lines, t, want_mm)) {
    if (band.height() > mm(6)) continue;
    ++field.lines_tried;
    Box lead = leading_run(lines, band, t);
    ReadLine line = reader.japanese_line(cut(card, lead, mm(1.0)), instance);
    // Print after the field's last character (性別 beside the birth date, when the gap
    // is narrow) would weigh on its confidence: read the field alone again.
    if (looks(line.text) && !last_mark.empty()) {
      int end = -1;
      for (size_t i = 0; i < line.symbols.size(); ++i)
        if (line.symbols[i].text == last_mark && i + 1 < line.symbols.size()) end = line.symbols[i].x1;
      if (end > 0) {
        Box shorter = lead;
        shorter.x1 = std::min(lead.x1, lead.x0 + (end - mm(1.0)) + mm(0.6));
        ReadLine again = reader.japanese_line(cut(card, shorter, mm(1.0)), instance);
        auto first = parse(line.text), second = parse(again.text);
        // Two crops, two readings: when both give a value they must agree (a digit
        // dropped in one of them was seen this way), else neither is trusted.
        if (first && second && !same_value(*first, *second)) {
          field.text = line.text + " / " + again.text;
          field.where = band;
          field.error = make_error(ErrorKind::NotFound, "2回の読み取りが一致しません: 「" + line.text + "」と「" + again.text + "」",
                                   "two readings disagree: '" + line.text + "' and '" + again.text + "'");
          field.ms = ms_since(start);
          return;
        }
        if (second || !first) line = again;
      }
    }
    if (!looks(line.text)) {
      field.other_lines.push_back(line.text);
      continue;
    }
    found = true;
    field.text = line.text;
    field.confidence = line.confidence;
    field.where = band;
    auto v = parse(line.text);
    if (v)
      value = *v;
    else
      field.error = v.error();
    break;
  }
  if (!found) field.error = missing;
  field.ms = ms_since(start);
}

// Four digits off one line: Tesseract's digit model wants a wide margin (a tight crop
// of 7127 read as 2); a smaller copy, then the Japanese model are second opinions.
Expected<std::string> read_digits(TextReader& reader, const GrayImage& card, const Box& where, ReadLine* out) {
  GrayImage crop_img = cut(card, where, mm(2.0));
  ReadLine line = reader.digit_line(crop_img);
  auto code = parse_security_code(line.text);
  auto second = [&](ReadLine again) {
    auto code2 = parse_security_code(again.text);
    if (code2 && (!code || again.confidence > line.confidence)) line = again, code = code2;
  };
  if (!code || line.confidence < kMinConfidence) second(reader.digit_line(downscale(crop_img, 2)));
  if (!code || line.confidence < kMinConfidence) second(reader.japanese_line(crop_img, 1));
  *out = line;
  return code;
}

void read_code(TextReader& reader, const GrayImage& card, const GrayImage& lines, FieldReading& field,
               std::optional<std::string>& value) {
  // Four digits under the photo; the photo's own rows are a dense block, not a line.
  auto start = Clock::now();
  int tc = ink_threshold(lines, kCodeArea);
  std::vector<Box> code_bands = text_bands(lines, kCodeArea, tc, mm(1.4), mm(0.4));
  std::stable_sort(code_bands.begin(), code_bands.end(), [](const Box& a, const Box& b) {
    return std::fabs(centre_y_mm(a) - kCodeY) < std::fabs(centre_y_mm(b) - kCodeY);
  });
  for (const Box& band : code_bands) {
    // The photo ends 30 mm down; its lowest rows are no line of print.
    if (band.height() > mm(6) || ink_share(lines, band, tc) > 0.45 || centre_y_mm(band) < 30.5) continue;
    if (field.lines_tried >= 3) break;
    Box lead = leading_run(lines, band, tc);
    ++field.lines_tried;
    ReadLine line;
    auto code = read_digits(reader, card, lead, &line);
    if (!code) {
      field.other_lines.push_back(line.text);
      continue;
    }
    field.text = line.text;
    field.confidence = line.confidence;
    field.where = band;
    value = *code;
    break;
  }
  if (!value) {
    // No line of print found there (blur can join it to the photo): the reference place itself.
    ++field.lines_tried;
    ReadLine line;
    Box place{mm(60), mm(31), mm(82), mm(37)};
    if (auto code = read_digits(reader, card, place, &line)) {
      field.text = line.text;
      field.confidence = line.confidence;
      field.where = place;
      value = *code;
    } else {
      field.other_lines.push_back(line.text);
    }
  }
  if (!value)
    field.error = not_found("セキュリティコード（写真の下の4桁）が読めません", "no four-digit security code was read below the photo");
  field.ms = ms_since(start);
}

}  // namespace

PrintedFields read_printed_fields(TextReader& reader, const GrayImage& card, const GrayImage& lines) {
  PrintedFields out;
  // Two threads, each with its own Tesseract instances: the birth date on one, the
  // security code then the expiry on the other. Each field finds its own line by content.
  auto birth = std::async(std::launch::async, [&] {
    read_date_line(reader, 0, card, lines, kBirthY, "生", looks_like_birth_line, parse_birth_line, out.birth, out.birth_date,
                   not_found("生年月日の行（「…日生」）が見つかりません", "no birth-date line (ending in 生) was found"));
  });
  read_code(reader, card, lines, out.code, out.security_code);
  read_date_line(reader, 1, card, lines, kExpiryY, "効", looks_like_expiry_line, parse_expiry_line, out.expiry, out.expiry_year,
                 not_found("有効期限の行（「…まで有効」）が見つかりません", "no expiry line (ending in まで有効) was found"));
  birth.get();

  auto doubtful = [](FieldReading& f, auto& value) {
    if (!value || f.confidence >= kMinConfidence) return;
    value.reset();
    char conf[16];
    std::snprintf(conf, sizeof conf, "%.0f", f.confidence);
    f.error = make_error(ErrorKind::NotFound,
                         "「" + f.text + "」と読めましたが確からしさが " + conf + " と低いため使いません",
                         "read as '" + f.text + "' but with a confidence of only " + conf + ", so it is not used");
  };
  doubtful(out.birth, out.birth_date);
  doubtful(out.expiry, out.expiry_year);
  doubtful(out.code, out.security_code);
  return out;
}

PhotoBlock photo_block(const GrayImage& card, double px_per_mm) {
  // The photo's place, shrunk by 2 mm each way to stay inside it on a shifted layout.
  auto at = [&](double v) { return int(std::lround(v * px_per_mm)); };
  Box box = {at(64), at(7), at(80), at(28)};
  // Paper is near 255 after flattening; "not paper" is a milder step than ink, so a
  // photo's light or washed-out background still counts.
  constexpr int kNotPaper = 255 - 18;
  int rows = 0, filled = 0;
  std::vector<uint8_t> values;
  for (int y = box.y0; y < std::min(box.y1, card.height); ++y, ++rows) {
    int c = 0;
    for (int x = box.x0; x < std::min(box.x1, card.width); ++x) {
      uint8_t v = card.at(x, y);
      values.push_back(v);
      c += v < kNotPaper;
    }
    filled += c * 2 >= box.width();
  }
  PhotoBlock out;
  out.filled = rows ? double(filled) / rows : 0;
  if (values.size() < 16) return out;
  // Tone: the share between the block's own dark and light ends, away from both.
  std::sort(values.begin(), values.end());
  double lo = values[values.size() * 5 / 100], hi = values[values.size() * 95 / 100];
  if (hi - lo < 30) {
    out.tone = 1;  // an even block: not the QR code's black and white
    return out;
  }
  size_t mid = 0;
  for (uint8_t v : values) mid += v > lo + (hi - lo) * 0.2 && v < hi - (hi - lo) * 0.2;
  out.tone = double(mid) / values.size();
  return out;
}

}  // namespace caora::card
