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

std::string contact_line(const RecipeSet& set, const std::string& contact, Lang lang);
std::string candidates_text(const std::vector<Candidate>& candidates, Lang lang);

}  // namespace caora
