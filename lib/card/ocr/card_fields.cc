#include "card/ocr/card_fields.h"

#include <vector>

#include "core/strings.h"

namespace caora::card {

namespace {

bool is_digit(const std::string& c) { return c.size() == 1 && c[0] >= '0' && c[0] <= '9'; }

std::vector<std::string> normalised_chars(const std::string& text) {
  std::vector<std::string> in;
  for (auto& c : utf8_chars(fold_full_width(text)))
    if (c != " " && c != "\t" && c != "\n" && c != "\r") in.push_back(c);
  // Shapes Tesseract takes for a digit on this print, kept only next to another digit
  // (so the 元 of 元年 and the era names are never touched).
  auto digit_like = [](const std::string& c) -> const char* {
    if (c == "O" || c == "o" || c == "〇" || c == "○" || c == "D") return "0";
    if (c == "l" || c == "I" || c == "|" || c == "i" || c == "!" || c == "ｌ") return "1";
    if (c == "S" || c == "s") return "5";
    if (c == "B") return "8";
    if (c == "Z" || c == "z") return "2";
    return nullptr;
  };
  std::vector<std::string> out = in;
  for (size_t i = 0; i < in.size(); ++i) {
    const char* d = digit_like(in[i]);
    bool next_to_digit = (i > 0 && is_digit(in[i - 1])) || (i + 1 < in.size() && is_digit(in[i + 1]));
    if (d && next_to_digit) out[i] = d;
    // Lookalikes of 日 that never occur in these lines.
    if (in[i] == "曰" || in[i] == "目" || in[i] == "囗") out[i] = "日";
  }
  return out;
}

std::string join(const std::vector<std::string>& chars) {
  std::string s;
  for (const auto& c : chars) s += c;
  return s;
}

Error field_error(const std::string& text, const std::string& ja, const std::string& en) {
  return make_error(ErrorKind::Parse, "「" + text + "」: " + ja, "'" + text + "': " + en);
}

struct EraMark {
  const char* mark;
  Era era;
};
// A character that names one era on its own; 和 is shared by 昭和 and 令和.
const EraMark kEraMarks[] = {{"明", Era::Meiji}, {"治", Era::Meiji}, {"大", Era::Taisho}, {"正", Era::Taisho},
                             {"昭", Era::Showa}, {"平", Era::Heisei}, {"成", Era::Heisei}, {"令", Era::Reiwa}};

}  // namespace

std::string normalise_ocr(const std::string& text) { return join(normalised_chars(text)); }

bool looks_like_birth_line(const std::string& text) {
  std::string s = normalise_ocr(text);
  if (ends_with(s, "生") || s.find("日生") != std::string::npos) return true;
  // Glare or a finger over the line's end can take 日生 away: an era date that
  // parses is still the birth date (no other line on the face is one).
  return s.find("年") != std::string::npos && parse_birth_line(text).ok();
}

bool looks_like_expiry_line(const std::string& text) {
  std::string s = normalise_ocr(text);
  return s.find("有効") != std::string::npos || s.find("まで") != std::string::npos;
}

Expected<JapaneseDate> parse_birth_line(const std::string& text) {
  auto chars = normalised_chars(text);
  // The era: the first character that names one; 和 alone leaves 昭和 and 令和 to the date.
  std::vector<Era> eras;
  size_t pos = chars.size();
  for (size_t i = 0; i < chars.size() && eras.empty(); ++i) {
    for (const auto& m : kEraMarks)
      if (chars[i] == m.mark) eras = {m.era};
    if (eras.empty() && chars[i] == "和") eras = {Era::Showa, Era::Reiwa};
    if (!eras.empty()) {
      pos = i + 1;
      // Skip the era's second character when it is there.
      if (pos < chars.size() && (chars[pos] == "治" || chars[pos] == "正" || chars[pos] == "和" || chars[pos] == "成"))
        ++pos;
    }
  }
  if (eras.empty()) return field_error(text, "元号が読めません", "no era name read");
  // Year (digits or 元), month, day: the first three numbers after the era.
  std::vector<int> numbers;
  std::vector<size_t> lengths;
  bool in_run = false;
  std::string after_day;  // the character after the day's digits
  for (size_t i = pos; i < chars.size() && numbers.size() < 4; ++i) {
    if (is_digit(chars[i])) {
      if (!in_run) numbers.push_back(0), lengths.push_back(0);
      in_run = true;
      if (lengths.back() < 4) numbers.back() = numbers.back() * 10 + (chars[i][0] - '0');
      ++lengths.back();
    } else {
      if (in_run && numbers.size() == 3) after_day = chars[i];
      in_run = false;
      if (chars[i] == "元" && numbers.empty()) numbers.push_back(1), lengths.push_back(1);
    }
  }
  if (numbers.size() < 3) return field_error(text, "年・月・日の数字がそろいません", "the year, month and day were not all read");
  // The day is the line's last number: glare or a finger over the line's end can take
  // a digit of it away, so it counts only when its 日 was read after it.
  if (after_day != "日") return field_error(text, "日の後の「日」が読めません（日が欠けているかもしれません）",
                                            "no 日 was read after the day (a digit of it may be missing)");
  for (size_t i = 0; i < 3; ++i)
    if (lengths[i] > 2) return field_error(text, "年・月・日が3桁以上です", "a year, month or day has more than two digits");
  std::optional<Error> first_error;
  for (Era era : eras) {
    auto d = make_japanese_date(era, numbers[0], numbers[1], numbers[2]);
    if (d) return d;
    if (!first_error) first_error = d.error();
  }
  return *first_error;
}

std::optional<std::pair<int, int>> month_day(const std::string& text) {
  auto chars = normalised_chars(text);
  // One or two digits ending just before `mark`, and how many there were.
  auto number_before = [&](size_t mark, size_t* digits) -> std::optional<int> {
    size_t i = mark;
    while (i > 0 && is_digit(chars[i - 1]) && mark - i < 3) --i;
    *digits = mark - i;
    if (*digits == 0 || *digits > 2) return std::nullopt;
    return std::stoi(join({chars.begin() + i, chars.begin() + mark}));
  };
  for (size_t m = 0; m < chars.size(); ++m) {
    if (chars[m] != "月") continue;
    for (size_t d = m + 2; d < chars.size() && d <= m + 3; ++d) {
      if (chars[d] != "日") continue;
      size_t month_digits = 0, day_digits = 0;
      auto month = number_before(m, &month_digits), day = number_before(d, &day_digits);
      // The day's digits fill the whole gap between 月 and 日.
      // A month or day no calendar has (19月 for a condensed 10月) is no reading of one.
      if (month && day && day_digits == d - m - 1 && *month >= 1 && *month <= 12 && *day >= 1 && *day <= 31)
        return std::make_pair(*month, *day);
    }
  }
  return std::nullopt;
}

Expected<int> parse_expiry_line(const std::string& text) {
  auto chars = normalised_chars(text);
  size_t run = 0;
  int value = 0;
  for (size_t i = 0; i <= chars.size(); ++i) {
    if (i < chars.size() && is_digit(chars[i])) {
      if (run < 5) value = value * 10 + (chars[i][0] - '0');
      ++run;
      continue;
    }
    if (run == 4) return value;
    if (run > 0) break;  // the year comes first; a shorter or longer run is a misreading
  }
  return field_error(text, "有効期限の年（4桁）が読めません", "no four-digit expiry year read");
}

Expected<std::string> parse_security_code(const std::string& text) {
  std::string digits;
  for (const auto& c : normalised_chars(text))
    if (is_digit(c)) digits += c;
  if (digits.size() != 4) return field_error(text, "セキュリティコード（4桁）が読めません", "no four-digit security code read");
  return digits;
}

}  // namespace caora::card
