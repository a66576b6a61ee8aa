#include "diag/lookup.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "core/strings.h"

namespace caora {

static bool all_of(const std::string& s, int (*pred)(int)) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!pred(c)) return false;
  return true;
}

static std::string hex_part(const std::string& upper) {
  // Tables read by OCR show O for 0 (0xFO301D1A); in a hex code O is always a zero.
  std::string hex = upper.substr(2);
  for (char& c : hex)
    if (c == 'O') c = '0';
  return hex;
}

std::vector<std::string> detail_readings(const std::string& token) {
  std::vector<std::string> out;
  std::string t = to_upper_ascii(token);
  if (!starts_with(t, "0X")) {
    if (canonical_detail(token).empty() || t.size() != 7) return out;
    t = "0X" + t;
  }
  std::string hex = hex_part(t);
  if (hex.empty() || hex.size() >= 8 || !all_of(hex, isxdigit)) return out;
  size_t missing = 8 - hex.size();
  for (size_t at = 0; at <= hex.size(); ++at) {
    std::string r = "0x" + hex.substr(0, at) + std::string(missing, '0') + hex.substr(at);
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
  std::string first = canonical_detail(token);
  out.erase(std::find(out.begin(), out.end(), first));
  out.insert(out.begin(), first);
  return out;
}

std::string canonical_detail(const std::string& token) {
  std::string t = to_upper_ascii(token);
  if (starts_with(t, "0X")) {
    std::string hex = hex_part(t);
    if (hex.size() < 1 || hex.size() > 8 || !all_of(hex, isxdigit)) return "";
    // The vendor's tables drop zeros (0x8100004 for 0x81000004): pad after the
    // first two digits, where the vendor's code families keep their zeros.
    if (hex.size() < 8 && hex.size() >= 3) hex = hex.substr(0, 2) + std::string(8 - hex.size(), '0') + hex.substr(2);
    else if (hex.size() < 8) hex = std::string(8 - hex.size(), '0') + hex;
    return "0x" + hex;
  }
  if (t.size() == 8 && all_of(t, isxdigit) && !all_of(t.substr(0, 3), isdigit)) return "0x" + t;
  // Typed bare with the leading zero dropped (3000006 for 0x03000006): seven hex digits,
  // at least one of them a digit, read with the zero back in front first.
  if (t.size() == 7 && all_of(t, isxdigit) && std::any_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); }))
    return "0x0" + t;
  if (t.size() == 8 && all_of(t, isxdigit) && t[0] != '0') return "0x" + t;
  size_t dash = t.find('-');
  if (dash == std::string::npos || dash < 5 || dash + 1 >= t.size()) return "";
  std::string head = t.substr(0, dash), tail = t.substr(dash + 1);
  for (unsigned char c : head + tail)
    if (!std::isalnum(c)) return "";
  // FUJ906 C02 details are printed with a literal xxxx in front; the four characters people
  // read off the screen stand in for it (the vendor does not say what they are).
  if (head.size() == 7 && head.compare(4, 3, "C02") == 0) return "xxxxC02-" + tail;
  return head + "-" + tail;
}

static std::string canonical_code(const std::string& token) {
  std::string t = to_upper_ascii(token);
  if (all_of(t, isdigit) && t.size() <= 3) return std::string(3 - t.size(), '0') + t;
  if (all_of(t, isdigit) && t.size() == 4 && t[0] == '0') return t.substr(1);
  if (starts_with(t, "FUJ") && t.size() >= 4 && t.size() <= 8 && all_of(t, isalnum)) {
    // OCR of the vendor's table reads FUJP55 as FUJPS5; people copy it.
    if (t == "FUJPS5") return "FUJP55";
    return t;
  }
  return "";
}

