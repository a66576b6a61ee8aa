#include "card/ocr/printed_fields.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <future>

#include "card/ocr/ballot.h"
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

// How a field's print is drawn for one reading. Tesseract's mistakes follow the pixels,
// so the same print drawn another way is a second opinion: a misreading is seldom made
// the same way twice, while the right reading comes back on each.
enum class Rendering { Plain, Smaller, Binary, Softer, Larger };
constexpr Rendering kRenderings[] = {Rendering::Plain, Rendering::Smaller, Rendering::Binary, Rendering::Softer,
                                     Rendering::Larger};

GrayImage render(const GrayImage& card, const GrayImage& lines, const Box& b, int margin, Rendering how) {
  switch (how) {
    case Rendering::Plain:
      return cut(card, b, margin);
    case Rendering::Smaller:
      return resize(cut(card, b, margin), 0.75);
    case Rendering::Larger:
      return resize(cut(card, b, margin), 1.3);
    case Rendering::Softer:
      return cut(lines, b, margin);
    case Rendering::Binary: {
      GrayImage img = cut(card, b, margin);
      int t = ink_threshold(img, {0, 0, img.width, img.height});
      if (t < 0) return img;
      for (auto& v : img.pixels) v = v < t ? 0 : 255;
      return img;
    }
  }
  return cut(card, b, margin);
}

// Every reading made, for the report (a support desk sees what each model read).
template <typename Value>
void list_votes(const Ballot<Value>& ballot, FieldReading& field) {
  field.votes.clear();
  for (const auto& v : ballot.votes) field.votes.push_back({model_name(v.model), v.line.text});
}

// Fills `field` from the ballot: the value `chosen` gave, with the best confidence
// among the readings that gave it, else the reason there is none.
template <typename Value>
void settle(const Ballot<Value>& ballot, const typename Ballot<Value>::Vote* chosen, FieldReading& field,
            std::optional<Value>& value) {
  list_votes(ballot, field);
  int n = 0, runner_up = 0;
  auto* lead = ballot.leader(&n, &runner_up);
  if (chosen) {
    value = *chosen->value;
    field.agreeing = ballot.count(*chosen->value);
    field.text = chosen->line.text;
    field.confidence = 0;
    bool japanese_text = false;  // the whole line as a Japanese model read it, where there is one
    for (const auto& w : ballot.votes)
      if (w.value && same_value(*w.value, *chosen->value)) {
        field.confidence = std::max(field.confidence, w.line.confidence);
        if (!japanese_text && w.model != OcrModel::Digits) field.text = w.line.text, japanese_text = true;
      }
    field.error.reset();
    return;
  }
  value.reset();
  field.agreeing = n;
  if (lead) field.text = lead->line.text, field.confidence = lead->line.confidence;
  else if (!ballot.votes.empty()) field.text = ballot.votes.front().line.text, field.confidence = ballot.votes.front().line.confidence;
  field.error = ballot.why_not();
}

// Readings of a date line before it is given up as unread (the birth date, checked
// against the expiry, may go on through every rendering), and of the security code,
// whose readings are small and quick.
constexpr size_t kMaxReadings = 6;
constexpr size_t kMaxCodeReadings = 9;
constexpr size_t kEveryReading = 2 * std::size(kRenderings) + 1;  // both Japanese models on each, and the first

// The expiry year read by the digit model: the line's first four glyphs, cut off
// before 年 at the ink gap after the fourth (the digit model cannot read 年 and would
// take it for digits). Digits blurred into one another give fewer glyphs, and then no
// reading rather than a wrong one.
std::optional<ReadLine> year_by_digit_model(TextReader& reader, int instance, const GrayImage& card,
                                            const GrayImage& lines, const Box& line_box, int t) {
  auto glyphs = column_runs(lines, line_box, t, 2);
  if (glyphs.size() < 5) return std::nullopt;
  for (size_t i = 0; i < 4; ++i)
    if (glyphs[i].width() > line_box.height()) return std::nullopt;  // a kanji's width, not a digit's
  Box year = line_box;
  year.x0 = glyphs[0].x0;
  year.x1 = (glyphs[3].x1 + glyphs[4].x0) / 2;
  return reader.read_line(OcrModel::Digits, cut(card, year, mm(2.0)), instance);
}

// A date line found and being read: its readings so far and where the renderings
// still to read start.
template <typename Value>
struct DateLine {
  Ballot<Value> ballot;
  Box lead, own;
  OcrModel first_model = OcrModel::Japanese;
  size_t next = 0;  // the next (model, rendering) pair of read_more()
};

