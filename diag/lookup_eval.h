// The lookup query set (tests/data/lookup/queries.tsv) scored against a recipe
// set: shared by the unit test, which asserts on it, and the benchmark, which
// prints its rates.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "diag/lookup.h"

namespace caora {

struct LookupQuery {
  std::string text;
  std::string expected;  // recipe id
  std::string origin;    // seed:… or variant:…
  size_t line = 0;
};

// query<TAB>expected<TAB>origin lines; # comments and blank lines skipped.
Expected<std::vector<LookupQuery>> parse_lookup_queries(const std::string& tsv);

// What lookup() offers, best first: the recipe it settled on, then the candidates.
std::vector<std::string> ranked_ids(const LookupResult& result);

struct LookupScore {
  const LookupQuery* query;
  std::vector<std::string> ranked;  // at most three
  double micros = 0;                // one lookup() call
  bool top1() const { return !ranked.empty() && ranked.front() == query->expected; }
  bool top3() const;
};

struct LookupEvaluation {
  std::vector<LookupScore> scored;
  std::vector<const LookupQuery*> skipped;  // expected id not among the recipes
  size_t top1 = 0, top3 = 0;
};

LookupEvaluation evaluate_lookup(const RecipeSet& set, const std::vector<LookupQuery>& queries);

}  // namespace caora
