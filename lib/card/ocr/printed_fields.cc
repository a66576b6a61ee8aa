#include "card/ocr/printed_fields.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <future>
#include <regex>
#include <cstdlib>

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

// The shade of most of an image: the paper's, in a cut of a line of print.
uint8_t paper_shade(const GrayImage& img) {
  std::vector<uint8_t> sorted = img.pixels;
  if (sorted.empty()) return 255;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() * 8 / 10, sorted.end());
  return sorted[sorted.size() * 8 / 10];
}

// The card's background pattern, light grey lines across the print, made a 7 a 4 and a
// 5 a 9 to the digit model, and a 3 an 8 to both Japanese models: what is much lighter
// than the print goes to paper.
GrayImage without_background(GrayImage img) {
  if (img.pixels.empty()) return img;
  std::vector<uint8_t> sorted = img.pixels;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 20, sorted.end());
  int ink = sorted[sorted.size() / 20], paper = paper_shade(img);
  int light = ink + (paper - ink) * 2 / 3;
  for (auto& v : img.pixels)
    if (v > light) v = uint8_t(paper);
  return img;
}

// The line's image with a white margin, which Tesseract needs to find the glyphs' edges.
GrayImage cut(const GrayImage& card, const Box& b, int margin) {
  int pad = margin;
  GrayImage out = make_gray(b.width() + 2 * pad, b.height() + 2 * pad, 255);
  GrayImage c = crop(card, b.x0, b.y0, b.width(), b.height());
  // The margin takes the paper's shade, not pure white, so the edge is not an edge.
  std::fill(out.pixels.begin(), out.pixels.end(), paper_shade(c));
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
  return ink_rows(card, out, threshold);  // tight vertically too
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
  if (how == Rendering::Binary) {
    GrayImage img = cut(card, b, margin);
    int t = ink_threshold(img, {0, 0, img.width, img.height});
    if (t < 0) return img;
    for (auto& v : img.pixels) v = v < t ? 0 : 255;
    return img;
  }
  GrayImage img = without_background(cut(how == Rendering::Softer ? lines : card, b, margin));
  if (how == Rendering::Smaller) return resize(img, 0.75);
  if (how == Rendering::Larger) return resize(img, 1.3);
  return img;
}

// Two models agree, and the digit model is one of them.
bool digits_agree(const Ballot<std::string>& ballot) {
  const auto* agreed = ballot.agreed();
  return agreed && ballot.read_by(*agreed->value, OcrModel::Digits);
}

// Every reading made, for the report (a support desk sees what each model read).
template <typename Value>
void list_votes(const Ballot<Value>& ballot, FieldReading& field) {
  field.votes.clear();
  for (const auto& v : ballot.votes) field.votes.push_back({model_name(v.model), v.line.text});
}

