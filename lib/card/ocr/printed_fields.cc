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
bool same_value(const std::string& a, const std::string& b) { return a == b; }

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

// Readings of one field, each parsed. A value is taken when it was read at least
// twice, more often than any other, and by two different models: each model has
// misreadings of its own on this print (the digit model takes 77 for 71, jpn a 0 for 9
// in the second font) which it repeats on every rendering, but two seldom share one.
template <typename Value>
struct Ballot {
  struct Vote {
    ReadLine line;
    Expected<Value> value;
    OcrModel model;
  };
  std::vector<Vote> votes;

  void add(ReadLine line, Expected<Value> value, OcrModel model) {
    votes.push_back({std::move(line), std::move(value), model});
  }
  int count(const Value& value, unsigned* models = nullptr) const {
    int n = 0;
    for (const Vote& w : votes)
      if (w.value && same_value(*w.value, value)) {
        ++n;
        if (models) *models |= 1u << int(w.model);
      }
    return n;
  }
  // The vote that gave the commonest value (the first such), and that value's count.
  const Vote* leader(int* n, int* runner_up) const {
    const Vote* best = nullptr;
    *n = *runner_up = 0;
    for (const Vote& v : votes) {
      if (!v.value || (best && same_value(*v.value, *best->value))) continue;
      int c = count(*v.value);
      if (c > *n)
        *runner_up = *n, *n = c, best = &v;
      else
        *runner_up = std::max(*runner_up, c);
    }
    return best;
  }
  const Vote* agreed(int need = 2) const {
    int n = 0, runner_up = 0;
    const Vote* best = leader(&n, &runner_up);
    if (!best || n < need || n <= runner_up) return nullptr;
    unsigned models = 0;
    count(*best->value, &models);
    return (models & (models - 1)) != 0 ? best : nullptr;  // two models or more
  }
  // Why no value was taken: every reading failed the same way (an invalid date is
  // reported as such), else the readings disagree.
  Error why_not() const {
    std::string ja, en;
    bool all_failed = true;
    for (const Vote& v : votes) {
      all_failed = all_failed && !v.value;
      ja += (ja.empty() ? "「" : "、「") + v.line.text + "」";
      en += (en.empty() ? "'" : ", '") + v.line.text + "'";
    }
    if (all_failed)
      for (const Vote& v : votes) {
        int n = 0;
        for (const Vote& w : votes) n += w.value.error().message.en == v.value.error().message.en;
        if (n * 2 > int(votes.size())) return v.value.error();
      }
    std::string n = std::to_string(votes.size());
    return make_error(ErrorKind::NotFound, n + "回の読み取りで、2つの認識モデルが同じ値を読みませんでした: " + ja,
                      "no value was read alike by two recognition models in " + n + " readings: " + en);
  }
};

// Fills `field` from the ballot: the agreed value with the best confidence among the
// readings that gave it, else the reason there is none.
template <typename Value>
void settle(const Ballot<Value>& ballot, FieldReading& field, std::optional<Value>& value, int need = 2) {
  field.readings = int(ballot.votes.size());
  int n = 0, runner_up = 0;
  auto* lead = ballot.leader(&n, &runner_up);
  field.agreeing = n;
  if (auto* v = ballot.agreed(need)) {
    value = *v->value;
    field.text = v->line.text;
    field.confidence = 0;
    bool japanese_text = false;  // the whole line as the Japanese model read it, where there is one
    for (const auto& w : ballot.votes)
      if (w.value && same_value(*w.value, *v->value)) {
        field.confidence = std::max(field.confidence, w.line.confidence);
        if (!japanese_text && w.model != OcrModel::Digits) field.text = w.line.text, japanese_text = true;
      }
    field.error.reset();
    return;
  }
  if (lead) field.text = lead->line.text, field.confidence = lead->line.confidence;
  else if (!ballot.votes.empty()) field.text = ballot.votes.front().line.text, field.confidence = ballot.votes.front().line.confidence;
  field.error = ballot.why_not();
}

// Readings of a date line before it is given up as unread (more when three must agree),
// and of the security code, whose readings are small and quick.
constexpr size_t kMaxReadings = 6;
constexpr size_t kMaxCodeReadings = 9;

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

