// Prints the median time to load and check every embedded recipe, and to look
// up a code, a detail and a symptom. Run through bench/run.sh.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

#include "diag/lookup.h"

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

int main() {
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
  return 0;
}
