#include "diag/lookup_eval.h"

#include <algorithm>
#include <chrono>

#include "core/strings.h"

namespace caora {

Expected<std::vector<LookupQuery>> parse_lookup_queries(const std::string& tsv) {
  std::vector<LookupQuery> out;
  size_t line_no = 0;
  for (size_t at = 0; at < tsv.size();) {
    size_t end = tsv.find('\n', at);
    if (end == std::string::npos) end = tsv.size();
    std::string line = tsv.substr(at, end - at);
    at = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    size_t t1 = line.find('\t');
    size_t t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t1 == std::string::npos || t1 == 0 || t2 == t1 + 1)
      return make_error(ErrorKind::Parse, "検索クエリ表の" + std::to_string(line_no) + "行目: 「クエリ<TAB>期待するID」の形ではありません",
                        "lookup queries line " + std::to_string(line_no) + ": expected query<TAB>recipe id[<TAB>origin]");
    LookupQuery q;
    q.text = line.substr(0, t1);
    q.expected = trim(line.substr(t1 + 1, t2 == std::string::npos ? std::string::npos : t2 - t1 - 1));
    std::string rest = t2 == std::string::npos ? "" : line.substr(t2 + 1);
    q.origin = trim(rest);
    q.line = line_no;
    out.push_back(q);
  }
  return out;
}

std::vector<std::string> ranked_ids(const LookupResult& result) {
  std::vector<std::string> out;
  auto add = [&](const Recipe* r) {
    if (r != nullptr && std::find(out.begin(), out.end(), r->id) == out.end()) out.push_back(r->id);
  };
  add(result.recipe);
  for (const auto& c : result.candidates) add(c.recipe);
  return out;
}

bool LookupScore::top3() const {
  for (size_t i = 0; i < ranked.size() && i < 3; ++i)
    if (ranked[i] == query->expected) return true;
  return false;
}

LookupEvaluation evaluate_lookup(const RecipeSet& set, const std::vector<LookupQuery>& queries) {
  LookupEvaluation ev;
  for (const auto& q : queries) {
    if (set.by_id(q.expected) == nullptr) {
      ev.skipped.push_back(&q);
      continue;
    }
    auto a = std::chrono::steady_clock::now();
    LookupResult r = lookup(set, q.text);
    auto b = std::chrono::steady_clock::now();
    LookupScore s{&q, ranked_ids(r), std::chrono::duration<double, std::micro>(b - a).count()};
    if (s.ranked.size() > 3) s.ranked.resize(3);
    ev.top1 += s.top1();
    ev.top3 += s.top3();
    ev.scored.push_back(std::move(s));
  }
  return ev;
}

}  // namespace caora
