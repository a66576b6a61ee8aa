// The readings of one printed field and the rule that decides its value. Pure logic
// over what the recognisers returned (no images, no Tesseract calls), so it is
// unit-tested on its own (ballot_test.cc).
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "card/japanese_date.h"
#include "card/ocr/text_reader.h"
#include "core/result.h"

namespace caora::card {

inline bool same_value(const JapaneseDate& a, const JapaneseDate& b) {
  return a.era == b.era && a.year == b.year && a.month == b.month && a.day == b.day;
}
inline bool same_value(int a, int b) { return a == b; }
inline bool same_value(const std::string& a, const std::string& b) { return a == b; }

// Whether two digit strings are one and the same but for one repeated digit written
// once more in one of them ("20621" and "220621").
inline bool doubled_digit_apart(const std::string& a, const std::string& b) {
  const std::string& longer = a.size() > b.size() ? a : b;
  const std::string& shorter = a.size() > b.size() ? b : a;
  if (longer.size() != shorter.size() + 1) return false;
  for (size_t i = 0; i + 1 < longer.size(); ++i)
    if (longer[i] == longer[i + 1] && longer.compare(0, i, shorter, 0, i) == 0 &&
        longer.compare(i + 1, std::string::npos, shorter, i, std::string::npos) == 0)
      return true;
  return false;
}
inline bool one_digit_doubled(const JapaneseDate& a, const JapaneseDate& b) {
  // The year as read, unpadded (平成2年 is "2", not 照合番号B's "02"), then MMDD.
  auto digits = [](const JapaneseDate& d) { return std::to_string(d.year) + d.yymmdd().substr(2); };
  return a.era == b.era && doubled_digit_apart(digits(a), digits(b));
}
inline bool one_digit_doubled(int a, int b) { return doubled_digit_apart(std::to_string(a), std::to_string(b)); }
inline bool one_digit_doubled(const std::string& a, const std::string& b) { return doubled_digit_apart(a, b); }

// The print's answer where its glyphs could not be counted: any value.
struct AnyPrint {
  template <typename Value>
  bool operator()(const Value&) const { return true; }
};

inline const char* model_name(OcrModel m) {
  return m == OcrModel::Japanese ? "jpn" : m == OcrModel::JapaneseScript ? "Japanese" : "digits";
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
  // The commonest value that `fits` (agrees with another line of the card), read at
  // least twice and at least as often as any other value. Another line's reading is
  // the second witness, so one model may have read it.
  template <typename Fits>
  const Vote* confirmed(Fits fits) const {
    const Vote* best = nullptr;
    int best_n = 0, most = 0;
    for (const Vote& v : votes) {
      if (!v.value) continue;
      int c = count(*v.value);
      most = std::max(most, c);
      if (fits(*v.value) && c > best_n) best = &v, best_n = c;
    }
    return best && best_n >= 2 && best_n >= most ? best : nullptr;
  }
  // Whether `model` gave `value` in one of its readings.
  bool read_by(const Value& value, OcrModel model) const {
    return std::any_of(votes.begin(), votes.end(),
                       [&](const Vote& w) { return w.model == model && w.value && same_value(*w.value, value); });
  }
  // A reading of `model` that gave another value than `value`, when that value is
  // `model`'s commonest, read at least twice and more often than `value` by it: the
  // model stands against `value`. Two models that share a misreading (both Japanese
  // models took 11月 for 1月 in one font) agree on it, and only a third model, which
  // sees the digits alone, can say so.
  const Vote* contradiction(const Value& value, OcrModel model) const {
    auto by_model = [&](const Value& v) {
      int n = 0;
      for (const Vote& w : votes) n += w.model == model && w.value && same_value(*w.value, v);
      return n;
    };
    int for_value = by_model(value), most = 0;
    const Vote* against = nullptr;
    for (const Vote& w : votes)
      if (w.model == model && w.value && !same_value(*w.value, value))
        if (int n = by_model(*w.value); n > most) most = n, against = &w;
    return most >= 2 && most > for_value ? against : nullptr;
  }
  // A reading that gives `value` with one repeated digit written once more or once
  // less (平成22年 against 平成2年). Recognisers drop and double repeated glyphs, and
  // two models can share the slip (measured: jpn and the digit model both read 平成22年
  // as 平成2年 on two cards of 3003 in the third font, outvoting the one model that
  // read it right), so either value may be what is printed: the field is then left
  // unread rather than risk a wrong 照合番号B.
  // `as_printed` says whether a value has as many digits as the print has glyphs, where
  // the glyphs could be told apart: a dissent the print rules out (平成2年 where two
  // digits stand before 年) does not hold back a value the print allows.
  template <typename AsPrinted = AnyPrint>
  const Vote* doubled_digit_dissent(const Value& value, AsPrinted as_printed = {}) const {
    for (const Vote& w : votes)
      if (w.value && !same_value(*w.value, value) && one_digit_doubled(*w.value, value) &&
          !(as_printed(value) && !as_printed(*w.value)))
        return &w;
    return nullptr;
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

}  // namespace caora::card
