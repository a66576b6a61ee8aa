// Prints the median time to load and check every embedded recipe, to look up a
// code, a detail and a symptom, and how well lookup ranks the query set
// (tests/data/lookup/queries.tsv): top-1 and top-3 rates and the latency per query.
// Run through bench/run.sh; `caora_bench lookup [--misses]` prints the query set alone.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include "diag/lookup.h"
#include "diag/lookup_eval.h"

using namespace caora;

static double median_us(int runs, const std::function<void()>& fn) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    auto a = std::chrono::steady_clock::now();
    fn();
    auto b = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::micro>(b - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

static int query_set(const RecipeSet& set, bool misses) {
  std::ifstream in(std::string(CAORA_SOURCE_DIR) + "/tests/data/lookup/queries.tsv", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto queries = parse_lookup_queries(ss.str());
  if (!queries) {
    std::fprintf(stderr, "%s\n", queries.error().message.en.c_str());
    return 1;
  }
  std::vector<double> micros;
  LookupEvaluation ev;
  for (int round = 0; round < 5; ++round) {  // latency over five rounds; the rates are the same each time
    ev = evaluate_lookup(set, queries.value());
    for (const auto& s : ev.scored) micros.push_back(s.micros);
  }
  std::sort(micros.begin(), micros.end());
  size_t n = ev.scored.size();
  std::printf("lookup query set: %zu queries (%zu skipped: item not in this recipe set)\n", n, ev.skipped.size());
  std::printf("  top-1 %5.1f %% (%zu/%zu)   top-3 %5.1f %% (%zu/%zu)\n", n ? 100.0 * ev.top1 / n : 0.0, ev.top1, n,
              n ? 100.0 * ev.top3 / n : 0.0, ev.top3, n);
  if (!micros.empty())
    std::printf("  latency per query: median %.1f us, p95 %.1f us, max %.1f us\n", micros[micros.size() / 2],
                micros[micros.size() * 95 / 100], micros.back());
  if (misses)
    for (const auto& s : ev.scored) {
      if (s.top1()) continue;
      std::string got;
      for (const auto& id : s.ranked) got += " " + id;
      std::printf("  miss line %zu: %s -> expected %s, got%s\n", s.query->line, s.query->text.c_str(), s.query->expected.c_str(),
                  got.empty() ? " nothing" : got.c_str());
    }
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "lookup") == 0) {
    RecipeSet set = RecipeSet::embedded().value();
    return query_set(set, argc > 2 && std::strcmp(argv[2], "--misses") == 0);
  }
  size_t count = 0;
  double load = median_us(50, [&] { count = RecipeSet::embedded().value().recipes().size(); });
  RecipeSet set = RecipeSet::embedded().value();
  double code = median_us(2000, [&] { lookup(set, "fuj008"); });
  double detail = median_us(2000, [&] { lookup(set, "906 0x0300006"); });
  double symptom = median_us(200, [&] { lookup(set, "接続を待っています"); });
  std::printf("load+check all %zu recipes   median %8.1f us\n", count, load);
  std::printf("lookup code (fuj008)         median %8.1f us\n", code);
  std::printf("lookup code+detail           median %8.1f us\n", detail);
  std::printf("lookup symptom (ja free text) median %8.1f us\n", symptom);
  return query_set(set, false);
}