template <typename Looks, typename Parse, typename Value>
void read_date_line(TextReader& reader, int instance, const GrayImage& card, const GrayImage& lines, double want_mm,
                    const std::string& last_mark, bool year_first, int need, Looks looks, Parse parse,
                    FieldReading& field, std::optional<Value>& value, const Error& missing) {
  auto start = Clock::now();
  int t = ink_threshold(lines, kDateColumn);
  bool found = false;
  for (const Box& band : date_lines(lines, t, want_mm)) {
    if (band.height() > mm(6)) continue;
    ++field.lines_tried;
    Box lead = leading_run(lines, band, t);
    OcrModel first_model = OcrModel::Japanese;
    ReadLine line = reader.read_line(first_model, cut(card, lead, mm(1.0)), instance);
    // The line where the field should be, unrecognisable to jpn (a Mincho face was read
    // as 央正13年-5胡下母邊): the script model has a look before it is passed over.
    if (!looks(line.text) && field.lines_tried == 1) {
      ReadLine other = reader.read_line(OcrModel::JapaneseScript, cut(card, lead, mm(1.0)), instance);
      if (looks(other.text)) line = other, first_model = OcrModel::JapaneseScript;
    }
    if (!looks(line.text)) {
      field.other_lines.push_back(line.text);
      continue;
    }
    found = true;
    field.where = band;
    // The field's own extent ends at its last mark: print after it (性別 beside the
    // birth date, when the gap is narrow) would weigh on the readings.
    Box own = lead;
    if (!last_mark.empty())
      for (size_t i = 0; i + 1 < line.symbols.size(); ++i)
        if (line.symbols[i].text == last_mark)
          own.x1 = std::min(lead.x1, lead.x0 + (line.symbols[i].x1 - mm(1.0)) + mm(0.6));
    Ballot<Value> ballot;
    ballot.add(line, parse(line.text), first_model);
    // A line that starts with its year (the expiry) has the year read by the digit model too.
    if (year_first)
      if (auto digits = year_by_digit_model(reader, instance, card, lines, lead, t))
        ballot.add(*digits, parse(digits->text), OcrModel::Digits);
    // Then the two Japanese models in turn over the renderings of the field's own
    // extent, until two of them agree (the first two readings, on a clean card).
    const size_t most = kMaxReadings + 2 * size_t(need - 2);
    for (size_t i = 0; !ballot.agreed(need) && ballot.votes.size() < most && i < 2 * std::size(kRenderings); ++i) {
      OcrModel model = i % 2 == 0 ? OcrModel::JapaneseScript : OcrModel::Japanese;
      Rendering how = kRenderings[i / 2];
      if (model == first_model && how == Rendering::Plain && own.x1 == lead.x1) continue;  // read already
      ReadLine again = reader.read_line(model, render(card, lines, own, mm(1.0), how), instance);
      ballot.add(again, parse(again.text), model);
    }
    settle(ballot, field, value, need);
    break;
  }
  if (!found) field.error = missing;
  field.ms = ms_since(start);
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
    settle(ballot, field, value);
    break;
  }
  if (!field.where)
    field.error = not_found("セキュリティコード（写真の下の4桁）が読めません", "no four-digit security code was read below the photo");
  field.ms = ms_since(start);
}

}  // namespace

PrintedFields read_printed_fields(TextReader& reader, const GrayImage& card, const GrayImage& lines) {
  PrintedFields out;
  auto read_birth = [&](int need, FieldReading& field, std::optional<JapaneseDate>& value) {
    read_date_line(reader, 0, card, lines, kBirthY, "生", false, need, looks_like_birth_line, parse_birth_line, field, value,
                   not_found("生年月日の行（「…日生」）が見つかりません", "no birth-date line (ending in 生) was found"));
  };
  // Two threads, each with its own Tesseract instances: the birth date on one, the
  // security code then the expiry on the other. Each field finds its own line by content.
  auto birth = std::async(std::launch::async, [&] { read_birth(2, out.birth, out.birth_date); });
  read_code(reader, card, lines, out.code, out.security_code);
  read_date_line(reader, 1, card, lines, kExpiryY, "効", true, 2, looks_like_expiry_line, parse_expiry_line, out.expiry,
                 out.expiry_year, not_found("有効期限の行（「…まで有効」）が見つかりません", "no expiry line (ending in まで有効) was found"));
  birth.get();

  // The card expires on the holder's birthday, so the expiry line's month and day
  // confirm the birth date's. The birth date has no digit model to check its digits
  // (the two Japanese models both took 11月 for 1月 on one card): unconfirmed, or
  // contradicted, it stands only on a third agreeing reading. Cards whose expiry is set
  // otherwise, as some residents' are, still read, with more readings.
  if (out.birth_date) {
    auto md = month_day(out.expiry.text);
    if (!md || md->first != out.birth_date->month || md->second != out.birth_date->day) {
      FieldReading again;
      std::optional<JapaneseDate> value;
      read_birth(3, again, value);
      again.ms += out.birth.ms;
      if (!value)
        again.error = make_error(
            ErrorKind::NotFound,
            "生年月日を「" + out.birth.text + "」と読みましたが、有効期限「" + out.expiry.text +
                "」の月日（誕生日）で確かめられず、3回目の読み取りも一致しませんでした",
            "the birth date was read as '" + out.birth.text + "', but the expiry date '" + out.expiry.text +
                "' (the holder's birthday) does not confirm its month and day, and no third reading agreed");
      out.birth = again;
      out.birth_date = value;
    }
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
