// The recipe model: one error code, screen, QA item or FAQ fact, with its
// causes in the vendor's order (see caora-recipes(5) and recipes/recipe.schema.json).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/text.h"

namespace caora {

struct Condition {
  std::string op;  // eq ne lt le gt ge in not_in empty
  nlohmann::json operand;
};

struct Check {
  std::string probe;
  Condition present_if;
  // A value at which the vendor's documents do not decide: the check is unknown
  // there (and the cause's question is asked), with `why` as the reason.
  std::optional<Condition> unknown_if;
  Text why;
};

struct Question {
  std::string id;
  Text text;
};

struct Detect {
  std::vector<Check> checks;
  bool match_all = false;
  std::optional<Question> question;
  // The detail code on the screen names the cause by itself (e.g. 015's tries left).
  bool from_detail = false;
};

struct WaitFor {
  int seconds = 0;  // a timer, or
  std::string probe;  // poll this probe
  std::optional<Condition> until;
  int timeout_s = 120;
};

struct Step {
  enum class Type { Action, Manual, Info, Escalate };
  Type type = Type::Info;
  std::string action;
  nlohmann::json params = nlohmann::json::object();
  Text text;
  std::optional<WaitFor> wait_for;
  std::string to;                   // escalate: contact id
  std::vector<std::string> fields;  // escalate: ticket fields
  // Not in the vendor's documents: the project's own advice (a contact, a fact, a rule of thumb).
  bool advice = false;
};

// Why no probe can decide a cause that is only asked (or not checked at all):
// a word from no_probe_reasons(), and optionally a line saying more.
struct NoProbe {
  std::string reason;
  std::string note;
};

// The fixed vocabulary of NoProbe::reason, in the order reports group by.
const std::vector<std::string>& no_probe_reasons();

struct Cause {
  std::string id;
  Text title;
  std::vector<std::string> details;  // empty = all details of the recipe
  std::optional<Detect> detect;
  std::vector<Step> resolve;
  std::optional<std::vector<Check>> verify_checks;  // nullopt = detect again
  bool advice = false;  // the cause is the project's, not one the vendor lists
  std::optional<NoProbe> no_probe;
  bool applies_to(const std::optional<std::string>& detail) const;
};

struct DetailCode {
  std::string code;
  Text title;
};

// Where the vendor's own documents contradict each other: both texts verbatim,
// and what the project makes of it.
struct Conflict {
  Text about;
  std::vector<std::string> texts;
};

struct Recipe {
  std::string id;
  std::string kind;
  std::vector<std::string> audience;
  std::string source_document;
  std::string source_item;
  std::vector<std::string> codes;
  std::vector<std::string> screen_texts;
  std::vector<DetailCode> details;
  Text title;
  Text summary;
  std::vector<std::string> keywords_ja;
  std::vector<std::string> keywords_en;
  std::vector<Cause> causes;
  std::vector<Step> steps;
  std::optional<Step> escalate;
  std::vector<Conflict> conflicts;
  std::string origin;  // file it came from

  bool has_code(const std::string& code) const;
  const DetailCode* find_detail(const std::string& detail) const;
};

// Parses and checks one recipe; errors name `origin` and the position
// (line:column for syntax, a JSON pointer for content).
Expected<Recipe> parse_recipe(const std::string& text, const std::string& origin);

}  // namespace caora