// Finds the line of the date column, nearest `want_mm`, whose reading `looks` like
// the field, and reads it once (its year also by the digit model when the line starts
// with it, as the expiry does). Nothing when no line does.
template <typename Value, typename Looks, typename Parse>
std::optional<DateLine<Value>> find_date_line(TextReader& reader, int instance, const GrayImage& card,
                                              const GrayImage& lines, double want_mm, const std::string& last_mark,
                                              bool year_first, Looks looks, Parse parse, FieldReading& field) {
  int t = ink_threshold(lines, kDateColumn);
  for (const Box& band : date_lines(lines, t, want_mm)) {
    if (band.height() > mm(6)) continue;
    ++field.lines_tried;
    DateLine<Value> line;
    line.lead = leading_run(lines, band, t);
    ReadLine first = reader.read_line(line.first_model, cut(card, line.lead, mm(1.0)), instance);
    // The line where the field should be, unrecognisable to jpn (a Mincho face was read
    // as 央正13年-5胡下母邊): the script model has a look before it is passed over.
    if (!looks(first.text) && field.lines_tried == 1) {
      ReadLine other = reader.read_line(OcrModel::JapaneseScript, cut(card, line.lead, mm(1.0)), instance);
      if (looks(other.text)) first = other, line.first_model = OcrModel::JapaneseScript;
    }
    if (!looks(first.text)) {
      field.other_lines.push_back(first.text);
      continue;
    }
    field.where = band;
    // The field's own extent ends at its last mark: print after it (性別 beside the
    // birth date, when the gap is narrow) would weigh on the readings.
    line.own = line.lead;
    for (size_t i = 0; i + 1 < first.symbols.size(); ++i)
      if (first.symbols[i].text == last_mark)
        line.own.x1 = std::min(line.lead.x1, line.lead.x0 + (first.symbols[i].x1 - mm(1.0)) + mm(0.6));
    line.ballot.add(first, parse(first.text), line.first_model);
    if (year_first)
      if (auto digits = year_by_digit_model(reader, instance, card, lines, line.lead, t))
        line.ballot.add(*digits, parse(digits->text), OcrModel::Digits);
    return line;
  }
  return std::nullopt;
}

// Reads the line further, the two Japanese models in turn over the renderings of the
// field's own extent, until `enough` (two models agreeing, on a clean card the first
// two readings) or `most` readings.
template <typename Value, typename Parse, typename Enough>
void read_more(TextReader& reader, int instance, const GrayImage& card, const GrayImage& lines, DateLine<Value>& line,
               Parse parse, Enough enough, size_t most) {
  for (; !enough(line.ballot) && line.ballot.votes.size() < most && line.next < 2 * std::size(kRenderings); ++line.next) {
    OcrModel model = line.next % 2 == 0 ? OcrModel::JapaneseScript : OcrModel::Japanese;
    Rendering how = kRenderings[line.next / 2];
    if (model == line.first_model && how == Rendering::Plain && line.own.x1 == line.lead.x1) continue;  // read already
    ReadLine again = reader.read_line(model, render(card, lines, line.own, mm(1.0), how), instance);
    line.ballot.add(again, parse(again.text), model);
  }
}

template <typename Value>
bool two_models_agree(const Ballot<Value>& b) {
  return b.agreed() != nullptr;
}

// The month and day most of the expiry line's readings give (the first on a tie), and
// how many gave it.
std::pair<std::optional<std::pair<int, int>>, int> commonest_md(const Ballot<int>& b) {
  std::optional<std::pair<int, int>> best;
  int best_n = 0;
  for (const auto& v : b.votes)
    if (auto m = month_day(v.line.text)) {
      int n = 0;
      for (const auto& w : b.votes) n += month_day(w.line.text) == m;
      if (n > best_n) best = m, best_n = n;
    }
  return {best, best_n};
}

// Four digits off one line: the three models in turn over the renderings (the digit
// model wants the wide margin: a tight crop of 7127 read as 2).
Ballot<std::string> read_digits(TextReader& reader, const GrayImage& card, const GrayImage& lines, const Box& where) {
  Ballot<std::string> ballot;
  for (Rendering how : kRenderings) {
    GrayImage img = render(card, lines, where, mm(2.0), how);
    for (OcrModel model : {OcrModel::Digits, OcrModel::Japanese, OcrModel::JapaneseScript}) {
      ReadLine line = reader.read_line(model, img, 1);
      ballot.add(line, parse_security_code(line.text), model);
      if (ballot.agreed() || ballot.votes.size() >= kMaxCodeReadings) return ballot;
    }
  }
  return ballot;
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
  // No line of print found there (blur can join it to the photo): the reference place itself, last.
  std::vector<Box> places;
  for (const Box& band : code_bands) {
    // The photo ends 30 mm down; its lowest rows are no line of print.
    if (band.height() > mm(6) || ink_share(lines, band, tc) > 0.45 || centre_y_mm(band) < 30.5) continue;
    if (places.size() < 3) places.push_back(leading_run(lines, band, tc));
  }
  places.push_back({mm(60), mm(31), mm(82), mm(37)});
  for (const Box& place : places) {
    ++field.lines_tried;
    Ballot<std::string> ballot = read_digits(reader, card, lines, place);
    bool any_value = std::any_of(ballot.votes.begin(), ballot.votes.end(), [](const auto& v) { return bool(v.value); });
    if (!any_value) {
      field.other_lines.push_back(ballot.votes.front().line.text);
      continue;
    }
    field.where = place;
    settle(ballot, ballot.agreed(), field, value);
    break;
  }
  if (!field.where)
    field.error = not_found("セキュリティコード（写真の下の4桁）が読めません", "no four-digit security code was read below the photo");
  field.ms = ms_since(start);
}

}  // namespace

