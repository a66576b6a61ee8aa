// Lookup: what a person types or reads off the screen -> a recipe.
// Accepts 008, fuj008, ０００８ (full width), 0x81000023, 81000023, 0x2000001
// (zero padding), 3000006 (bare, its leading zero dropped), 1234C02-4 (FUJ906's
// xxxxC02 details, whose first four characters the vendor prints as xxxx), the bracketed
// screen text 【008：端末接続不良】, "CODE DETAIL" pairs, recipe ids (qa-17) and,
// failing all that, free-text symptoms ranked against the recipes' words.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "diag/recipe_set.h"

namespace caora {

struct NormalisedQuery {
  std::optional<std::string> code;    // canonical: 008, FUJ906, FUJP55
  std::optional<std::string> detail;  // canonical: 0x81000023, xxxxC02-4, 22013C04-2
  // Other readings of a short hex detail whose dropped zero could sit elsewhere
  // (0x4000011: 0x04000011 or 0x40000011); lookup takes the one that exists.
  std::vector<std::string> detail_alternatives;
  std::optional<std::string> recipe_id;
  std::vector<std::string> unmatched;  // tokens that looked like codes but matched no form
  std::string text;                    // folded free text (for ranking)
};

// Pure: no recipe knowledge beyond the shape of codes. Fuzzed.
NormalisedQuery normalise_query(const std::string& raw);
std::string canonical_detail(const std::string& token);  // "" when not a detail code
std::vector<std::string> detail_readings(const std::string& token);  // every padding, most likely first

struct Candidate {
  const Recipe* recipe;
  double score;
};

struct LookupResult {
  enum class Kind { Exact, Ambiguous, FreeText, NotFound, DetailMismatch };
  Kind kind = Kind::NotFound;
  const Recipe* recipe = nullptr;
  std::optional<std::string> code;
  std::optional<std::string> detail;
  std::vector<Candidate> candidates;  // best first
};

LookupResult lookup(const RecipeSet& set, const std::string& raw);
// Free-text ranking alone (best first, at most `limit`).
std::vector<Candidate> rank_text(const RecipeSet& set, const std::string& text, size_t limit = 5);

}  // namespace caora
