#include "diag/lookup.h"

#include <catch2/catch.hpp>

using namespace caora;

static const RecipeSet& recipes() {
  static RecipeSet set = RecipeSet::embedded().value();
  return set;
}

TEST_CASE("codes are normalised from what people type") {
  CHECK(*normalise_query("008").code == "008");
  CHECK(*normalise_query("8").code == "008");
  CHECK(*normalise_query("fuj008").code == "FUJ008");
  CHECK(*normalise_query("\xEF\xBC\xA6\xEF\xBC\xB5\xEF\xBC\xAA\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x98").code == "FUJ008");
  CHECK(*normalise_query("FUJPS5").code == "FUJP55");
  CHECK(*normalise_query("\xE3\x80\x90" "008\xEF\xBC\x9A\xE7\xAB\xAF\xE6\x9C\xAB\xE6\x8E\xA5\xE7\xB6\x9A\xE4\xB8\x8D\xE8\x89\xAF\xE3\x80\x91").code == "008");
}

TEST_CASE("detail codes are normalised") {
  CHECK(canonical_detail("0x81000023") == "0x81000023");
  CHECK(canonical_detail("81000023") == "0x81000023");
  CHECK(canonical_detail("0X81000023") == "0x81000023");
  CHECK(canonical_detail("0x8100004") == "0x81000004");   // the vendor's dropped zero
  CHECK(canonical_detail("0x0200001") == "0x02000001");
  CHECK(canonical_detail("0xf0301d1a") == "0xF0301D1A");
  CHECK(canonical_detail("1234C02-4") == "xxxxC02-4");
  CHECK(canonical_detail("abcdc02-11") == "xxxxC02-11");
  CHECK(canonical_detail("xxxxC02-4") == "xxxxC02-4");
  CHECK(canonical_detail("22013c04-2") == "22013C04-2");
  CHECK(canonical_detail("21200M23-F12") == "21200M23-F12");
  CHECK(canonical_detail("008") == "");
  CHECK(canonical_detail("0xZZ") == "");
}

TEST_CASE("a code and detail pair resolves to one recipe") {
  auto r = lookup(recipes(), "008 0x81000023");
  REQUIRE(r.kind == LookupResult::Kind::Exact);
  CHECK(r.recipe->id == "error-008");
  CHECK(*r.detail == "0x81000023");
}

TEST_CASE("a detail shared by several codes lists them") {
  auto r = lookup(recipes(), "0x81000008");
  REQUIRE(r.kind == LookupResult::Kind::Ambiguous);
  std::vector<std::string> ids;
  for (const auto& c : r.candidates) ids.push_back(c.recipe->id);
  CHECK(std::find(ids.begin(), ids.end(), "error-001") != ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "error-011") != ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "error-fuj905") != ids.end());
}

TEST_CASE("a detail of another code is a mismatch") {
  auto r = lookup(recipes(), "008 0x04000011");
  CHECK(r.kind == LookupResult::Kind::DetailMismatch);
  REQUIRE_FALSE(r.candidates.empty());
  CHECK(r.candidates.front().recipe->id == "error-015");
}

TEST_CASE("unknown codes get nearest matches") {
  auto r = lookup(recipes(), "909");
  CHECK(r.kind == LookupResult::Kind::NotFound);
  CHECK_FALSE(r.candidates.empty());
}

TEST_CASE("symptoms rank the QA items") {
  auto r = lookup(recipes(), "\xE6\x8E\xA5\xE7\xB6\x9A\xE3\x82\x92\xE5\xBE\x85\xE3\x81\xA3\xE3\x81\xA6\xE3\x81\x84\xE3\x81\xBE\xE3\x81\x99");  // 接続を待っています
  REQUIRE(r.kind == LookupResult::Kind::FreeText);
  std::vector<std::string> top;
  for (size_t i = 0; i < std::min<size_t>(3, r.candidates.size()); ++i) top.push_back(r.candidates[i].recipe->id);
  CHECK(std::find(top.begin(), top.end(), "qa-16") != top.end());
  CHECK(std::find(top.begin(), top.end(), "qa-17") != top.end());
  auto en = lookup(recipes(), "remote desktop");
  REQUIRE_FALSE(en.candidates.empty());
}

TEST_CASE("every code and detail of every recipe finds its recipe") {
  for (const auto& r : recipes().recipes()) {
    for (const auto& code : r.codes) {
      INFO(code);
      auto found = lookup(recipes(), code);
      REQUIRE(found.kind == LookupResult::Kind::Exact);
      CHECK(found.recipe == &r);
      for (const auto& d : r.details) {
        INFO(d.code);
        auto pair = lookup(recipes(), code + " " + d.code);
        CHECK(pair.kind == LookupResult::Kind::Exact);
        CHECK(pair.recipe == &r);
      }
    }
    auto by_id = lookup(recipes(), r.id);
    CHECK(by_id.recipe == &r);
  }
}

#include <fstream>
#include <sstream>

#include "diag/lookup_eval.h"

static std::string query_file() {
  std::ifstream in(std::string(CAORA_SOURCE_DIR) + "/tests/data/lookup/queries.tsv", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_CASE("the lookup query set: every query finds its item first, and within the top three") {
  auto queries = parse_lookup_queries(query_file());
  REQUIRE(queries);
  REQUIRE(queries.value().size() >= 100);
  auto ev = evaluate_lookup(recipes(), queries.value());
  for (const auto* q : ev.skipped) FAIL_CHECK("line " << q->line << ": no recipe " << q->expected);
  for (const auto& s : ev.scored) {
    std::string got;
    for (const auto& id : s.ranked) got += id + " ";
    INFO("line " << s.query->line << ": " << s.query->text << " -> " << got);
    CHECK(s.top1());
    CHECK(s.top3());
  }
  CHECK(ev.scored.size() + ev.skipped.size() == queries.value().size());
}

TEST_CASE("junk finds nothing; a bare seven-digit detail code finds its code") {
  for (const char* junk : {"xxxxxxxx", "xxxx", "XXXXXXXX", "----", "????", "zzzz", "no-such-thing-at-all-zzz", "purple elephant quantum"}) {
    INFO(junk);
    auto r = lookup(recipes(), junk);
    CHECK(r.recipe == nullptr);
    CHECK(r.kind == LookupResult::Kind::NotFound);
  }
  auto bare = lookup(recipes(), "3000006");
  REQUIRE(bare.kind == LookupResult::Kind::Exact);
  CHECK(bare.recipe->id == "error-906");
  CHECK(*bare.detail == "0x03000006");
  CHECK(canonical_detail("3000006") == "0x03000006");
}

TEST_CASE("the query table refuses a malformed line") {
  CHECK_FALSE(parse_lookup_queries("no tab here\n"));
  CHECK_FALSE(parse_lookup_queries("\tqa-01\n"));
  auto ok = parse_lookup_queries("# comment\n\nquery\tqa-01\tseed:qa\r\n");
  REQUIRE(ok);
  REQUIRE(ok.value().size() == 1);
  CHECK(ok.value()[0].expected == "qa-01");
  CHECK(ok.value()[0].origin == "seed:qa");
}
