#include "card/japanese_date.h"

#include <cstdio>

#include "core/strings.h"

namespace caora {

namespace {

struct EraSpan {
  Era era;
  const char* name;
  GregorianDate first, last;  // last = {9999,12,31} for the current era
};

const EraSpan kEras[] = {
    {Era::Meiji, "明治", {1868, 10, 23}, {1912, 7, 29}},
    {Era::Taisho, "大正", {1912, 7, 30}, {1926, 12, 24}},
    {Era::Showa, "昭和", {1926, 12, 25}, {1989, 1, 7}},
    {Era::Heisei, "平成", {1989, 1, 8}, {2019, 4, 30}},
    {Era::Reiwa, "令和", {2019, 5, 1}, {9999, 12, 31}},
};

const EraSpan& span(Era era) { return kEras[static_cast<int>(era)]; }

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

std::string show(Era era, int y, int m, int d) {
  return std::string(span(era).name) + (y == 1 ? "元" : std::to_string(y)) + "年" + std::to_string(m) + "月" + std::to_string(d) + "日";
}

}  // namespace

const char* era_name(Era era) { return span(era).name; }

GregorianDate JapaneseDate::gregorian() const { return {span(era).first.year + year - 1, month, day}; }

std::string JapaneseDate::yymmdd() const {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d%02d%02d", year % 100, month, day);
  return buf;
}

Expected<JapaneseDate> make_japanese_date(Era era, int year, int month, int day) {
  std::string what = show(era, year, month, day);
  auto bad = [&](const std::string& ja, const std::string& en) {
    return make_error(ErrorKind::Parse, what + ": " + ja, what + ": " + en);
  };
  if (year < 1 || year > 99) return bad("年が範囲外です", "the era year is out of range");
  if (month < 1 || month > 12) return bad("月が範囲外です", "the month is out of range");
  GregorianDate g{span(era).first.year + year - 1, month, day};
  if (day < 1 || day > days_in_month(g.year, month)) return bad("その月にない日です", "no such day in that month");
  if (g < span(era).first) return bad(std::string("この日は") + era_name(era) + "より前です", "that day is before the era began");
  if (span(era).last < g) return bad(std::string("この日は") + era_name(era) + "の終わりより後です", "that day is after the era ended");
  return JapaneseDate{era, year, month, day};
}

Expected<JapaneseDate> parse_japanese_date(const std::string& raw) {
  // Full-width digits to ASCII, blanks out.
  std::string s;
  for (char c : fold_full_width(raw))
    if (c != ' ' && c != '\t') s.push_back(c);
  auto bad = [&](const std::string& ja, const std::string& en) {
    return make_error(ErrorKind::Parse, "日付「" + raw + "」を読めません: " + ja, "cannot read the date '" + raw + "': " + en);
  };
  const EraSpan* era = nullptr;
  for (const auto& e : kEras)
    if (starts_with(s, e.name)) era = &e;
  if (era == nullptr) return bad("元号がありません", "no era name");
  size_t pos = std::string(era->name).size();
  auto number = [&](const char* unit, int* out) -> bool {
    size_t start = pos;
    int value = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && pos - start < 3) value = value * 10 + (s[pos++] - '0');
    if (pos == start) {
      if (std::string(unit) == "年" && s.compare(pos, 3, "元") == 0) {
        pos += 3;
        value = 1;
      } else {
        return false;
      }
    }
    if (s.compare(pos, std::string(unit).size(), unit) != 0) return false;
    pos += std::string(unit).size();
    *out = value;
    return true;
  };
  int y = 0, m = 0, d = 0;
  if (!number("年", &y)) return bad("年がありません", "no year");
  if (!number("月", &m)) return bad("月がありません", "no month");
  if (!number("日", &d)) return bad("日がありません", "no day");
  return make_japanese_date(era->era, y, m, d);
}

bool expires_on_birthday(int month, int day, int expiry_year, int expiry_month, int expiry_day) {
  if (month == 2 && day == 29 && !leap(expiry_year)) return expiry_month == 2 && expiry_day == 28;
  return month == expiry_month && day == expiry_day;
}

}  // namespace caora
