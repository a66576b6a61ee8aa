// Rendering of reports: one JSON document (schema caora.*/1) or text for a person.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "diag/lookup.h"
#include "diag/runner.h"

namespace caora {

nlohmann::json text_json(const Text& t);
nlohmann::json source_json(const Recipe& r);

nlohmann::json diagnose_json(const Report& report, const RecipeSet& set);
std::string diagnose_text(const Report& report, const RecipeSet& set, Lang lang);

nlohmann::json explain_json(const LookupResult& res);
std::string explain_text(const Recipe& recipe, const LookupResult& res, const RecipeSet& set, Lang lang);

// The mark after a fact the vendor's documents do not give (empty when `advice` is false).
std::string advice_mark(bool advice, Lang lang);
// A cause that is the project's own, or a present finding decided by a probe whose
// rule is the project's (ProbeSpec::advice).
bool rests_on_advice(const CauseResult& c);

std::string contact_line(const RecipeSet& set, const std::string& contact, Lang lang);
std::string candidates_text(const std::vector<Candidate>& candidates, Lang lang);

}  // namespace caora