NormalisedQuery normalise_query(const std::string& raw) {
  NormalisedQuery q;
  std::string s = trim(fold_full_width(raw));
  // 【008：端末接続不良】 -> "008" as the code part and the rest as text.
  for (const char* open : {"【", "["}) {
    size_t b = s.find(open);
    if (b == std::string::npos) continue;
    size_t ob = std::string(open).size();
    size_t e = s.find(open[0] == '[' ? "]" : "】", b + ob);
    std::string inner = s.substr(b + ob, e == std::string::npos ? std::string::npos : e - b - ob);
    size_t colon = inner.find(':');
    if (colon != std::string::npos) {
      std::string head = trim(inner.substr(0, colon));
      std::string code = canonical_code(head);
      if (!code.empty()) q.code = code;
    }
    break;
  }
  // Token by token: codes, detail codes, recipe ids.
  std::string spaced;
  for (char c : s) spaced.push_back(c == ',' || c == '/' || c == '(' || c == ')' || c == '[' || c == ']' ? ' ' : c);
  std::string rest;
  for (std::string tok : split_ws(spaced)) {
    while (!tok.empty() && (tok.back() == ':' || tok.back() == '.')) tok.pop_back();
    if (tok.empty()) continue;
    std::string lower = to_lower_ascii(tok);
    bool ascii = std::all_of(tok.begin(), tok.end(), [](unsigned char c) { return c < 0x80; });
    if (ascii && (starts_with(lower, "qa-") || starts_with(lower, "faq-") || starts_with(lower, "screen-") ||
                  starts_with(lower, "error-"))) {
      q.recipe_id = lower;
      continue;
    }
    std::string detail = ascii ? canonical_detail(tok) : "";
    if (!detail.empty() && !q.detail) {
      q.detail = detail;
      q.detail_alternatives = detail_readings(tok);
      continue;
    }
    std::string code = ascii ? canonical_code(tok) : "";
    if (!code.empty() && !q.code) {
      q.code = code;
      continue;
    }
    if (ascii && tok.size() >= 3 && std::any_of(tok.begin(), tok.end(), [](unsigned char c) { return std::isdigit(c); }) &&
        std::all_of(tok.begin(), tok.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; }))
      q.unmatched.push_back(to_upper_ascii(tok));
    rest += (rest.empty() ? "" : " ") + tok;
  }
  q.text = to_lower_ascii(rest.empty() ? s : rest);
  return q;
}

// Each UTF-8 character of `s` packed into an integer (its bytes, big-endian).
static std::vector<uint32_t> packed_chars(const std::string& s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    uint32_t packed = 0;
    for (size_t k = 0; k < len && i + k < s.size(); ++k) packed = (packed << 8) | static_cast<unsigned char>(s[i + k]);
    i += len;
    out.push_back(packed);
  }
  return out;
}

// Character bigrams of an already folded string (UTF-8 aware; blanks
// dropped), each packed into an integer, sorted and unique.
static std::vector<uint64_t> bigrams(const std::string& folded) {
  std::vector<uint32_t> chars;
  for (uint32_t packed : packed_chars(folded))
    if (packed != ' ' && packed != '\t') chars.push_back(packed);
  std::vector<uint64_t> out;
  for (size_t i = 0; i + 1 < chars.size(); ++i) out.push_back((uint64_t{chars[i]} << 32) | chars[i + 1]);
  if (chars.size() == 1) out.push_back(chars[0]);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

static std::string fold(const std::string& s) { return to_lower_ascii(fold_full_width(s)); }

// The ranking: a fifth from the best single field (whole-phrase and per-field bigram
// match), four fifths from the query's bigrams weighted by rarity; below kMinScore
// nothing is offered. Chosen on tests/data/lookup/queries.tsv (build/caora_bench lookup).
static constexpr double kFieldShare = 0.2;
static constexpr double kMinScore = 0.2;

// Words of at least two letters or digits (for queries typed with spaces).
static std::vector<std::string> words(const std::string& folded) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : folded + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      cur.push_back(c);
    } else {
      if (cur.size() >= 2) out.push_back(cur);
      cur.clear();
    }
  }
  return out;
}

static double field_score(const std::string& query, const std::vector<uint64_t>& qgrams, const std::vector<std::string>& qwords,
                          const std::string& f, const std::vector<uint64_t>& fg) {
  if (f.empty() || query.empty()) return 0;
  double score = 0;
  if (f.find(query) != std::string::npos) {
    // The whole query stands in the field: the closer in length, the stronger.
    score = 0.7 + 0.3 * static_cast<double>(query.size()) / f.size();
  } else if (f.size() >= 6 && query.find(f) != std::string::npos) {
    // The field stands in the query: worth the share of the query it covers.
    score = 0.4 + 0.5 * static_cast<double>(f.size()) / query.size();
  }
  if (qwords.size() >= 2) {
    // Every typed word in the field matters more than any one of them.
    size_t hit = 0;
    for (const auto& w : qwords) hit += f.find(w) != std::string::npos;
    double share = static_cast<double>(hit) / qwords.size();
    score = std::max(score, 0.95 * share * share);
  }
  if (fg.empty() || qgrams.empty()) return score;
  size_t common = 0;
  for (size_t i = 0, j = 0; i < qgrams.size() && j < fg.size();) {
    if (qgrams[i] == fg[j]) ++common, ++i, ++j;
    else if (qgrams[i] < fg[j]) ++i;
    else ++j;
  }
  // Share of the query covered, tempered by the field's length.
  double coverage = static_cast<double>(common) / qgrams.size();
  double dice = 2.0 * common / (qgrams.size() + fg.size());
  return std::max(score, 0.75 * coverage * 0.8 + 0.25 * dice);
}

