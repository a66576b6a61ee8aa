#include "diag/recipe_pack.h"

#include <catch2/catch.hpp>

#include "diag/lookup.h"
#include "diag/report.h"

using namespace caora;

TEST_CASE("the packed recipes read back as the loader parsed them") {
  auto parsed = RecipeSet::embedded_json();
  REQUIRE(parsed.ok());
  std::string pack = pack_recipe_set(*parsed);
  auto back = unpack_recipe_set(pack);
  REQUIRE(back.ok());
  CHECK(pack_recipe_set(*back) == pack);
  REQUIRE(back->recipes().size() == parsed->recipes().size());
  CHECK(back->contacts().size() == parsed->contacts().size());
  // What people see of each recipe is the same from either (causes, steps, waits, contacts).
  for (size_t i = 0; i < parsed->recipes().size(); ++i) {
    const Recipe& a = parsed->recipes()[i];
    const Recipe& b = back->recipes()[i];
    INFO(a.origin);
    CHECK(a.id == b.id);
    CHECK(a.origin == b.origin);
    LookupResult ra = lookup(*parsed, a.id), rb = lookup(*back, b.id);
    REQUIRE(ra.recipe == &a);
    REQUIRE(rb.recipe == &b);
    CHECK(explain_json(ra).dump() == explain_json(rb).dump());
    for (Lang lang : {Lang::Ja, Lang::En}) CHECK(explain_text(a, ra, *parsed, lang) == explain_text(b, rb, *back, lang));
    for (size_t c = 0; c < a.causes.size(); ++c) {
      REQUIRE(b.causes.size() == a.causes.size());
      CHECK(a.causes[c].id == b.causes[c].id);
      CHECK(a.causes[c].details == b.causes[c].details);
      CHECK(a.causes[c].detect.has_value() == b.causes[c].detect.has_value());
      if (a.causes[c].detect) {
        REQUIRE(a.causes[c].detect->checks.size() == b.causes[c].detect->checks.size());
        for (size_t k = 0; k < a.causes[c].detect->checks.size(); ++k)
          CHECK(a.causes[c].detect->checks[k].present_if.operand == b.causes[c].detect->checks[k].present_if.operand);
      }
      REQUIRE(a.causes[c].resolve.size() == b.causes[c].resolve.size());
      for (size_t s = 0; s < a.causes[c].resolve.size(); ++s)
        CHECK(a.causes[c].resolve[s].params == b.causes[c].resolve[s].params);
    }
  }
}

TEST_CASE("damaged pack bytes are an internal error, never a crash") {
  auto parsed = RecipeSet::embedded_json();
  REQUIRE(parsed.ok());
  std::string pack = pack_recipe_set(*parsed);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{10}, pack.size() / 3, pack.size() / 2, pack.size() - 1}) {
    INFO(cut);
    auto back = unpack_recipe_set(std::string_view(pack).substr(0, cut));
    REQUIRE_FALSE(back.ok());
    CHECK(back.error().kind == ErrorKind::Internal);
  }
  CHECK_FALSE(unpack_recipe_set(pack + "x").ok());
  std::string other = pack;
  other[1] = 'X';  // another layout's magic
  CHECK_FALSE(unpack_recipe_set(other).ok());
}