// Fills `field` from the ballot: the value `chosen` gave, with the best confidence
// among the readings that gave it, else the reason there is none.
// `as_printed` (see Ballot::doubled_digit_dissent) tells values the print's glyphs allow.
template <typename Value, typename AsPrinted = AnyPrint>
void settle(const Ballot<Value>& ballot, const typename Ballot<Value>::Vote* chosen, FieldReading& field,
            std::optional<Value>& value, AsPrinted as_printed = {}) {
  list_votes(ballot, field);
  int n = 0, runner_up = 0;
  auto* lead = ballot.leader(&n, &runner_up);
  if (chosen)
    if (const auto* other = ballot.doubled_digit_dissent(*chosen->value, as_printed)) {
      value.reset();
      field.agreeing = ballot.count(*chosen->value);
      field.text = chosen->line.text;
      field.confidence = chosen->line.confidence;
      field.error = make_error(ErrorKind::NotFound,
                               "読み取りが繰り返しの数字1つだけ食い違います（「" + chosen->line.text + "」と「" +
                                   other->line.text + "」）。誤った値を出さないよう、読めなかったものとします",
                               "the readings differ by one repeated digit ('" + chosen->line.text + "' against '" +
                                   other->line.text + "'): left unread rather than risk a wrong value");
      return;
    }
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
// against the expiry, may go on through every rendering).
constexpr size_t kMaxReadings = 6;
constexpr size_t kEveryReading = 3 * std::size(kRenderings);  // the three models on each

// The numbers of a date line, found by the shapes of its glyphs: a kanji (年, 月, 日,
// 生) is about as wide as it is high, a digit about half that. Each number is the list
// of its glyphs, so that the digit model reads the digits alone (it cannot read a kanji
// and would take 年 for digits). Glyphs blurred into one another, or a line whose
// glyphs do not fall into the expected pattern, give no numbers rather than wrong ones.
using Number = std::vector<Box>;

std::vector<Number> numbers_by_glyph_shape(const LineGlyphs& line, const std::regex& pattern) {
  const std::vector<Box>& glyphs = line.boxes;
  const std::string& shapes = line.shapes;
  std::smatch m;
  if (!std::regex_search(shapes, m, pattern)) return {};
  std::vector<Number> out;
  for (size_t i = 1; i < m.size(); ++i) {
    if (!m[i].matched) continue;
    if (m.str(i) == "K") {  // 元 of 元年: no digits to read
      out.emplace_back();
      continue;
    }
    size_t first = m.position(i), last = first + m.length(i) - 1;
    out.emplace_back(glyphs.begin() + first, glyphs.begin() + last + 1);
    // The runs end where the ink is darker than the threshold: the glyphs' softer edges
    // go with them, up to halfway to the kanji beside them (a 5 cut at its edge was read 9).
    int pad = mm(0.25);
    out.back().front().x0 -= std::min(pad, first > 0 ? (glyphs[first].x0 - glyphs[first - 1].x1) / 2 : pad);
    out.back().back().x1 += std::min(pad, last + 1 < glyphs.size() ? (glyphs[last + 1].x0 - glyphs[last].x1) / 2 : pad);
  }
  return out;
}

// The birth line's numbers: year, month, day before 年, 月, 日 and 生. The year's glyphs
// run on into the era name's (昭 and 和 are each two narrow halves), so it is the last
// glyphs before 年, as many as a Japanese reading's year has digits; or the kanji 元
// (元年), which leaves the month and day to read. The pattern runs to the line's end
// (its own extent ends at 生): a bold 4 is as wide as a kanji, and 14日生 must not pass
// for a day of 1 followed by 日生.
const std::regex kBirthNumbers("(D+|K)K(D{1,2})K(D{1,2})KK$");
// The expiry line's: the year, then the month and day when they are told apart, again
// to the line's end (日まで有効).
const std::regex kExpiryNumbers("^(D{4})K(?:(D{1,2})K(D{1,2})KKKKK$)?");

// The line's numbers alone, side by side with a space of paper between them (the
// kanji between them taken out), from one of the card's images.
GrayImage numbers_only(const GrayImage& img, const std::vector<Number>& numbers, const Box& line_box) {
  const int gap = mm(1.5);
  int width = 0;
  for (const Number& n : numbers) width += (n.back().x1 - n.front().x0) + gap;
  GrayImage line = without_background(cut(img, line_box, 0));
  GrayImage out = make_gray(std::max(1, width - gap), line_box.height(), paper_shade(line));
  int x = 0;
  for (const Number& n : numbers) {
    for (int sx = n.front().x0; sx < n.back().x1; ++sx, ++x)
      for (int y = 0; y < out.height; ++y) out.pixels[size_t(y) * out.width + x] = line.at(sx - line_box.x0, y);
    x += gap;
  }
  return out;
}

// The numbers read by the digit model in one reading of them alone (with the context of
// one another: on its own a number of two digits often loses one), from a rendering of
// the card as the other models' readings are, and put back between the line's own
// marks (2026年10月17日) so that the reading parses and compares as the Japanese models'
// do. Nothing unless it read one digit for each glyph.
std::optional<ReadLine> read_numbers(TextReader& reader, int instance, const GrayImage& card, const GrayImage& lines,
                                     const std::vector<Number>& numbers, const Box& line_box, Rendering how,
                                     const std::string& before, const std::vector<std::string>& marks) {
  GrayImage c = numbers_only(card, numbers, line_box), l = numbers_only(lines, numbers, line_box);
  ReadLine r = reader.read_line(OcrModel::Digits, render(c, l, {0, 0, c.width, c.height}, mm(2.0), how), instance);
  r.text.erase(std::remove(r.text.begin(), r.text.end(), ' '), r.text.end());
  size_t glyphs = 0;
  for (const Number& n : numbers) glyphs += n.size();
  if (r.text.size() != glyphs) return std::nullopt;
  std::string digits = r.text;
  r.text = before;
  for (size_t i = 0, at = 0; i < numbers.size(); at += numbers[i].size(), ++i)
    r.text += digits.substr(at, numbers[i].size()) + marks[i];
  r.symbols.clear();
  return r;
}

// A date line found and being read: its readings so far, where its numbers are, and
// where the readings still to make start.
template <typename Value>
struct DateLine {
  Ballot<Value> ballot;
  Box lead, own;
  std::vector<Number> numbers;  // year, month, day (the expiry's month and day when told apart)
  OcrModel first_model = OcrModel::Japanese;
  bool numbers_read_plain = false;
  LineGlyphs glyphs;            // of the field's own extent
  size_t next = 0;  // the next (rendering, model) pair of read_more()
};

// The digit model's reading of the expiry line: 2026年10月17日, or the year alone.
std::optional<ReadLine> digit_reading(TextReader& reader, int instance, const GrayImage& card, const GrayImage& lines,
                                      const DateLine<int>& line, Rendering how) {
  if (line.numbers.empty()) return std::nullopt;
  return read_numbers(reader, instance, card, lines, line.numbers, line.lead, how, "", {"年", "月", "日"});
}

// How many digits the birth year has as printed: the narrow glyphs after the era name's
// two kanji. Without it the digit model would be given as many glyphs as a Japanese
// reading has digits, and repeat that reading's dropped digit (平成22年 read 平成2年 by
// jpn, then by the digit model on the one glyph it was given).
std::optional<size_t> printed_year_digits(const DateLine<JapaneseDate>& line) {
  return narrow_glyphs_after_kanji(line.glyphs, 2);
}

// The digit model's reading of the birth line, with the era (which it cannot read)
// taken from the first Japanese reading that parsed, and the year's number of digits
// from the print, else from that reading. None before there is one.
std::optional<ReadLine> digit_reading(TextReader& reader, int instance, const GrayImage& card, const GrayImage& lines,
                                      const DateLine<JapaneseDate>& line, Rendering how) {
  if (line.numbers.size() != 3) return std::nullopt;
  const JapaneseDate* japanese = nullptr;
  for (const auto& v : line.ballot.votes)
    if (v.model != OcrModel::Digits && v.value && !japanese) japanese = &*v.value;
  if (!japanese) return std::nullopt;
  std::vector<Number> numbers = line.numbers;
  std::string before = era_name(japanese->era);
  std::vector<std::string> marks = {"年", "月", "日生"};
  if (numbers[0].empty()) {  // 元年: the month and day
    if (japanese->year != 1) return std::nullopt;
    numbers.erase(numbers.begin());
    marks.erase(marks.begin());
    before += "元年";
  } else {
    size_t year_digits = printed_year_digits(line).value_or(japanese->year < 10 ? 1 : 2);
    if (numbers[0].size() < year_digits) return std::nullopt;
    numbers[0].erase(numbers[0].begin(), numbers[0].end() - year_digits);
  }
  return read_numbers(reader, instance, card, lines, numbers, line.own, how, before, marks);
}

// Whether a birth date has as many digits in each number as the line's glyphs (true
// where they could not be counted).
bool as_printed(const DateLine<JapaneseDate>& line, const JapaneseDate& d) {
  auto digits = [](int v) { return std::to_string(v).size(); };
  auto year_digits = printed_year_digits(line);
  if (year_digits && digits(d.year) != *year_digits) return false;
  if (line.numbers.size() != 3) return true;
  return digits(d.month) == line.numbers[1].size() && digits(d.day) == line.numbers[2].size();
}

// Finds the line of the date column, nearest `want_mm`, whose reading `looks` like
// the field, and reads it once (by the digit model too when the line starts with its
// year, as the expiry does). Nothing when no line does.
template <typename Value, typename Looks, typename Parse>
std::optional<DateLine<Value>> find_date_line(TextReader& reader, int instance, const GrayImage& card,
                                              const GrayImage& lines, double want_mm, const std::string& last_mark,
                                              const std::regex& number_pattern, bool year_first, Looks looks, Parse parse,
                                              FieldReading& field) {
  int t = ink_threshold(lines, kDateColumn);
  for (const Box& band : date_lines(lines, t, want_mm)) {
    if (band.height() > mm(6)) continue;
    ++field.lines_tried;
    DateLine<Value> line;
    line.lead = leading_run(lines, band, t);
    ReadLine first = reader.read_line(line.first_model, render(card, lines, line.lead, mm(1.0), Rendering::Plain), instance);
    // The line where the field should be, unrecognisable to jpn (a Mincho face was read
    // as 央正13年-5胡下母邊): the script model has a look before it is passed over.
    if (!looks(first.text) && field.lines_tried == 1) {
      ReadLine other = reader.read_line(OcrModel::JapaneseScript, render(card, lines, line.lead, mm(1.0), Rendering::Plain), instance);
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
    line.glyphs = line_glyphs(lines, line.own, t);
    line.numbers = numbers_by_glyph_shape(line.glyphs, number_pattern);
    line.ballot.add(first, parse(first.text), line.first_model);
    if (year_first)
      if (auto digits = digit_reading(reader, instance, card, lines, line, Rendering::Plain)) {
        line.ballot.add(*digits, parse(digits->text), OcrModel::Digits);
        line.numbers_read_plain = true;
      }
    return line;
  }
  return std::nullopt;
}

// Reads the line further, the three models in turn over the renderings of the field's
// own extent, until `enough` (two models agreeing, on a clean card the first two
// readings) or `most` readings.
template <typename Value, typename Parse, typename Enough>
void read_more(TextReader& reader, int instance, const GrayImage& card, const GrayImage& lines, DateLine<Value>& line,
               Parse parse, Enough enough, size_t most) {
  constexpr OcrModel kTurns[] = {OcrModel::JapaneseScript, OcrModel::Japanese, OcrModel::Digits};
  for (; !enough(line.ballot) && line.ballot.votes.size() < most && line.next < std::size(kTurns) * std::size(kRenderings);
       ++line.next) {
    OcrModel model = kTurns[line.next % std::size(kTurns)];
    Rendering how = kRenderings[line.next / std::size(kTurns)];
    if (how == Rendering::Plain && model == line.first_model && line.own.x1 == line.lead.x1) continue;  // read already
    if (how == Rendering::Plain && model == OcrModel::Digits && line.numbers_read_plain) continue;
    if (model == OcrModel::Digits) {
      if (auto digits = digit_reading(reader, instance, card, lines, line, how))
        line.ballot.add(*digits, parse(digits->text), OcrModel::Digits);
      continue;
    }
    ReadLine again = reader.read_line(model, render(card, lines, line.own, mm(1.0), how), instance);
    line.ballot.add(again, parse(again.text), model);
  }
}

// Whether the digit model, when the line's numbers were found, read `value` too, and
// no other value more often.
template <typename Value>
bool digits_concur(const DateLine<Value>& line, const Value& value) {
  if (line.numbers.empty()) return true;
  return line.ballot.read_by(value, OcrModel::Digits) && !line.ballot.contradiction(value, OcrModel::Digits);
}

// The value `chosen` gave, unless the digit model, on the digits alone, stands against
// it (see Ballot::contradiction); then none, and the field's error says why.
template <typename Value>
const typename Ballot<Value>::Vote* unless_contradicted(const DateLine<Value>& line,
                                                        const typename Ballot<Value>::Vote* chosen,
                                                        std::optional<Error>& why) {
  if (!chosen) return nullptr;
  const auto* against = line.ballot.contradiction(*chosen->value, OcrModel::Digits);
  if (!against) return chosen;
  why = make_error(ErrorKind::NotFound,
                   "2つのモデルは「" + chosen->line.text + "」と読みましたが、数字のモデルは数字だけを見て「" +
                       against->line.text + "」と何度も読みました",
                   "two models read '" + chosen->line.text + "', but the digit model, on the digits alone, read '" +
                       against->line.text + "' again and again");
  return nullptr;
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

// Four digits off one line: the three models in turn over the renderings, until two
// agree and the digit model is one of them, or every rendering is read. The digit model
// reads the four glyphs set apart (read close together, 7767 was 7167 to it on every
// rendering); the two Japanese models share misreadings of their own on this print (a
// blurred 3 was 5 to both, and so was an 8 through a line of the background), which the
// digit model, reading digits only, does not make.
Ballot<std::string> read_digits(TextReader& reader, const GrayImage& card, const GrayImage& lines, const Box& where) {
  Ballot<std::string> ballot;
  std::vector<Number> glyphs;
  for (const Box& g : column_runs(lines, where, ink_threshold(lines, where), 2)) glyphs.push_back({g});
  for (Rendering how : kRenderings) {
    GrayImage img = render(card, lines, where, mm(2.0), how);
    for (OcrModel model : {OcrModel::Digits, OcrModel::Japanese, OcrModel::JapaneseScript}) {
      ReadLine line;
      if (model != OcrModel::Digits || glyphs.size() != 4)
        line = reader.read_line(model, img, 1);
      else if (auto apart = read_numbers(reader, 1, card, lines, glyphs, where, how, "", {"", "", "", ""}))
        line = *apart;
      ballot.add(line, parse_security_code(line.text), model);
      if (digits_agree(ballot)) return ballot;
    }
    // Nothing like four digits on this line at all: the next place.
    if (std::none_of(ballot.votes.begin(), ballot.votes.end(), [](const auto& v) { return bool(v.value); })) return ballot;
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
    settle(ballot, digits_agree(ballot) ? ballot.agreed() : nullptr, field, value);
    if (!value && ballot.agreed())
      field.error = make_error(ErrorKind::NotFound,
                               "2つのモデルは「" + ballot.agreed()->line.text + "」と読みましたが、数字のモデルはそう読みませんでした",
                               "two models read '" + ballot.agreed()->line.text + "', but the digit model never did");
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
    birth_line = find_date_line<JapaneseDate>(reader, 0, card, lines, kBirthY, "生", kBirthNumbers, false, looks_like_birth_line,
                                              parse_birth_line, out.birth);
    // Read on, on this thread, until the digit model concurs too: the birth date is
    // only ever taken with it (see `decided` below), so these readings would otherwise
    // be made after the expiry, with the other thread idle. They are the same readings
    // in the same order: `decided` implies this condition, so the readings below never
    // pass the point where `decided` would have stopped them.
    auto agreed = [&](const Ballot<JapaneseDate>& b) {
      return b.agreed() && digits_concur(*birth_line, *b.agreed()->value);
    };
    if (birth_line) read_more(reader, 0, card, lines, *birth_line, parse_birth_line, agreed, kMaxReadings);
    out.birth.ms = ms_since(start);
  });
  read_code(reader, card, lines, out.code, out.security_code);
  auto start = Clock::now();
  std::optional<std::pair<int, int>> md;  // the expiry date's month and day
  auto md_twice = [&](const Ballot<int>& b) { return commonest_md(b).second >= 2; };
  auto expiry = find_date_line<int>(reader, 1, card, lines, kExpiryY, "効", kExpiryNumbers, true, looks_like_expiry_line,
                                    parse_expiry_line, out.expiry);
  if (expiry) {
    auto year_agreed = [&](const Ballot<int>& b) { return b.agreed() && digits_concur(*expiry, *b.agreed()->value); };
    read_more(reader, 1, card, lines, *expiry, parse_expiry_line, year_agreed, kMaxReadings);
    std::optional<Error> why;
    settle(expiry->ballot, unless_contradicted(*expiry, expiry->ballot.agreed(), why), out.expiry, out.expiry_year);
    if (why) out.expiry.error = why;
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
  // a second witness for the birth date's, read off other pixels. The digit model sees
  // the birth line's numbers only when they can be cut out (not where the glyphs touch,
  // and there both Japanese models took 11日 for 1日 on one card), so the birth date is
  // taken only when the expiry confirms it, or, the expiry's month and day unread, when
  // two models agree three times. A contradicted birth date is not read (cards whose
  // expiry is set otherwise, as some residents' are, say so in 101).
  if (!birth_line) {
    out.birth.error = not_found("生年月日の行（「…日生」）が見つかりません", "no birth-date line (ending in 生) was found");
  } else {
    start = Clock::now();
    auto fits = [&](const JapaneseDate& d) {
      return md && expires_on_birthday(d.month, d.day, *out.expiry_year, md->first, md->second);
    };
    auto& ballot = birth_line->ballot;
    auto decided = [&](const Ballot<JapaneseDate>& b) {
      const auto* lead = md ? b.agreed() : b.agreed(3);
      return lead && (!md || fits(*lead->value)) && digits_concur(*birth_line, *lead->value);
    };
    read_more(reader, 0, card, lines, *birth_line, parse_birth_line, decided, kEveryReading);
    // Two models agree on a birth date the expiry contradicts: the expiry's month and
    // day may be the misreading (8 read as 6), so they too are read until read twice alike.
    if (md && ballot.agreed() && !fits(*ballot.agreed()->value) && !md_twice(expiry->ballot)) {
      read_more(reader, 1, card, lines, *expiry, parse_expiry_line, md_twice, kEveryReading);
      if (md_twice(expiry->ballot)) md = commonest_md(expiry->ballot).first;
      list_votes(expiry->ballot, out.expiry);
    }
    std::optional<Error> why;
    const auto* chosen = unless_contradicted(*birth_line, md ? ballot.confirmed(fits) : ballot.agreed(3), why);
    settle(ballot, chosen, out.birth, out.birth_date,
           [&](const JapaneseDate& d) { return as_printed(*birth_line, d); });
    if (why)
      out.birth.error = why;
    else if (!chosen && md && ballot.agreed())
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
