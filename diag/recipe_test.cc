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
  CHECK(faq == 47);
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

TEST_CASE("advice, conflicts and undecided values are read and checked") {
  auto base = [](const std::string& extra, const std::string& cause) {
    return "{\"id\":\"a\",\"kind\":\"qa\",\"audience\":[\"staff\"],\"source\":{\"document\":\"faq\",\"item\":\"1\"},"
           "\"title\":{\"ja\":\"t\",\"en\":\"t\"},\"summary\":{\"ja\":\"s\",\"en\":\"s\"},\"keywords\":{\"ja\":[],\"en\":[]},"
           "\"causes\":[" + cause + "]" + extra + "}";
  };
  auto ok = parse_recipe(
      base(",\"conflicts\":[{\"about\":{\"ja\":\"a\",\"en\":\"a\"},\"texts\":[\"x\",\"y\"]}],"
           "\"escalate\":{\"to\":\"vendor-support\",\"advice\":true}",
           "{\"id\":\"c\",\"advice\":true,\"title\":{\"ja\":\"a\",\"en\":\"a\"},\"resolve\":[{\"type\":\"info\",\"advice\":true,"
           "\"text\":{\"ja\":\"a\",\"en\":\"a\"}}]}"),
      "ok.json");
  REQUIRE(ok.ok());
  CHECK(ok->causes[0].advice);
  CHECK(ok->causes[0].resolve[0].advice);
  CHECK(ok->escalate->advice);
  REQUIRE(ok->conflicts.size() == 1);
  CHECK(ok->conflicts[0].texts == std::vector<std::string>{"x", "y"});
  auto one_text = parse_recipe(base(",\"conflicts\":[{\"about\":{\"ja\":\"a\",\"en\":\"a\"},\"texts\":[\"x\"]}]", ""), "c.json");
  REQUIRE_FALSE(one_text.ok());
  CHECK(one_text.error().message.en.find("/conflicts/0/texts") != std::string::npos);
  auto advice_false = parse_recipe(
      base("", "{\"id\":\"c\",\"advice\":false,\"title\":{\"ja\":\"a\",\"en\":\"a\"},\"resolve\":[]}"), "f.json");
  REQUIRE_FALSE(advice_false.ok());
  CHECK(advice_false.error().message.en.find("/causes/0/advice") != std::string::npos);
  auto no_why = parse_recipe(
      base("", "{\"id\":\"c\",\"title\":{\"ja\":\"a\",\"en\":\"a\"},\"detect\":{\"checks\":[{\"probe\":\"site.face_dll.version\","
               "\"present_if\":{\"lt\":\"2.1.0J\"},\"unknown_if\":{\"eq\":\"2.1.0J\"}}]},\"resolve\":[]}"),
      "w.json");
  REQUIRE_FALSE(no_why.ok());
  CHECK(no_why.error().message.en.find("/causes/0/detect/checks/0") != std::string::npos);
}

TEST_CASE("no_probe takes a word of the fixed vocabulary, and only where no probe decides") {
  auto recipe = [](const std::string& cause) {
    return "{\"id\":\"a\",\"kind\":\"qa\",\"audience\":[\"staff\"],\"source\":{\"document\":\"faq\",\"item\":\"1\"},"
           "\"title\":{\"ja\":\"t\",\"en\":\"t\"},\"summary\":{\"ja\":\"s\",\"en\":\"s\"},\"keywords\":{\"ja\":[],\"en\":[]},"
           "\"causes\":[{\"id\":\"c\",\"title\":{\"ja\":\"a\",\"en\":\"a\"},\"resolve\":[]," + cause + "}]}";
  };
  const std::string question = "\"detect\":{\"question\":{\"id\":\"q\",\"text\":{\"ja\":\"q\",\"en\":\"q\"}}}";
  auto ok = parse_recipe(recipe(question + ",\"no_probe\":{\"reason\":\"person-sees\",\"note\":\"the card\"}"), "ok.json");
  REQUIRE(ok.ok());
  REQUIRE(ok->causes[0].no_probe);
  CHECK(ok->causes[0].no_probe->reason == "person-sees");
  CHECK(ok->causes[0].no_probe->note == "the card");
  auto unchecked = parse_recipe(recipe("\"no_probe\":{\"reason\":\"remote\"}"), "none.json");
  REQUIRE(unchecked.ok());
  CHECK(unchecked->causes[0].no_probe->note.empty());

  auto unknown_word = parse_recipe(recipe(question + ",\"no_probe\":{\"reason\":\"invisible\"}"), "w.json");
  REQUIRE_FALSE(unknown_word.ok());
  CHECK(unknown_word.error().message.en.find("/causes/0/no_probe/reason") != std::string::npos);
  CHECK(unknown_word.error().message.en.find("invisible") != std::string::npos);
  auto on_a_probe = parse_recipe(
      recipe("\"detect\":{\"checks\":[{\"probe\":\"site.face_dll.version\",\"present_if\":{\"lt\":\"2.1.0J\"}}]},"
             "\"no_probe\":{\"reason\":\"physical\"}"),
      "p.json");
  REQUIRE_FALSE(on_a_probe.ok());
  CHECK(on_a_probe.error().message.en.find("/causes/0/no_probe") != std::string::npos);
  auto empty_note = parse_recipe(recipe(question + ",\"no_probe\":{\"reason\":\"physical\",\"note\":\"\"}"), "n.json");
  REQUIRE_FALSE(empty_note.ok());
}

TEST_CASE("every embedded cause that no probe or detail code decides says why") {
  auto set = RecipeSet::embedded();
  REQUIRE(set.ok());
  int asked = 0;
  for (const auto& r : set->recipes())
    for (const auto& c : r.causes) {
      bool decided = c.detect && (!c.detect->checks.empty() || c.detect->from_detail);
      if (decided) continue;
      ++asked;
      INFO(r.id << " " << c.id);
      CHECK(c.no_probe.has_value());
    }
  CHECK(asked > 0);
}
