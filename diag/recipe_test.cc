#include "diag/recipe.h"

#include <catch2/catch.hpp>

#include "core/embedded.h"
#include "diag/recipe_set.h"

using namespace caora;

TEST_CASE("the embedded recipe set loads and covers the documents") {
  auto set = RecipeSet::embedded();
  REQUIRE(set.ok());
  int errors = 0, qa = 0, screens = 0, faq = 0;
  for (const auto& r : set->recipes()) {
    errors += r.kind == "error";
    qa += r.kind == "qa";
    screens += r.kind == "screen";
    faq += r.kind == "faq";
  }
  CHECK(errors == 16);
  CHECK(qa == 34);
  CHECK(screens == 11);
  CHECK(faq >= 12);
  for (const char* code : {"001", "FUJ001", "008", "FUJ008", "010", "011", "FUJP55", "FUJJP70", "FUJJP60", "015", "101", "102",
                           "901", "905", "FUJ905", "906", "FUJ906", "020", "021", "006", "023", "016"}) {
    INFO(code);
    CHECK(set->by_code(code) != nullptr);
  }
  for (const char* detail : {"0x03000001", "0x03000002", "0x81000008", "0x81000023", "0x02000003", "22013C04-2", "0x8100000B",
                             "0x81000005", "0x04000011", "0x04000019", "0x04000020", "0xF0301D1A", "0x81000004", "0x02000001",
                             "0x81000001", "0x81000003", "0x81000013", "0x01000004", "0x81000009", "0x01000001", "0x03000006",
                             "xxxxC02-4", "xxxxC02-11", "21700C26-2", "21200M23-F12", "21200M24-F11", "21600M63-F12",
                             "31150M24-F12"}) {
    INFO(detail);
    CHECK_FALSE(set->by_detail(detail).empty());
  }
  const Recipe* r906 = set->by_code("906");
  int dup = 0;
  for (const auto& c : r906->causes)
    if (c.applies_to(std::string("0x81000001")) && !c.details.empty()) ++dup;
  CHECK(dup >= 4);  // the four duplicate-registration cases
}

TEST_CASE("syntax errors name the file, line and column") {
  auto r = parse_recipe("{\n  \"id\": \"x\",\n  oops\n}", "bad.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.en.find("bad.json:3:") != std::string::npos);
}

TEST_CASE("content errors name the JSON pointer") {
  std::string text = embedded_file("recipes/errors/008.json");
  std::string broken = text;
  broken.replace(broken.find("host.rdp.session_active"), 23, "host.rdp.no_such_probe");
  auto r = parse_recipe(broken, "008.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.en.find("/causes/0/detect/checks/0/probe") != std::string::npos);
  CHECK(r.error().message.en.find("unknown probe") != std::string::npos);
  auto no_title = parse_recipe("{\"id\":\"a\",\"kind\":\"qa\",\"audience\":[\"staff\"],\"source\":{\"document\":\"faq\",\"item\":\"1\"}}", "t.json");
  REQUIRE_FALSE(no_title.ok());
  CHECK(no_title.error().message.en.find("title") != std::string::npos);
}

TEST_CASE("duplicate ids and codes across files are refused") {
  std::string a = embedded_file("recipes/errors/008.json");
  std::string contacts = embedded_file("recipes/contacts.json");
  auto set = RecipeSet::from_files({{"recipes/contacts.json", contacts}, {"a/008.json", a}, {"b/008.json", a}});
  REQUIRE_FALSE(set.ok());
  CHECK(set.error().message.en.find("also") != std::string::npos);
}