// A recipe as ranked text: its fields, folded, with their bigrams and weights.
struct RankedField {
  std::string folded;
  std::vector<uint64_t> grams;
  double weight;
};

static std::vector<RankedField> ranked_fields(const Recipe& r) {
  std::vector<RankedField> out;
  auto add = [&](const std::string& text, double weight) {
    std::string f = fold(text);
    if (!f.empty()) out.push_back({f, bigrams(f), weight});
  };
  for (const auto& s : r.screen_texts) add(s, 1.0);
  for (const auto& k : r.keywords_ja) add(k, 1.0);
  for (const auto& k : r.keywords_en) add(k, 1.0);
  add(r.title.ja, 0.9);
  add(r.title.en, 0.9);
  add(r.summary.ja, 0.5);
  add(r.summary.en, 0.5);
  for (const auto& d : r.details) {
    add(d.title.ja, 0.7);
    add(d.title.en, 0.7);
  }
  for (const auto& c : r.causes) {
    add(c.title.ja, 0.6);
    add(c.title.en, 0.6);
  }
  return out;
}

// Enough to rank on: two different letters at least ("xxxxxxxx" or "----" says nothing).
static bool informative(const std::string& folded) {
  std::set<uint32_t> distinct;
  for (uint32_t packed : packed_chars(folded))
    if (packed >= 0x80 || std::isalnum(static_cast<int>(packed))) distinct.insert(packed);
  return distinct.size() >= 2;
}