PrintedFields read_printed_fields(TextReader& reader, const GrayImage& card, const GrayImage& lines) {
  PrintedFields out;
  // Two threads, each with its own Tesseract instances: the birth date on one, the
  // security code then the expiry on the other. Each field finds its own line by content.
  std::optional<DateLine<JapaneseDate>> birth_line;
  auto birth = std::async(std::launch::async, [&] {
    auto start = Clock::now();
    birth_line = find_date_line<JapaneseDate>(reader, 0, card, lines, kBirthY, "生", false, looks_like_birth_line,
                                              parse_birth_line, out.birth);
    if (birth_line)
      read_more(reader, 0, card, lines, *birth_line, parse_birth_line, two_models_agree<JapaneseDate>, kMaxReadings);
    out.birth.ms = ms_since(start);
  });
  read_code(reader, card, lines, out.code, out.security_code);
  auto start = Clock::now();
  std::optional<std::pair<int, int>> md;  // the expiry date's month and day
  auto md_twice = [&](const Ballot<int>& b) { return commonest_md(b).second >= 2; };
  auto expiry = find_date_line<int>(reader, 1, card, lines, kExpiryY, "効", true, looks_like_expiry_line,
                                    parse_expiry_line, out.expiry);
  if (expiry) {
    read_more(reader, 1, card, lines, *expiry, parse_expiry_line, two_models_agree<int>, kMaxReadings);
    settle(expiry->ballot, expiry->ballot.agreed(), out.expiry, out.expiry_year);
    if (out.expiry_year) {
      // Its month and day garbled in that reading: two more readings alike will do.
      if (!month_day(out.expiry.text)) read_more(reader, 1, card, lines, *expiry, parse_expiry_line, md_twice, kMaxReadings);
      md = commonest_md(expiry->ballot).first;
      list_votes(expiry->ballot, out.expiry);
    }
  } else {
    out.expiry.error = not_found("有効期限の行（「…まで有効」）が見つかりません", "no expiry line (ending in まで有効) was found");
  }
  out.expiry.ms = ms_since(start);
  birth.get();

  // The card expires on the holder's birthday, so the expiry line's month and day are
  // a second witness for the birth date's, read off other pixels. The birth date has no
  // digit model to check its digits (both Japanese models took 11日 for 1日 on one
  // card), so it is taken only when the expiry confirms it, or, the expiry's month and
  // day unread, when two models agree three times. A contradicted birth date is not
  // read (cards whose expiry is set otherwise, as some residents' are, say so in 101).
  if (!birth_line) {
    out.birth.error = not_found("生年月日の行（「…日生」）が見つかりません", "no birth-date line (ending in 生) was found");
  } else {
    start = Clock::now();
    auto fits = [&](const JapaneseDate& d) { return md && d.month == md->first && d.day == md->second; };
    auto& ballot = birth_line->ballot;
    auto decided = [&](const Ballot<JapaneseDate>& b) { return md ? b.agreed() && fits(*b.agreed()->value) : b.agreed(3) != nullptr; };
    read_more(reader, 0, card, lines, *birth_line, parse_birth_line, decided, kEveryReading);
    // Two models agree on a birth date the expiry contradicts: the expiry's month and
    // day may be the misreading (8 read as 6), so they too are read until read twice alike.
    if (md && ballot.agreed() && !fits(*ballot.agreed()->value) && !md_twice(expiry->ballot)) {
      read_more(reader, 1, card, lines, *expiry, parse_expiry_line, md_twice, kEveryReading);
      if (md_twice(expiry->ballot)) md = commonest_md(expiry->ballot).first;
      list_votes(expiry->ballot, out.expiry);
    }
    const auto* chosen = md ? ballot.confirmed(fits) : ballot.agreed(3);
    settle(ballot, chosen, out.birth, out.birth_date);
    if (!chosen && md && ballot.agreed())
      out.birth.error = make_error(
          ErrorKind::NotFound,
          "生年月日を「" + out.birth.text + "」と読みましたが、その月日が有効期限「" + out.expiry.text + "」の月日（誕生日）と合いません",
          "the birth date was read as '" + out.birth.text + "', but its month and day differ from the expiry date's ('" +
              out.expiry.text + "', the holder's birthday)");
    out.birth.ms += ms_since(start);
  }

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
