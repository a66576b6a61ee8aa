#include "core/json_prune.h"

#include <catch2/catch.hpp>

using namespace caora;
using json = nlohmann::json;

namespace {

Prune keep_all(const std::vector<std::string>&) { return Prune::Keep; }
Prune skip_all(const std::vector<std::string>&) { return Prune::Skip; }
Prune descend_all(const std::vector<std::string>&) { return Prune::Descend; }

}  // namespace

TEST_CASE("json_prune: accepts and refuses exactly what nlohmann does") {
  // Each text is wrapped as a member's value so the scanner's skip path, the
  // kept path and the descending path all see it.
  const char* values[] = {
      "1", "-0", "-7", "999999999999999999", "-999999999999999999", "18446744073709551615", "0.5", "1e5", "1E+5", "-1.25e-3", "123456789012345678901234567890",
      "\"\"", "\"a\\u00e9\\n\\\"\"", "\"\\ud83d\\ude00\"", "\"日本語\"", "\"\xf0\x9f\x98\x80\"",
      "true", "false", "null", "[]", "{}", "[1, [2, {\"a\": [3]}]]", "{\"k\": {\"k\": {}}}",
      // refused
      "01", "1.", ".5", "1e", "-", "+1", "1e999", "-1e999", "1" "000000000000000000000000000000000000000000000000000000000000000"
      "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
      "\"\\x\"", "\"\\u12\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"", "\"a\tb\"", "\"\xc0\xaf\"",
      "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe3\x81\"", "\"abc", "tru", "nul", "[1,]", "[1 2]", "{\"a\" 1}",
      "{\"a\":1,}", "{1:2}", "[", "]", "{\"a\":[}]", "", "\"\x7f\"",
  };
  for (const char* v : values) {
    std::string doc = std::string("{\"x\": ") + v + ", \"y\": 2}";
    bool nl = json::accept(doc);
    INFO(doc);
    for (auto rule : {keep_all, skip_all, descend_all}) {
      auto r = parse_json_pruned(doc, rule);
      CHECK(r.ok() == nl);
      if (r.ok() && rule != skip_all) {
        json want = json::parse(doc);
        CHECK(r.value() == want);
        CHECK(r.value()["x"].type() == want["x"].type());  // 1 stays unsigned, as nlohmann has it
      }
    }
  }
}

TEST_CASE("json_prune: a document that is not one value is refused") {
  for (const char* text : {"", "  ", "{} {}", "{}x", "[1] ,"}) {
    INFO(text);
    CHECK_FALSE(parse_json_pruned(text, keep_all).ok());
  }
  // nlohmann would stop at the NUL and accept {}; the scanner reads to the end.
  CHECK_FALSE(parse_json_pruned(std::string("{}\0{", 4), keep_all).ok());
  CHECK(parse_json_pruned(" 7 ", keep_all).value() == 7);
  // A file written by a Windows tool may start with a UTF-8 byte order mark.
  std::string bom = "\xEF\xBB\xBF{\"a\": 1}";
  REQUIRE(json::accept(bom));
  CHECK(parse_json_pruned(bom, keep_all).value() == json::parse(bom));
  CHECK_FALSE(parse_json_pruned("{\"a\": 1}\xEF\xBB\xBF", keep_all).ok());
}

TEST_CASE("json_prune: only the members the rule keeps are built") {
  std::string doc = R"({"big": {"deep": [1, 2, {"z": "\u00e9"}]}, "keep": {"a": 1},
                        "list": [{"id": "x", "noise": [1, 2]}, {"id": "y"}], "n": 3})";
  auto rule = [](const std::vector<std::string>& p) {
    if (p[0] == "keep") return Prune::Keep;
    if (p[0] == "list") return p.size() < 3 ? Prune::Descend : (p[2] == "id" ? Prune::Keep : Prune::Skip);
    return Prune::Skip;
  };
  auto r = parse_json_pruned(doc, rule);
  REQUIRE(r.ok());
  CHECK(r.value() == json::parse(R"({"keep": {"a": 1}, "list": [{"id": "x"}, {"id": "y"}]})"));
}

TEST_CASE("json_prune: a key written with escapes is compared decoded") {
  auto rule = [](const std::vector<std::string>& p) { return p[0] == "schema" ? Prune::Keep : Prune::Skip; };
  auto r = parse_json_pruned(R"({"sch\u0065ma": "s", "other": 1})", rule);
  REQUIRE(r.ok());
  CHECK(r.value() == json::parse(R"({"schema": "s"})"));
}

TEST_CASE("json_prune: nesting costs no stack when skipped, and an error says where") {
  std::string deep = "{\"a\": " + std::string(200000, '[') + std::string(200000, ']') + "}";
  CHECK(parse_json_pruned(deep, skip_all).ok());
  auto bad = parse_json_pruned("{\"a\": [1, 2,, 3]}", skip_all);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind == ErrorKind::Parse);
  CHECK(bad.error().message.en == "not JSON (at byte 13)");
  CHECK(bad.error().message.ja.find("13") != std::string::npos);
  // Descending without end is refused, not recursed; kept, it is built.
  std::string nested = std::string(1000, '[') + std::string(1000, ']');
  CHECK_FALSE(parse_json_pruned(nested, descend_all).ok());
  auto kept = parse_json_pruned(nested, keep_all);
  REQUIRE(kept.ok());
  CHECK(kept.value() == json::parse(nested));
}