// A query typed in English (no letter outside ASCII) is matched by its words as well:
// character bigrams of English ("th", "in", "al") stand in almost every recipe, so a
// recipe must hold at least half of the query's content words, each as a word or the
// start of one ("reader" in "readers"). Without this, any English phrase found
// something.
static bool ascii_only(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

static std::vector<std::string> content_words(const std::vector<std::string>& ws) {
  static const std::set<std::string> kStop = {"the", "and", "for", "not", "all", "any", "are", "was", "can", "does",
                                              "with", "from", "what", "how", "why", "when", "this", "that", "does", "into"};
  std::vector<std::string> out;
  for (const auto& w : ws)
    if (w.size() >= 3 && !kStop.count(w)) out.push_back(w);
  return out;
}

static bool holds_word(const std::string& field, const std::string& w) {
  for (size_t at = field.find(w); at != std::string::npos; at = field.find(w, at + 1))
    if (at == 0 || !std::isalnum(static_cast<unsigned char>(field[at - 1]))) return true;
  return false;
}

static bool holds_enough_words(const std::vector<RankedField>& fields, const std::vector<std::string>& cwords) {
  size_t hit = 0;
  for (const auto& w : cwords)
    for (const auto& f : fields)
      if (holds_word(f.folded, w)) {
        ++hit;
        break;
      }
  return 2 * hit >= cwords.size();
}

std::vector<Candidate> rank_text(const RecipeSet& set, const std::string& text, size_t limit) {
  std::string query = trim(fold(text));
  if (!informative(query)) return {};
  std::vector<uint64_t> qgrams = bigrams(query);
  std::vector<std::string> qwords = words(query);
  const auto& recipes = set.recipes();
  // Each query bigram's weight in each recipe (the heaviest field holding it), and in
  // how many recipes it stands: Japanese is written without spaces, so the bigram
  // that tells two twin items apart (運用中 / 初期設定時) must weigh by its rarity.
  std::vector<std::vector<RankedField>> fields;
  fields.reserve(recipes.size());
  std::vector<std::vector<double>> held(recipes.size(), std::vector<double>(qgrams.size(), 0.0));
  std::vector<size_t> df(qgrams.size(), 0);
  for (size_t r = 0; r < recipes.size(); ++r) {
    fields.push_back(ranked_fields(recipes[r]));
    for (const auto& f : fields.back())
      for (size_t i = 0, j = 0; i < qgrams.size() && j < f.grams.size();) {
        if (qgrams[i] == f.grams[j]) held[r][i] = std::max(held[r][i], f.weight), ++i, ++j;
        else if (qgrams[i] < f.grams[j]) ++i;
        else ++j;
      }
    for (size_t i = 0; i < qgrams.size(); ++i) df[i] += held[r][i] > 0;
  }
  std::vector<double> idf(qgrams.size());
  double idf_total = 0;
  for (size_t i = 0; i < qgrams.size(); ++i) {
    idf[i] = std::log((recipes.size() + 1.0) / (df[i] + 0.5));
    idf_total += idf[i];
  }
  std::vector<std::string> cwords = ascii_only(query) ? content_words(qwords) : std::vector<std::string>{};
  std::vector<Candidate> out;
  for (size_t r = 0; r < recipes.size(); ++r) {
    if (!cwords.empty() && !holds_enough_words(fields[r], cwords)) continue;
    double best = 0, strong = 0;
    for (const auto& f : fields[r]) {
      double s = field_score(query, qgrams, qwords, f.folded, f.grams) * f.weight;
      best = std::max(best, s);
      if (s > 0.5) strong += 1;
    }
    double covered = 0;
    for (size_t i = 0; i < qgrams.size(); ++i) covered += idf[i] * held[r][i];
    double rare = idf_total > 0 ? covered / idf_total : 0;
    double score = kFieldShare * best + (1 - kFieldShare) * rare + 0.02 * std::min(strong, 5.0);
    if (score >= kMinScore) out.push_back({&recipes[r], score});
  }
  std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

// Nearest codes and detail codes by edit distance, for "did you mean".
static std::vector<Candidate> nearest(const RecipeSet& set, const std::string& token) {
  std::vector<Candidate> out;
  for (const auto& r : set.recipes()) {
    size_t best = 99;
    for (const auto& c : r.codes) best = std::min(best, edit_distance(token, c));
    for (const auto& d : r.details) best = std::min(best, edit_distance(token, d.code));
    best = std::min(best, edit_distance(to_lower_ascii(token), r.id));
    if (best <= 2) out.push_back({&r, 1.0 / (1.0 + best)});
  }
  std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  if (out.size() > 5) out.resize(5);
  return out;
}

static void dedupe(std::vector<Candidate>& cs) {
  std::vector<Candidate> out;
  for (const auto& c : cs)
    if (std::none_of(out.begin(), out.end(), [&](const Candidate& o) { return o.recipe == c.recipe; })) out.push_back(c);
  cs = out;
}

static LookupResult resolve(const RecipeSet& set, NormalisedQuery q);

LookupResult lookup(const RecipeSet& set, const std::string& raw) {
  NormalisedQuery q = normalise_query(raw);
  if (q.detail && set.by_detail(*q.detail).empty())
    for (const auto& alt : q.detail_alternatives)
      if (!set.by_detail(alt).empty()) {
        q.detail = alt;
        break;
      }
  LookupResult res = resolve(set, q);
  dedupe(res.candidates);
  return res;
}

static LookupResult resolve(const RecipeSet& set, NormalisedQuery q) {
  LookupResult res;
  res.code = q.code;
  res.detail = q.detail;
  if (q.recipe_id) {
    if (const Recipe* r = set.by_id(*q.recipe_id)) {
      res.kind = LookupResult::Kind::Exact;
      res.recipe = r;
      if (!res.code && !r->codes.empty()) res.code = r->codes.front();
      return res;
    }
    res.candidates = nearest(set, *q.recipe_id);
    return res;
  }
  if (q.code) {
    const Recipe* r = set.by_code(*q.code);
    if (r == nullptr) {
      res.candidates = nearest(set, *q.code);
      return res;
    }
    res.recipe = r;
    if (q.detail && r->find_detail(*q.detail) == nullptr) {
      res.kind = LookupResult::Kind::DetailMismatch;
      for (const Recipe* other : set.by_detail(*q.detail)) res.candidates.push_back({other, 1.0});
      return res;
    }
    res.kind = LookupResult::Kind::Exact;
    return res;
  }
  if (q.detail) {
    auto owners = set.by_detail(*q.detail);
    if (owners.size() == 1) {
      res.kind = LookupResult::Kind::Exact;
      res.recipe = owners.front();
      if (!owners.front()->codes.empty()) res.code = owners.front()->codes.front();
      return res;
    }
    if (owners.size() > 1) {
      res.kind = LookupResult::Kind::Ambiguous;
      for (const Recipe* r : owners) res.candidates.push_back({r, 1.0});
      res.recipe = owners.front();
      return res;
    }
    res.candidates = nearest(set, *q.detail);
    return res;
  }
  res.candidates = rank_text(set, q.text);
  if (!res.candidates.empty() && q.unmatched.empty()) {
    res.kind = LookupResult::Kind::FreeText;
    res.recipe = res.candidates.front().recipe;
    if (!res.recipe->codes.empty()) res.code = res.recipe->codes.front();
    return res;
  }
  for (const auto& tok : q.unmatched)
    for (const auto& c : nearest(set, tok)) res.candidates.push_back(c);
  return res;
}

}  // namespace caora
